#!/usr/bin/env node
/**
 * The similarity check at scale (after `npm run build`), on essays made from
 * the real prose of test/fixtures/essays/prose.txt (an order-2 character
 * chain over it: the characters, words and punctuation of real sentences, few
 * long runs in common, as essays written separately). Measures storing N
 * essays of 3,500 字 from scratch (time, and the size of the fingerprint
 * index), then checking new essays against them (median and worst, in the
 * process, and `cadre similar ID` as a whole run), then `similar --year` over
 * them; and runs the corpus test (test/db/similarity-corpus.test.ts) for its
 * figures. Measures, asserts nothing; writes to bench-out/similarity/.
 *
 *   node test/bench/similarity.js [--essays N]     alone, printing its lines
 *   node test/bench/run.js --only similarity       as rows of the bench's table
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../helpers/prng.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMs = (c) => (c.user + c.system) / 1000;

/** Measures; returns the figures (times in ms, sizes in bytes). */
export async function measureSimilarity({ essays: N = 10000, dir: outDir = path.join(process.env.CADRE_BENCH_DIR ?? path.join(root, 'bench-out'), 'similarity'), log = () => {} } = {}) {
const { openDatabase } = await import(path.join(root, 'dist', 'db', 'open.js'));
const { indexAndCheck, storeEssayText } = await import(path.join(root, 'dist', 'db', 'similarity.js'));
const { loadPolicy } = await import(path.join(root, 'dist', 'shell', 'process-context.js'));
const policy = loadPolicy(path.join(root, 'data', 'policy.json'));
const s = policy.similarity;
const rand = mulberry32(20261202);
// An order-2 character chain over the prose: text with the characters, words and punctuation of
// real Chinese sentences, but (like essays written separately) rarely a long run in common.
const prose = fs.readFileSync(path.join(root, 'test', 'fixtures', 'essays', 'prose.txt'), 'utf8').replace(/\n/g, '。');
const chain = new Map();
for (let i = 2; i < prose.length; i++) {
  const key = prose.slice(i - 2, i);
  let next = chain.get(key);
  if (!next) chain.set(key, (next = []));
  next.push(prose[i]);
}
const keys = [...chain.keys()];
function essay(zi = 3500) {
  const out = [...keys[Math.floor(rand() * keys.length)]];
  while (out.length < zi) {
    const next = chain.get(out[out.length - 2] + out[out.length - 1]);
    if (next) out.push(next[Math.floor(rand() * next.length)]);
    else out.push('。', ...keys[Math.floor(rand() * keys.length)]);
  }
  return out.join('');
}

const dir = outDir;
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'c.db');
const db = openDatabase(file, { create: true });
const at = '2025-09-01T00:00:00';
db.prepare("INSERT INTO cadres (learner_id, staff_no, name, department, created_at, updated_at) VALUES ('WZ250001', 'S1', '甲', '文学院', ?, ?)").run(at, at);
const insert = db.prepare("INSERT INTO essays (cadre_id, kind, title, submitted_on, chars, status, entered_by) VALUES (1, 'reflection', ?, '2025-12-01', 3500, 'approved', 'bench')");
const texts = Array.from({ length: N }, () => essay());
log(`similarity: storing ${N} essays of 3,500 字 …`);
const c0 = process.cpuUsage();
let t0 = performance.now();
const batch = 500;
for (let i = 0; i < N; i += batch) {
  db.transaction(() => {
    for (let j = i; j < Math.min(N, i + batch); j++) {
      const text = texts[j];
      const id = Number(insert.run(`e${j}`).lastInsertRowid);
      storeEssayText(db, id, text, 'x', s, at);
    }
  }).immediate();
}
const indexMs = performance.now() - t0;
const indexCpuMs = cpuMs(process.cpuUsage(c0));
db.pragma('wal_checkpoint(TRUNCATE)');
const printsBytes = db.prepare("SELECT sum(pgsize) AS n FROM dbstat WHERE name IN ('essay_prints')").get()?.n ?? null;
const textsBytes = db.prepare("SELECT sum(pgsize) AS n FROM dbstat WHERE name IN ('essay_texts')").get()?.n ?? null;

