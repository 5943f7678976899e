import os from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

// The long runs of test/reliability (crash rounds, concurrency, backups under
// load) only run with CADRE_RELIABILITY set: `npm run test:reliability`.
// They then run one file at a time, so their timings are not skewed by each other.
const reliability = !!process.env.CADRE_RELIABILITY;

export default defineConfig({
  test: {
    exclude: [...configDefaults.exclude, ...(reliability ? [] : ['test/reliability/**'])],
    fileParallelism: !reliability,
    // Two files at a time even on two cores (vitest's default would be one there): most tests wait on
    // the program they run, in this process or a child, so a second file overlaps that waiting. On
    // this 2-core machine the suite took 2 min 54 s so, its files' own times adding up to 4 min 9 s.
    maxWorkers: reliability ? 1 : Math.max(2, os.availableParallelism() - 1),
    // A test runs the CLI several times; on a loaded 2-core machine each run can take seconds, and a
    // timeout is not what a test checks (speed lives in the bench), so the limits only catch a hang.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
