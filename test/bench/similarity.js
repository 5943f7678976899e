#!/usr/bin/env node
/**
 * `node test/bench/similarity.js [--essays N]` (after `npm run build`): the
 * similarity check at scale, on essays made from the real prose of
 * test/fixtures/essays/prose.txt (an order-2 character chain over it: the
 * characters, words and punctuation of real sentences, few long runs in
 * common, as essays written separately). Measures indexing N essays of 3,500 字 from scratch (time,
 * and the size of the fingerprint index), then checking new essays against
 * them (median and worst), then `similar --year` over them. Measures, asserts
 * nothing; writes to bench-out/similarity/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../helpers/prng.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { openDatabase } = await import(path.join(root, 'dist', 'db', 'open.js'));
const { indexAndCheck, compareStoredEssay, storeEssayText } = await import(path.join(root, 'dist', 'db', 'similarity.js'));
const { loadPolicy } = await import(path.join(root, 'dist', 'shell', 'process-context.js'));
const policy = loadPolicy(path.join(root, 'data', 'policy.json'));
const s = policy.similarity;
const argv = process.argv.slice(2);
const N = Number(argv[argv.indexOf('--essays') + 1] || 10000) || 10000;

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

const dir = path.join(process.env.CADRE_BENCH_DIR ?? path.join(root, 'bench-out'), 'similarity');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'c.db');
const db = openDatabase(file, { create: true });
const at = '2025-09-01T00:00:00';
db.prepare("INSERT INTO cadres (learner_id, staff_no, name, department, created_at, updated_at) VALUES ('WZ250001', 'S1', '甲', '文学院', ?, ?)").run(at, at);
const insert = db.prepare("INSERT INTO essays (cadre_id, kind, title, submitted_on, chars, status, entered_by) VALUES (1, 'reflection', ?, '2025-12-01', 3500, 'approved', 'bench')");
const texts = Array.from({ length: N }, () => essay());
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
db.pragma('wal_checkpoint(TRUNCATE)');
const printsBytes = db.prepare("SELECT sum(pgsize) AS n FROM dbstat WHERE name IN ('essay_prints')").get()?.n ?? null;
const textsBytes = db.prepare("SELECT sum(pgsize) AS n FROM dbstat WHERE name IN ('essay_texts')").get()?.n ?? null;

const times = [];
const results = [];
for (let i = 0; i < 40; i++) {
  // Half new essays, half copies (40 % of a stored essay, edited) of stored ones.
  let text = essay();
  if (i % 2) text = texts[i].slice(0, 1400) + text.slice(1400);
  const id = Number(insert.run(`new${i}`).lastInsertRowid);
  const t = performance.now();
  let check;
  db.transaction(() => {
    check = indexAndCheck(db, id, text, 'x', s, at);
  }).immediate();
  times.push(performance.now() - t);
  results.push(check.report.othersPermille + check.report.selfPermille);
}
times.sort((a, b) => a - b);
db.close();

const env = { ...process.env, CADRE_DB: file, CADRE_LANG: 'en' };
t0 = performance.now();
const listed = spawnSync(process.execPath, [path.join(root, 'bin', 'cadre.js'), 'similar', '--year', '2025', '--over', '0', '--format', 'csv'], { env, encoding: 'utf8' });
const listMs = performance.now() - t0;

const mb = (b) => (b === null ? '?' : `${(b / 1e6).toFixed(1)} MB`);
const lines = [
  `essays indexed: ${N} of 3,500 字 in ${(indexMs / 1000).toFixed(1)} s; fingerprint index ${mb(printsBytes)}, compressed texts ${mb(textsBytes)}, database ${mb(fs.statSync(file).size)}`,
  `checking a new essay against them: median ${times[Math.floor(times.length / 2)].toFixed(1)} ms, worst ${times[times.length - 1].toFixed(1)} ms (${times.length} essays, half of them 40 % copies)`,
  // The chain's essays share far more than essays written apart (its phrases come from a small
  // text): the time is that of a topic where every essay has many candidates to align.
  `copies found at 30 % or more: ${results.filter((r, i) => i % 2 && r >= 300).length} of ${results.length / 2}`,
  `similar --year over ${N + 40} essays: ${(listMs / 1000).toFixed(2)} s (exit ${listed.status}, ${listed.stdout.split('\n').length - 2} rows)`,
];
fs.writeFileSync(path.join(dir, 'results.txt'), lines.join('\n') + '\n');
process.stdout.write(lines.join('\n') + '\n');
