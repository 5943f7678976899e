#!/usr/bin/env node
/**
 * `npm run build` (after tsc): the program as one CommonJS file,
 * dist/bundle/main.cjs, which bin/cadre.js runs with V8's code cache.
 *
 * Why: a command's start was mostly spent finding, reading and compiling
 * some fifty small modules (ours, commander, csv-stringify, cli-table3,
 * chalk), each on every run. One file compiled from a cached copy of its
 * own bytecode starts about 25 ms sooner, on a node start of about 80.
 *
 * Left out, loaded from node_modules when a command needs them: SQLite's
 * native binding, exceljs (Excel files only), @inquirer/prompts
 * (interactive prompts only), pdfjs-dist (PDF essays only) and echarts
 * (charts only). pdfkit and svg-to-pdfkit are left out of this bundle and
 * bundled on their own, dist/bundle/pdf.cjs (see below), which bin/cadre.js
 * loads with its own code cache only when a command draws a PDF. The worker
 * thread of a large audit runs from dist/db as tsc built it.
 *
 * dist/bundle/build.json holds the bundle's content hash, by which
 * bin/cadre.js keys its code caches (a cache is never used with another
 * build), and the time tsc wrote dist/cli/main.js: tsc rewrites every module
 * on each run, so a later `tsc` alone leaves the bundle older than the
 * modules, and bin/cadre.js then runs the modules instead. Without esbuild
 * (an install without dev dependencies) there is no bundle, and the modules
 * run.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** `text` with every character outside ASCII as its \u escape; refused where a String.raw template could see one, or an escape would be doubled. */
function asciiOnly(text, file) {
  if (/\\[^\x00-\x7f]/.test(text)) throw new Error(`bundle: ${file}: a backslash before a non-ASCII character`);
  for (const line of text.split('\n')) if (/[^\x00-\x7f]/.test(line) && line.includes('String.raw')) throw new Error(`bundle: ${file}: a String.raw template next to a non-ASCII character`);
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist', 'bundle');
const outFile = path.join(outDir, 'main.cjs');
const entry = path.join(root, 'dist', 'cli', 'main.js');
// pdfkit reads its standard fonts' metrics (data/*.afm) from beside its own module: left out, it finds them.
// better-sqlite3's JavaScript is bundled (a dozen small files found, read and compiled on every
// command, about 10 ms); its compiled binding stays where npm built it, and src/db/open.ts names it
// by path (nativeBinding), so the `bindings` lookup the package would do from the bundle never runs.
const EXTERNAL = ['exceljs', '@inquirer/prompts', 'pdfjs-dist/legacy/build/pdf.mjs', 'pdfkit', 'svg-to-pdfkit', 'echarts', 'fontkit'];

// An old bundle never outlives a failed build, and caches of an earlier build are of no more use.
fs.rmSync(outDir, { recursive: true, force: true });
fs.rmSync(path.join(root, 'dist', '.code-cache'), { recursive: true, force: true });
// The font's WOFF files unwrapped once, here, to the plain font each document would otherwise inflate
// (src/io/pdf.ts sfntOf reads them; named by the WOFF's size, so a changed package is never read
// through an old copy). Made whether or not the bundle can be.
{
  const fonts = path.join(root, 'dist', 'fonts');
  fs.rmSync(fonts, { recursive: true, force: true });
  fs.mkdirSync(fonts, { recursive: true });
  const { fontFilesOf, rangesName, unwrappedName, woffToSfnt } = await import(pathToFileURL(path.join(root, 'dist', 'io', 'pdf.js')).href);
  const { dir, ranges } = fontFilesOf();
  // Which file holds which characters, as fontFilesOf reads it from the package's unicode.json at
  // the start of every document (nine thousand ranges matched and sorted): read back as it is.
  const names = [...new Set(ranges.map((r) => r.name))];
  const at = new Map(names.map((n, i) => [n, i]));
  const unicodeSize = fs.statSync(path.join(path.dirname(dir), 'unicode.json')).size;
  fs.writeFileSync(path.join(fonts, rangesName(unicodeSize)), JSON.stringify({ names, triples: ranges.flatMap((r) => [r.from, r.to, at.get(r.name)]) }));
  for (const name of fs.readdirSync(dir)) {
    if (!/-(400|700)-normal\.woff$/.test(name)) continue;
    const file = path.join(dir, name);
    const woff = fs.readFileSync(file);
    const out = path.join(fonts, unwrappedName(file, woff.length));
    fs.writeFileSync(`${out}.part`, woffToSfnt(woff));
    fs.renameSync(`${out}.part`, out);
  }
}
let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  process.stderr.write('bundle: esbuild is not installed (dev dependencies left out): cadre runs from the modules in dist/, about 35 ms slower to start.\n');
  process.exit(0);
}

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // The modules find data/ and node_modules from their own URL; the bundle sits two levels
  // below the project like dist/cli/main.js, so the same relative paths hold.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
};
/**
 * string-width makes an Intl.Segmenter when its module is first evaluated (ICU's break
 * iterator data loaded: 15-50 ms), and the program evaluates it on every command that
 * prints (src/shell/fit.ts), though most text is measured without it: made on the first
 * measure instead. The same segmenter, so the same widths; a string-width whose source no
 * longer reads so is bundled as it is.
 */
