#!/usr/bin/env node
// Runs a whole academic year of the office on the bundled sample data
// (data/sample/) into a fresh database under demo-out/, printing each command
// before its output. Used by `npm run demo`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sample = path.join(root, 'data', 'sample');
// CADRE_DEMO_OUT: where the demo's database and files go (the tests use a temporary folder); demo-out/ by default.
const out = path.resolve(process.env.CADRE_DEMO_OUT || path.join(root, 'demo-out'));
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const lang = process.env.CADRE_LANG || 'zh';
// The headings come from the tool's own catalogue, in the language the demo runs in.
const { createTranslator } = await import(pathToFileURL(path.join(root, 'dist', 'i18n', 'index.js')).href);
const { t } = createTranslator(lang === 'en' ? 'en' : 'zh');
const env = { ...process.env, CADRE_DB: path.join(out, 'cadre.db'), CADRE_LANG: lang, CADRE_OPERATOR: 'demo' };

// Bold commands and coloured headings on a terminal only (NO_COLOR respected), plain text in a pipe or a file.
const styled = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (styled ? `\u001b[1m${s}\u001b[22m` : s);
const cyan = (s) => (styled ? `\u001b[36m${s}\u001b[39m` : s);

function cadre(args, { expect = 0 } = {}) {
  const shown = args.map((a) => (/[\s]/.test(a) ? JSON.stringify(a) : a)).join(' ');
  process.stdout.write(`\n${bold(`$ cadre ${shown}`)}\n`);
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'cadre.js'), ...args], { cwd: sample, env, stdio: 'inherit' });
  if (r.status !== expect) {
    process.stderr.write(`${t('demo.failed', { command: shown, code: String(r.status), expected: String(expect) })}\n`);
    process.exit(1);
  }
}

const section = (title) => process.stdout.write(`\n${cyan(`== ${title} ==`)}\n`);

section(t('demo.accounts'));
cadre(['issue-accounts', 'roster.csv', '--out', path.join(out, 'credentials.csv')]);
cadre(['issue-accounts', 'roster.csv']);
cadre(['issue-accounts', 'roster-2026.csv']);

section(t('demo.required'));
cadre(['require', '--year', '2025', '--rank', 'division', 'C001', 'C002', 'C003', 'C004', 'C005', '--hours', '2']);
cadre(['require', '--year', '2025', '--rank', 'section', 'C006']);
cadre(['require', '--year', '2025', '--rank', 'section', 'C001', 'C002']);

section(t('demo.hours'));
cadre(['import-hours', 'hours-2025-w38.csv', '学时-2025-w45.csv', 'hours-2026-w10.csv']);
cadre(['import-hours', 'hours-2025-w38.csv']);
cadre(['import-hours', 'hours-bad.csv'], { expect: 2 });
cadre(['courses', '--format', 'table']);

section(t('demo.essays'));
cadre(['import-essays', 'essays.csv']);
cadre(['record-essay', learnerIdOf('S002'), '--kind', 'reflection', '--title', '学习心得', '--submitted-on', '2026-02-10', '--file', 'essays/王芳-心得.md'], { expect: 2 });
// The essay waiting for review (陈静's, 党委组织部) goes to two reviewers of other departments, who both pass it.
cadre(['reviewer', 'add', '刘老师', '--department', '财务处']);
cadre(['reviewer', 'add', '周老师', '--department', '外国语学院']);
cadre(['assign', '--year', '2025', '--reviewers', 'R001,R002', '--per-essay', '2', '--format', 'table']);
const waiting = pendingEssayOf(learnerIdOf('S005'));
cadre(['review-essay', waiting, '--reviewer', 'R001', '--score', '优秀', '--approve', '--comment', '联系本校实际，体会具体']);
cadre(['review-essay', waiting, '--reviewer', 'R002', '--score', '合格', '--approve']);
cadre(['import-training', 'training.csv']);
cadre(['import-exams', 'exams.csv']);

section(t('demo.audit'));
cadre(['audit', '--as-of', '2026-06-30', '--format', 'table']);

section(t('demo.shortfall'));
cadre(['audit', '--year', '2025', '--shortfall', '--format', 'table']);
cadre(['audit', '--year', '2025', '--shortfall', '--format', 'csv', '--out', path.join(out, 'shortfall-2025.csv')]);

section(t('demo.transcript'));
cadre(['audit', '--as-of', '2026-06-30', '--format', 'table', learnerIdOf('S006')]);

section(t('demo.remind'));
cadre(['remind', '--as-of', '2026-05-15', '--format', 'csv', '--out', path.join(out, 'reminders-2026-05-15.csv'), '--out-dir', path.join(out, 'notices')]);
cadre(['remind', '--as-of', '2026-05-20']);

section(t('demo.outward'));
cadre(['close-year', '2025']);
cadre(['audit', '--year', '2025', '--shortfall', '--format', 'table', '--department', '财务处']);
cadre(['report', '--year', '2025', '--out', path.join(out, 'report-2025.html')]);
cadre(['certificate', learnerIdOf('S003'), '--year', '2025', '--out', path.join(out, 'certificate-S003.pdf')]);

process.stdout.write(`\n${t('demo.where', { dir: out })}\n`);

/** The ID of a cadre's essay waiting for review, from the tool's own listing. */
function pendingEssayOf(learnerId) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'cadre.js'), 'essays', '--status', 'pending', '--format', 'json'], { cwd: sample, env, encoding: 'utf8' });
  const essay = JSON.parse(r.stdout).find((e) => e.learner_id === learnerId);
  return String(essay.id);
}

/** The learner ID issued to a staff number, from the credentials file. */
function learnerIdOf(staffNo) {
  const text = fs.readFileSync(path.join(out, 'credentials.csv'), 'utf8');
  const line = text.split(/\r?\n/).find((l) => l.split(',')[1] === staffNo);
  return line.split(',')[0].replace(/^\uFEFF/, '');
}
