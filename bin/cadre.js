#!/usr/bin/env node
// The `cadre` command. Kept small: whatever it loads, every run pays for. It is CommonJS
// (bin/package.json), so a run of the bundle never starts node's ES-module loader.
'use strict';
const fs = require('node:fs');
const { createRequire } = require('node:module');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

const args = process.argv.slice(2);
const dist = path.join(__dirname, '..', 'dist');
// A reader that stops early (`cadre audit | head`) closes the pipe: the rest of the output is dropped, quietly.
process.stdout.on('error', (e) => {
  if (e.code !== 'EPIPE') throw e;
});

/** The bundle's build (bin/bundle.mjs), or null to run the modules: none, or older than the modules (`tsc` run alone since). */
function bundleBuild() {
  try {
    const build = JSON.parse(fs.readFileSync(path.join(dist, 'bundle', 'build.json'), 'utf8'));
    return fs.statSync(path.join(dist, 'cli', 'main.js')).mtimeMs === build.modules ? build : null;
  } catch {
    return null;
  }
}

/**
 * The program's main(). Built by `npm run build`, it is one bundle
 * (bin/bundle.mjs) compiled from V8's code cache of an earlier run of the
 * same command under the same build and node: dist/.code-cache/, written
 * after the first run. Without a bundle, or with one older than the
 * modules, the modules as tsc built them. A cache that cannot be read or
 * written only costs the compiling.
 */
const O_NOFOLLOW = fs.constants.O_NOFOLLOW || 0;

/**
 * Keeps a code cache: the steps of src/io/atomic-file.ts, written out by hand
 * because this file runs before the program and cannot load it. A temporary
 * created exclusively beside the cache (never through a symbolic link), 0644
 * whatever the umask, renamed over the cache's name (a link planted there is
 * replaced, not followed); a cache folder that is a symbolic link is not
 * written into. Any failure only costs the compiling next time.
 */
function writeCodeCache(cacheFile, data) {
  const dir = path.dirname(cacheFile);
  let tmp;
  try {
    try {
      fs.mkdirSync(dir, { mode: 0o755 });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    if (!fs.lstatSync(dir).isDirectory()) return;
    tmp = path.join(dir, `.${path.basename(cacheFile)}.${process.pid}.${Math.floor(Math.random() * 0xffffffff).toString(16)}.cadre-tmp`);
    const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW, 0o644);
    try {
      fs.fchmodSync(fd, 0o644);
      fs.writeFileSync(fd, data);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, cacheFile);
    tmp = undefined;
  } catch {
    // A read-only installation: compiled each time, as without a cache.
  } finally {
    if (tmp !== undefined) fs.rmSync(tmp, { force: true });
  }
}

async function loadMain(build, launch) {
  if (!build) {
    // Every command needs the process context (SQLite, the policy): its files load while the program does.
    import('../dist/shell/process-context.js').catch(() => undefined);
    const { main } = await import('../dist/cli/main.js');
    return { main, after() {} };
  }
  const file = path.join(dist, 'bundle', 'main.cjs');
  // Keyed by the command ('-' for none, or a name unfit for a file name: a wrong one only misses its cache).
  const name = launch.commandNameIn(args) ?? '-';
  const cacheFile = path.join(dist, '.code-cache', `${build.hash}-${process.version}-${process.arch}-${/^[a-z][a-z-]{0,30}$/.test(name) ? name : '-'}.bin`);
  const cached = readCodeCache(cacheFile);
  // CommonJS's own wrapper, so the bundle sees require, module and __filename as under require(), and
  // __import: import() of the packages left out of the bundle, done here (see bin/bundle.mjs).
  const source = `(function (exports, require, module, __filename, __dirname, __import) { ${fs.readFileSync(file, 'utf8')}\n});`;
  const script = new vm.Script(source, { filename: file, cachedData: cached });
  const module = { exports: {} };
  // The heap settings the program made (src/shell/small-heap.ts), read once it has run.
  const settings = {
    get: () => module.exports.heapSettings?.() ?? '',
    set: (key) => module.exports.setHeapSettings?.(key),
  };
  const pdf = sideBundle(build, 'pdf', ['pdfkit', 'svg-to-pdfkit'], settings);
  const charts = sideBundle(build, 'charts', ['echarts'], settings);
  const importOf = (name) => (pdf.has(name) ? pdf.load(name) : charts.has(name) ? charts.load(name) : import(name));
  const requireFrom = createRequire(file);
  importOf.require = (name) => (charts.has(name) ? charts.require(name) : requireFrom(name));
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file), importOf);
  return {
    main: module.exports.main,
    after(code) {
      // After a run that did its work (a refused one compiles little of the command), so the cache holds the
      // functions the command compiles. Written beside and renamed: never half a file.
      if (code !== 0) return;
      pdf.after();
      charts.after();
      if (cached && !script.cachedDataRejected) return;
      // V8 refuses a cache made under other flags than its own run's: the heap settings a command
      // made (src/shell/small-heap.ts) are put back to the start's first, or every later run would
      // compile afresh.
      settings.set('');
      writeCodeCache(cacheFile, script.createCachedData());
    },
  };
}