const lazySegmenter = {
  name: 'lazy-segmenter',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/ }, async (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      const made = 'const segmenter = new Intl.Segmenter();';
      const used = 'segmenter.segment(string)';
      if (!source.includes('Intl.Segmenter')) return { contents: source, loader: 'js' };
      if (source.split(made).length !== 2 || source.split(used).length !== 2) {
        process.stderr.write(`bundle: ${args.path} no longer makes its segmenter as expected: bundled as it is.\n`);
        return { contents: source, loader: 'js' };
      }
      return { contents: source.replace(made, 'let segmenter;').replace(used, '(segmenter ??= new Intl.Segmenter()).segment(string)'), loader: 'js' };
    });
  },
};
await build({ ...common, entryPoints: [entry], outfile: outFile, plugins: [lazySegmenter] });
// What the launcher reads before the program (the help cache, the command's name), on its own and
// CommonJS like the launcher: a bare `cadre --help` loads nothing else.
await build({ ...common, entryPoints: [path.join(root, 'dist', 'cli', 'launch.js')], outfile: path.join(outDir, 'launch.cjs') });

// The packages left out are loaded with import() (exceljs' and the prompts' own module format).
// A function compiled from V8's code cache cannot call import() itself (its script's loader is
// not kept with the cache), so the bundle asks bin/cadre.js, a module node loaded, to import them.
let text = fs.readFileSync(outFile, 'utf8');
for (const name of EXTERNAL) text = text.replaceAll(`import(${JSON.stringify(name)})`, `__import(${JSON.stringify(name)})`);
// ECharts is required where it is imported (a static import of a package left out): from its own bundle.
if (!text.includes('require("echarts")')) throw new Error('bundle: the program no longer requires echarts as expected');
text = text.replaceAll('require("echarts")', '__import.require("echarts")');
// V8 keeps a script's source as the string it was given: one non-ASCII character (a Chinese regular
// expression, a comment) makes the whole 2.5 MB bundle a two-byte string, twice the memory and a
// slower read. Each such character is written as its \u escape instead (in a regular expression or a
// string it means the same; no String.raw template holds one, checked).
text = asciiOnly(text, outFile);
const left = text.match(/\bimport\((?!\))[^)]*\)/g);
if (left) throw new Error(`bundle: import() left in the bundle: ${left.join(', ')}`);
fs.writeFileSync(outFile, text);

// pdfkit and svg-to-pdfkit, with fontkit and the rest they load, as one more file, dist/bundle/pdf.cjs,
// which bin/cadre.js loads (with its own code cache) when a command draws a PDF. Loaded from
// node_modules they took half a second to compile and start, most of a certificate's start.
// pdfkit reads its metric files from its own folder: __dirname in pdfkit.js is that folder,
// found from the bundle at run time. tiny-inflate's inflate is done by node's zlib, the WOFF2
// decoder (brotli) is left out, and of crypto-js only the MD5 of the file ID is kept, by node's
// crypto (no document is encrypted): see bin/pdf-bundle/.
await build({
  ...common,
  external: [],
  banner: { js: `${common.banner.js}\nconst __pdfkitDir = require('node:path').dirname(require.resolve('pdfkit'));` },
  entryPoints: [path.join(root, 'bin', 'pdf-bundle', 'entry.cjs')],
  outfile: path.join(outDir, 'pdf.cjs'),
  alias: {
    'tiny-inflate': path.join(root, 'bin', 'pdf-bundle', 'inflate.cjs'),
    'brotli/decompress.js': path.join(root, 'bin', 'pdf-bundle', 'no-brotli.cjs'),
    'crypto-js': path.join(root, 'bin', 'pdf-bundle', 'md5-only.cjs'),
  },
  plugins: [
    {
      name: 'pdfkit-dir',
      setup(b) {
        b.onLoad({ filter: /[\\/]pdfkit[\\/]js[\\/]pdfkit\.js$/ }, async (args) => ({
          contents: fs.readFileSync(args.path, 'utf8').replaceAll('__dirname', '__pdfkitDir'),
          loader: 'js',
        }));
      },
    },
  ],
});
const pdfText = asciiOnly(fs.readFileSync(path.join(outDir, 'pdf.cjs'), 'utf8'), path.join(outDir, 'pdf.cjs'));
fs.writeFileSync(path.join(outDir, 'pdf.cjs'), pdfText);

// ECharts (the report's charts) as one more file, dist/bundle/charts.cjs, loaded with its own code
// cache where the program requires it: from node_modules its 3.5 MB were compiled on every report.
await build({ ...common, external: [], entryPoints: [path.join(root, 'bin', 'charts-bundle', 'entry.cjs')], outfile: path.join(outDir, 'charts.cjs') });
const chartsText = asciiOnly(fs.readFileSync(path.join(outDir, 'charts.cjs'), 'utf8'), path.join(outDir, 'charts.cjs'));
fs.writeFileSync(path.join(outDir, 'charts.cjs'), chartsText);

const hash = createHash('sha256').update(text).update(pdfText).update(chartsText).digest('hex').slice(0, 16);
fs.writeFileSync(path.join(outDir, 'build.json'), JSON.stringify({ hash, modules: fs.statSync(entry).mtimeMs, pdf: 'pdf.cjs', charts: 'charts.cjs' }) + '\n');