log(`similarity: checking 40 new essays against them …`);
const times = [];
const cpus = [];
const results = [];
for (let i = 0; i < 40; i++) {
  // Half new essays, half copies (40 % of a stored essay, edited) of stored ones.
  let text = essay();
  if (i % 2) text = texts[i].slice(0, 1400) + text.slice(1400);
  const id = Number(insert.run(`new${i}`).lastInsertRowid);
  // Timed: storing the essay's text and fingerprints, finding its candidates, aligning it with
  // its sources, saving its report, and the commit (what record-essay does inside its transaction).
  const c = process.cpuUsage();
  const t = performance.now();
  let check;
  db.transaction(() => {
    check = indexAndCheck(db, id, text, 'x', s, at);
  }).immediate();
  times.push(performance.now() - t);
  cpus.push(cpuMs(process.cpuUsage(c)));
  results.push(check.report.othersPermille + check.report.selfPermille);
}
const lastId = Number(db.prepare('SELECT max(id) FROM essays').pluck().get());
db.close();

const env = { ...process.env, CADRE_DB: file, CADRE_LANG: 'en' };
// The whole run of the CLI comparing one essay again (`similar ID`: start, open, compare, print).
log('similarity: cadre similar ID, 9 runs …');
const cli = [];
for (let i = 0; i < 9; i++) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'cadre.js'), 'similar', String(lastId - (i % 2)), '--format', 'json'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cadre similar exited ${r.status}: ${r.stderr}`);
  cli.push(performance.now() - t);
}
log('similarity: similar --year …');
t0 = performance.now();
const listed = spawnSync(process.execPath, [path.join(root, 'bin', 'cadre.js'), 'similar', '--year', '2025', '--over', '0', '--format', 'csv'], { env, encoding: 'utf8' });
const listMs = performance.now() - t0;

// The corpus test's figures (it prints them): 复制比 against the true share, innocent essays.
log('similarity: the corpus test …');
const vitest = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/db/similarity-corpus.test.ts'], { cwd: root, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, encoding: 'utf8' });
const out = vitest.stdout ?? '';
const copies = [...out.matchAll(/copy-\d+: true ([\d.]+)%, found ([\d.]+)%/g)].map((m) => ({ truth: Number(m[1]), found: Number(m[2]) }));
const innocent = /innocent and original essays: (\d+), over 10 %: (\d+).*highest 复制比 ([\d.]+)%/.exec(out);
const corpus = {
  passed: vitest.status === 0,
  copies,
  worstOff: copies.length ? Math.max(...copies.map((c) => Math.abs(c.truth - c.found))) : null,
  innocent: innocent ? { essays: Number(innocent[1]), over10: Number(innocent[2]), highest: Number(innocent[3]) } : null,
};

return {
  essays: N,
  indexMs,
  indexCpuMs,
  printsBytes,
  textsBytes,
  dbBytes: fs.statSync(file).size,
  checkMs: times,
  checkCpuMs: cpus,
  copiesFound: results.filter((r, i) => i % 2 && r >= 300).length,
  copies: results.length / 2,
  cliMs: cli,
  listMs,
  listStatus: listed.status,
  listRows: listed.stdout.split('\n').length - 2,
  corpus,
  dir,
};
}

/** The figures as rows of test/bench/run.js's table (`record` is its function), each against its target. */
export async function similarityFigures({ record, log }) {
  const f = await measureSimilarity({ log });
  const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(1)} ms`);
  const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
  const row = (figure, ours, oursText, peerText, target, targetText, samples, targetKind = 'max') =>
    record({ figure, ours, peer: null, oursText, peerText, ratio: ours === null ? null : targetKind === 'max' ? ours / target : ours / target, target: 1.0, targetKind, targetText, samples });
  const wall = median(f.checkMs);
  const worst = Math.max(...f.checkMs);
  row(`similarity: check of a new essay vs ${f.essays} stored, median`, wall, fmt(wall), `cpu ${fmt(median(f.checkCpuMs))} (in process)`, 50, '≤ 50 ms', { ms: f.checkMs, cpuMs: f.checkCpuMs });
  row(`similarity: check of a new essay vs ${f.essays} stored, worst`, worst, fmt(worst), `cpu ${fmt(Math.max(...f.checkCpuMs))}`, 200, '≤ 200 ms', { ms: f.checkMs });
  record({ figure: 'similarity: cadre similar ID, whole CLI run', ours: median(f.cliMs), peer: null, oursText: fmt(median(f.cliMs)), peerText: '-', ratio: null, target: null, targetKind: 'max', targetText: 'none (for reference)', samples: { ms: f.cliMs } });
  row(`similarity: storing ${f.essays} essays from scratch`, f.indexMs, fmt(f.indexMs), `cpu ${fmt(f.indexCpuMs)}`, 30_000, '≤ 30 s', { ms: f.indexMs, cpuMs: f.indexCpuMs });
  row('similarity: fingerprint index', f.printsBytes, mb(f.printsBytes), `texts ${mb(f.textsBytes)}`, 150e6, '≤ 150 MB', { bytes: f.printsBytes });
  row('similarity: 40 % copies found at ≥ 30 %', f.copiesFound, `${f.copiesFound} of ${f.copies}`, '-', f.copies, '= all', {}, 'min');
  row(`similarity: similar --year over ${f.essays + 40} essays`, f.listMs, fmt(f.listMs), `exit ${f.listStatus}`, 5000, '≤ 5 s', { ms: f.listMs });
  const c = f.corpus;
  if (c.worstOff === null || !c.innocent) {
    record({ figure: 'similarity: corpus test', ours: null, peer: null, oursText: c.passed ? 'passed' : 'FAILED', peerText: 'figures not printed', ratio: null, target: null, targetKind: 'max', targetText: '-', samples: {} });
    return;
  }
  row('similarity corpus: copies ≥ 30 % flagged, right source', c.passed ? c.copies.length : 0, c.passed ? `${c.copies.length} of ${c.copies.length}` : 'test FAILED', '-', c.copies.length, 'recall 100 %', {}, 'min');
  row('similarity corpus: 复制比 off the true share, worst', c.worstOff, `${c.worstOff.toFixed(1)} points`, c.copies.map((x) => `${x.found}/${x.truth}`).join(' '), 5, '≤ 5 points', { copies: c.copies });
  row('similarity corpus: innocent essays over 10 %', c.innocent.highest, `${c.innocent.over10} of ${c.innocent.essays}, highest ${c.innocent.highest} %`, '-', 10, 'none over 10 %', c.innocent);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--essays');
  const f = await measureSimilarity({ essays: at >= 0 ? Number(argv[at + 1]) || 10000 : 10000, log: (x) => process.stderr.write(x + '\n') });
  const ms = (x) => `${x.toFixed(1)} ms`;
  const mb = (b) => (b === null ? '?' : `${(b / 1e6).toFixed(1)} MB`);
  const lines = [
    `essays indexed: ${f.essays} of 3,500 字 in ${(f.indexMs / 1000).toFixed(1)} s (cpu ${(f.indexCpuMs / 1000).toFixed(1)} s); fingerprint index ${mb(f.printsBytes)}, compressed texts ${mb(f.textsBytes)}, database ${mb(f.dbBytes)}`,
    `checking a new essay against them: median ${ms(median(f.checkMs))}, worst ${ms(Math.max(...f.checkMs))} (check ${f.checkMs.indexOf(Math.max(...f.checkMs)) + 1}); cpu median ${ms(median(f.checkCpuMs))}, worst ${ms(Math.max(...f.checkCpuMs))} (check ${f.checkCpuMs.indexOf(Math.max(...f.checkCpuMs)) + 1}), without the first ${ms(Math.max(...f.checkCpuMs.slice(1)))} (${f.checkMs.length} essays, half of them 40 % copies)`,
    `cadre similar ID (whole CLI run, comparing again): median ${ms(median(f.cliMs))}, worst ${ms(Math.max(...f.cliMs))}`,
    // The chain's essays share far more than essays written apart (its phrases come from a small
    // text): the time is that of a topic where every essay has many candidates to align.
    `copies found at 30 % or more: ${f.copiesFound} of ${f.copies}`,
    `similar --year over ${f.essays + 40} essays: ${(f.listMs / 1000).toFixed(2)} s (exit ${f.listStatus}, ${f.listRows} rows)`,
    `corpus test: ${f.corpus.passed ? 'passed' : 'FAILED'}; 复制比 worst ${f.corpus.worstOff?.toFixed(1)} points off; innocent over 10 %: ${f.corpus.innocent?.over10} of ${f.corpus.innocent?.essays} (highest ${f.corpus.innocent?.highest} %)`,
  ];
  fs.writeFileSync(path.join(f.dir, 'results.txt'), lines.join('\n') + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}
