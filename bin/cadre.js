#!/usr/bin/env node
// The `cadre` command. Kept small: whatever it imports, every run pays for.
import os from 'node:os';

const args = process.argv.slice(2);
let helpCache = null;

if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Nothing else to load for the version.
  const { VERSION } = await import('../dist/cli/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  let done = false;
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
    // The help as the last `cadre --help` of this build rendered it, if kept (dist/cli/help-cache.js).
    const { helpCachePath, readHelpCache } = await import('../dist/cli/help-cache.js');
    helpCache = helpCachePath(process.env, process.stdout);
    const text = helpCache && readHelpCache(helpCache);
    if (text) {
      process.stdout.write(text);
      done = true;
    }
  }
  if (!done) {
    // Password hashing (scrypt) runs on libuv's thread pool, 4 threads unless told: one per
    // core instead, set before anything uses the pool. A value the user set is kept.
    process.env.UV_THREADPOOL_SIZE ??= String(os.availableParallelism?.() ?? os.cpus().length);
    // Every command needs the process context (SQLite, the policy): its files load while the program does.
    import('../dist/cli/process-context.js').catch(() => undefined);
    const { main } = await import('../dist/cli/main.js');
    process.exitCode = await main(args, { helpCache });
  }
}
