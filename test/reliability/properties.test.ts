/** Issue 5, item 6, the long run: ten times the runs of npm test (fixed seed). */
import { registerProperties } from '../robustness/lib/properties.js';

registerProperties({ pure: 10_000, heavy: 2_000, spawned: 200, seed: 20261125 });