/** Reads a code cache, never through a symbolic link planted at its name; undefined when there is none. */
function readCodeCache(cacheFile) {
  try {
    const fd = fs.openSync(cacheFile, fs.constants.O_RDONLY | O_NOFOLLOW);
    try {
      return fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/**
 * Packages the build bundled on their own (bin/bundle.mjs): pdfkit and svg-to-pdfkit in
 * dist/bundle/pdf.cjs (`key` pdf), ECharts in dist/bundle/charts.cjs (charts), each compiled from its
 * own code cache and loaded on the first import() or require of one of its `names`: a command that
 * draws no PDF or chart never reads the file. Without that file (an older build), from node_modules.
 */
function sideBundle(build, key, names, settings) {
  const file = build[key] ? path.join(dist, 'bundle', build[key]) : null;
  const have = new Set(file ? names : []);
  let loaded = null;
  const exportsOf = () => {
    if (!loaded) {
      // Its cache is made under the heap settings in force as it loads, and kept by them: V8 takes
      // a cache only under the flags it was made with, and a command loads a bundle at the same point.
      const flags = settings.get();
      const cacheFile = path.join(dist, '.code-cache', `${build.hash}-${process.version}-${process.arch}-${key}${flags ? `-${flags}` : ''}.bin`);
      const cached = readCodeCache(cacheFile);
      const source = `(function (exports, require, module, __filename, __dirname) { ${fs.readFileSync(file, 'utf8')}\n});`;
      const script = new vm.Script(source, { filename: file, cachedData: cached });
      const module = { exports: {} };
      script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
      loaded = { exports: module.exports, script, fresh: !cached || script.cachedDataRejected, cacheFile, flags };
    }
    return loaded.exports;
  };
  return {
    has: (name) => have.has(name),
    // As import() of a CommonJS package gives it: the package's exports as the default.
    async load(name) {
      return { default: exportsOf()[name] };
    },
    require: (name) => exportsOf()[name],
    after() {
      if (!loaded?.fresh) return;
      settings.set(loaded.flags);
      writeCodeCache(loaded.cacheFile, loaded.script.createCachedData());
    },
  };
}

async function run() {
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-v' || args[0] === '-V')) {
    // Nothing else to load for the version: the package's (a test holds the program's VERSION to it).
    process.stdout.write(`${JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
    return;
  }
  const build = bundleBuild();
  // What is read before the program: bundled with it (src/cli/launch.ts), else the modules'.
  const launch = build ? require('../dist/bundle/launch.cjs') : null;
  let helpCache = null;
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
    // The help as the last `cadre --help` of this build rendered it, if kept (dist/cli/help-cache.js).
    const { helpCachePath, readHelpCache } = launch ?? (await import('../dist/cli/help-cache.js'));
    helpCache = helpCachePath(process.env, process.stdout);
    const text = helpCache && readHelpCache(helpCache);
    if (text) {
      process.stdout.write(text);
      return;
    }
  }
  // Password hashing (scrypt) runs on libuv's thread pool, 4 threads unless told: one per
  // core instead, set before anything uses the pool. A value the user set is kept.
  process.env.UV_THREADPOOL_SIZE ??= String(os.availableParallelism?.() ?? os.cpus().length);
  const { main, after } = await loadMain(build, launch);
  process.exitCode = await main(args, { helpCache });
  after(process.exitCode);
}

run().catch((e) => {
  // main() reports every error itself; this is a failure to load the program at all.
  process.stderr.write(`cadre: ${e?.stack ?? e}\n`);
  process.exitCode = 70;
});
