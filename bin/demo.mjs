#!/usr/bin/env node
// Runs a whole academic year of the office on the bundled sample data
// (data/sample/) into a fresh database under demo-out/, printing each command
// before its output. Used by `npm run demo`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sample = path.join(root, 'data', 'sample');
const out = path.join(root, 'demo-out');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const lang = process.env.CADRE_LANG || 'zh';
const env = { ...process.env, CADRE_DB: path.join(out, 'cadre.db'), CADRE_LANG: lang, CADRE_OPERATOR: 'demo' };

function cadre(args, { expect = 0 } = {}) {
  const shown = args.map((a) => (/[\s]/.test(a) ? JSON.stringify(a) : a)).join(' ');
  process.stdout.write(`\n\u001b[1m$ cadre ${shown}\u001b[22m\n`);
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'cadre.js'), ...args], { cwd: sample, env, stdio: 'inherit' });
  if (r.status !== expect) {
    process.stderr.write(`demo: "cadre ${shown}" exited ${r.status}, expected ${expect}\n`);
    process.exit(1);
  }
}

const section = (title) => process.stdout.write(`\n\u001b[36m== ${title} ==\u001b[39m\n`);

section('1. Accounts from the HR roster (re-running is safe; a promotion opens a new term)');
cadre(['issue-accounts', 'roster.csv', '--out', path.join(out, 'credentials.csv')]);
cadre(['issue-accounts', 'roster.csv']);
cadre(['issue-accounts', 'roster-2026.csv']);

section('2. Required courses of 2025-2026');
cadre(['require', '--year', '2025', '--rank', 'division', 'C001', 'C002', 'C003', 'C004', 'C005', '--hours', '2']);
cadre(['require', '--year', '2025', '--rank', 'section', 'C006']);
cadre(['require', '--year', '2025', '--rank', 'section', 'C001', 'C002']);

section('3. Weekly study-hour exports: UTF-8, GBK with Chinese headers, UTF-8 BOM with Excel dates');
cadre(['import-hours', 'hours-2025-w38.csv', '学时-2025-w45.csv', 'hours-2026-w10.csv']);
cadre(['import-hours', 'hours-2025-w38.csv']);
cadre(['import-hours', 'hours-bad.csv'], { expect: 2 });
cadre(['courses', '--format', 'table']);

section('4. Essays (the tool counts 字数 in .txt/.md/.docx), topic training, exams');
cadre(['import-essays', 'essays.csv']);
cadre(['record-essay', learnerIdOf('S002'), '--kind', 'reflection', '--title', '学习心得', '--submitted-on', '2026-02-10', '--file', 'essays/王芳-心得.md'], { expect: 2 });
cadre(['import-training', 'training.csv']);
cadre(['import-exams', 'exams.csv']);

section('5. Audit as of 30 June 2026');
cadre(['audit', '--as-of', '2026-06-30', '--format', 'table']);

section('6. Year-end shortfall list for 2025-2026, to send to departments');
cadre(['audit', '--year', '2025', '--shortfall', '--format', 'table']);
cadre(['audit', '--year', '2025', '--shortfall', '--format', 'csv', '--out', path.join(out, 'shortfall-2025.csv')]);

section('7. One transcript (学习档案)');
cadre(['audit', '--as-of', '2026-06-30', '--format', 'table', learnerIdOf('S006')]);

process.stdout.write(`\nDemo database and files: ${out}\n`);

/** The learner ID issued to a staff number, from the credentials file. */
function learnerIdOf(staffNo) {
  const text = fs.readFileSync(path.join(out, 'credentials.csv'), 'utf8');
  const line = text.split(/\r?\n/).find((l) => l.split(',')[1] === staffNo);
  return line.split(',')[0].replace(/^\uFEFF/, '');
}
