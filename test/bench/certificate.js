#!/usr/bin/env node
/**
 * `node test/bench/certificate.js [--rounds N]` (after `npm run build`): the
 * time of `cadre certificate` for one cadre against `node -e 0`, and within
 * it the time of the PDF (pdfkit's start, the drawing with the font files
 * parsed, and finish(): the fonts' subsetting and embedding), measured in a
 * fresh process each round. Medians; asserts nothing, prints figures.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(root, 'bin', 'cadre.js');
const i = process.argv.indexOf('--rounds');
const ROUNDS = Math.max(3, Number(i >= 0 ? process.argv[i + 1] : 7));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-bench-cert-'));
const env = { ...process.env, CADRE_DB: path.join(dir, 'c.db'), CADRE_LANG: 'zh', NO_COLOR: '1' };
const sample = path.join(root, 'data', 'sample');
for (const f of fs.readdirSync(sample)) if (f.endsWith('.csv')) fs.copyFileSync(path.join(sample, f), path.join(dir, f));

function cadre(args) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cadre ${args.join(' ')}: ${r.stderr}`);
  return r;
}
function timed(cmd, args, cwd = dir) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, out: r.stdout };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

cadre(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
cadre(['import-hours', 'hours-2025-w38.csv', '学时-2025-w45.csv', 'hours-2026-w10.csv']);
cadre(['import-training', 'training.csv']);
cadre(['import-exams', 'exams.csv']);
const id = cadre(['audit', '--format', 'json']).stdout.match(/"learner_id":"(WZ\d+)"/)[1];
cadre(['certificate', id, '--out', 'warm.pdf']);

// The PDF alone, in a fresh process: the certificate last issued, drawn again from its stored content.
const probe = `
const t0 = performance.now();
const Database = (await import('better-sqlite3')).default;
const db = new Database(${JSON.stringify(env.CADRE_DB)}, { readonly: true });
const row = db.prepare('SELECT content, code FROM certificates ORDER BY serial DESC LIMIT 1').get();
const { createTranslator } = await import(${JSON.stringify(path.join(root, 'dist/i18n/index.js'))});
const { PdfWriter } = await import(${JSON.stringify(path.join(root, 'dist/io/pdf.js'))});
const t1 = performance.now();
await (await PdfWriter.create({ title: 'x', date: new Date(0) })).finish();
const t2 = performance.now();
const { renderCertificatePdf } = await import(${JSON.stringify(path.join(root, 'dist/report/certificate-pdf.js'))});
const fin = PdfWriter.prototype.finish;
let finishMs = 0;
PdfWriter.prototype.finish = async function () { const s = performance.now(); const b = await fin.call(this); finishMs = performance.now() - s; return b; };
const bytes = await renderCertificatePdf({ tr: createTranslator('zh') }, JSON.parse(row.content), row.code, new Date(0));
const t3 = performance.now();
console.log(JSON.stringify({ pdfkitStart: t2 - t1, pdf: t3 - t2, finish: finishMs, bytes: bytes.length }));
`;
const rows = { node0: [], certificate: [], pdfkitStart: [], pdf: [], finish: [] };
let bytes = 0;
for (let r = 0; r < ROUNDS; r++) {
  rows.node0.push(timed(process.execPath, ['-e', '0']).ms);
  rows.certificate.push(timed(process.execPath, [bin, 'certificate', id, '--out', `c${r}.pdf`]).ms);
  const p = JSON.parse(timed(process.execPath, ['--input-type=module', '-e', probe], root).out);
  rows.pdfkitStart.push(p.pdfkitStart);
  rows.pdf.push(p.pdf);
  rows.finish.push(p.finish);
  bytes = p.bytes;
}
const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, Math.round(median(v))]));
const rest = m.certificate - m.pdf - m.pdfkitStart;
console.log(`rounds ${ROUNDS}, medians (ms), one cadre, ${bytes} bytes of PDF`);
console.log(`node -e 0                         ${m.node0}`);
console.log(`cadre certificate                 ${m.certificate}  (${(m.certificate / m.node0).toFixed(1)} × node -e 0)`);
console.log(`  pdfkit's start                  ${m.pdfkitStart}`);
console.log(`  the PDF drawn (fonts parsed)    ${m.pdf}, of which finish() (subset + embed) ${m.finish}`);
console.log(`  the rest (start, audit, write)  ${rest}  (${(rest / m.node0).toFixed(1)} × node -e 0; budget 3 ×)`);
fs.rmSync(dir, { recursive: true, force: true });
