import { configDefaults, defineConfig } from 'vitest/config';

// The long runs of test/reliability (crash rounds, concurrency, backups under
// load) only run with CADRE_RELIABILITY set: `npm run test:reliability`.
// They then run one file at a time, so their timings are not skewed by each other.
const reliability = !!process.env.CADRE_RELIABILITY;

export default defineConfig({
  test: {
    exclude: [...configDefaults.exclude, ...(reliability ? [] : ['test/reliability/**'])],
    fileParallelism: !reliability,
    // A test runs the CLI several times; on a loaded 2-core machine each run can take seconds, and a
    // timeout is not what a test checks (speed lives in the bench), so the limits only catch a hang.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
