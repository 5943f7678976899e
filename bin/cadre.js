#!/usr/bin/env node
// The `cadre` command. Kept small: whatever it imports, every run pays for.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const args = process.argv.slice(2);
// A reader that stops early (`cadre audit | head`) closes the pipe: the rest of the output is dropped, quietly.
process.stdout.on('error', (e) => {
  if (e.code !== 'EPIPE') throw e;
});
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
let helpCache = null;

/** The command the arguments name, for its code cache ('-' for none; the global options' values skipped). */
function commandName() {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--db' || a === '--lang' || a === '--operator' || a === '--policy') i++;
    else if (!a.startsWith('-')) return /^[a-z][a-z-]{0,30}$/.test(a) ? a : '-';
  }
  return '-';
}

/**
 * The program's main(). Built by `npm run build`, it is one bundle
 * (bin/bundle.js) compiled from V8's code cache of an earlier run of the
 * same command under the same build and node: dist/.code-cache/, written
 * after the first run. Without a bundle, or with one older than the
 * modules, the modules as tsc built them.
 * A cache that cannot be read or written only costs the compiling.
 */
async function loadMain() {
  let build = null;
  try {
    build = JSON.parse(fs.readFileSync(path.join(dist, 'bundle', 'build.json'), 'utf8'));
    // Modules rewritten since the bundle was made (`tsc` alone): the bundle is stale, the modules run.
    if (fs.statSync(path.join(dist, 'cli', 'main.js')).mtimeMs !== build.modules) throw new Error('stale bundle');
  } catch {
    // Every command needs the process context (SQLite, the policy): its files load while the program does.
    import('../dist/cli/process-context.js').catch(() => undefined);
    const { main } = await import('../dist/cli/main.js');
    return { main, after() {} };
  }
  const file = path.join(dist, 'bundle', 'main.cjs');
  const cacheFile = path.join(dist, '.code-cache', `${build.hash}-${process.version}-${process.arch}-${commandName()}.bin`);
  let cached;
  try {
    cached = fs.readFileSync(cacheFile);
  } catch {
    cached = undefined;
  }
  // CommonJS's own wrapper, so the bundle sees require, module and __filename as under require(), and
  // __import: import() of the packages left out of the bundle, done here (see bin/bundle.js).
  const source = `(function (exports, require, module, __filename, __dirname, __import) { ${fs.readFileSync(file, 'utf8')}\n});`;
  const script = new vm.Script(source, { filename: file, cachedData: cached });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file), (name) => import(name));
  return {
    main: module.exports.main,
    after() {
      if (cached && !script.cachedDataRejected) return;
      // After the run, so the cache holds the functions this command compiled. Written beside and renamed: never half a file.
      try {
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch {
        // A read-only installation: compiled each time, as without a cache.
      }
    },
  };
}

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
    const { main, after } = await loadMain();
    process.exitCode = await main(args, { helpCache });
    after();
  }
}
