/**
 * Issue 5, item 6, in `npm test`: every property at least 1,000 runs in its
 * cheap form (fixed seed), the heavier forms fewer. test/reliability runs
 * ten times as many. See lib/properties.ts.
 */
import { registerProperties } from './lib/properties.js';

registerProperties({ pure: 1000, heavy: 200, spawned: 12, seed: 20261125 });
