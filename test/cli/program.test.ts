/**
 * The registry and the fold: every command's command line, parsed by the
 * real program (src/cli/program.ts through main.ts's buildProgram), gives
 * the options object its module's `run(opts, ctx)` is called with. The
 * modules are replaced by the run callback, which only records what it is
 * given: no database, no process. Covered: every option of every command,
 * positional arrays, defaults, choices, conflicts, and the errors (a missing
 * mandatory option in both languages, exactly as the commands said it before).
 */
import { describe, expect, it } from 'vitest';
import { commandNameIn } from '../../src/cli/argv.js';
import { COMMANDS, type CommandDef } from '../../src/cli/program.js';
import { buildProgram, failureExit, foldOptions, type FoldedOptions } from '../../src/cli/main.js';
import { REQUIREMENT_IDS } from '../../src/core/audit.js';
import { CadreError } from '../../src/errors.js';
import { catalogueKeys, createTranslator, type Lang } from '../../src/i18n/index.js';

interface Parsed {
  /** The command run and its folded options, or null when the program stopped before (help, an error). */
  call: { command: string; opts: FoldedOptions } | null;
  code: number;
  stdout: string;
  stderr: string;
}

/** Parses `argv` as main does: with every command registered, or (`only`) with just the one it names. */
async function parse(argv: string[], { lang = 'en', only = false }: { lang?: Lang; only?: boolean } = {}): Promise<Parsed> {
  const tr = createTranslator(lang);
  const out: string[] = [];
  const err: string[] = [];
  const streams = { out: { write: (s: string | Uint8Array) => out.push(String(s)) }, err: { write: (s: string | Uint8Array) => err.push(String(s)) } };
  let call: Parsed['call'] = null;
  const named = only ? COMMANDS.find((d) => d.name === commandNameIn(argv)) : undefined;
  const program = buildProgram(tr, async (def, opts) => {
    call = { command: def.name, opts };
  }, undefined, named, streams);
  let code = 0;
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CadreError) code = await failureExit(e, tr, streams.err, false, undefined, false);
    else if ((e as { code?: string }).code?.startsWith('commander.')) code = (e as { code: string }).code === 'commander.helpDisplayed' ? 0 : 2;
    else throw e;
  }
  return { call, code, stdout: out.join(''), stderr: err.join('') };
}

/** argv → the options object the command's run gets (exactly: no key more, none less). */
const TABLE: [string[], Record<string, unknown>][] = [
  // issue-accounts: an optional roster, or --reset with a list, or --interactive
  [['issue-accounts'], { roster: undefined }],
  [['issue-accounts', 'roster.csv'], { roster: 'roster.csv' }],
  [['issue-accounts', 'roster.csv', '--out', 'c.csv', '--skip-invalid', '--dry-run'], { roster: 'roster.csv', out: 'c.csv', skipInvalid: true, dryRun: true }],
  [['issue-accounts', '--reset', 'WZ1', 'WZ2', '--out', 'c.csv'], { roster: undefined, reset: ['WZ1', 'WZ2'], out: 'c.csv' }],
  [['issue-accounts', '--interactive'], { roster: undefined, interactive: true }],
  [['issue-accounts', 'roster.csv', '--new-people'], { roster: 'roster.csv', newPeople: true }],
  [['issue-accounts', '--undo', '3'], { roster: undefined, undo: '3' }],
  [['import-hours', 'a.csv', '--replace-hours'], { files: ['a.csv'], replaceHours: true }],
  [['import-training', 'a.csv', '--confirm-topics'], { files: ['a.csv'], confirmTopics: true }],
  [['record-training', 'WZ1', '--topic', '高校治理', '--date', '2025-10-12', '--confirm-topics'], { learnerId: 'WZ1', topic: '高校治理', date: '2025-10-12', confirmTopics: true }],
  // the four imports: one or more files
  ...(['import-hours', 'import-training', 'import-exams', 'import-essays'] as const).flatMap((c): [string[], Record<string, unknown>][] => [
    [[c, 'a.csv'], { files: ['a.csv'] }],
    [[c, 'a.csv', 'b.xlsx', 'c.csv'], { files: ['a.csv', 'b.xlsx', 'c.csv'] }],
    [[c, '--skip-invalid', 'a.csv', '--dry-run', '--overwrite'], { files: ['a.csv'], skipInvalid: true, dryRun: true, overwrite: true }],
  ]),
  // record-essay: status defaults to approved; --chars or --file
  [['record-essay', 'WZ1', '--kind', 'reflection', '--title', '心得', '--submitted-on', '2025-12-01', '--chars', '3000'], { learnerId: 'WZ1', kind: 'reflection', title: '心得', submittedOn: '2025-12-01', chars: '3000', status: 'approved' }],
  [['record-essay', '--kind', 'report', 'WZ1', '--title=T', '--submitted-on', '2025-12-01', '--file', 'a.docx', '--status', 'pending'], { learnerId: 'WZ1', kind: 'report', title: 'T', submittedOn: '2025-12-01', file: 'a.docx', status: 'pending' }],
  [['record-essay', 'WZ1', '--kind', 'report', '--title', 'T', '--submitted-on', 'd', '--status', 'rejected'], { learnerId: 'WZ1', kind: 'report', title: 'T', submittedOn: 'd', status: 'rejected' }],
  // an empty value is given (the command refuses it itself)
  [['record-essay', 'WZ1', '--kind', 'report', '--title', '', '--submitted-on', 'd'], { learnerId: 'WZ1', kind: 'report', title: '', submittedOn: 'd', status: 'approved' }],
  // the words people type for a value option: its canonical value in the options object
  [['record-essay', 'WZ1', '--kind', '心得体会', '--title', 'T', '--submitted-on', 'd', '--status', '待审核'], { learnerId: 'WZ1', kind: 'reflection', title: 'T', submittedOn: 'd', status: 'pending' }],
  [['record-essay', 'WZ1', '--kind', '调研报告', '--title', 'T', '--submitted-on', 'd', '--status', '通过'], { learnerId: 'WZ1', kind: 'report', title: 'T', submittedOn: 'd', status: 'approved' }],
  [['require', '--year', '2025-2026学年', '--rank', '处级', 'C1'], { codes: ['C1'], year: '2025', rank: 'division' }],
  [['require', '--year', '2025学年', '--rank', '副科', 'C1'], { codes: ['C1'], year: '2025', rank: 'section' }],
  [['audit', '--year', '2025-2026', '--rank', '正处'], { learnerIds: [], year: '2025', rank: 'division' }],
  [['courses', '--year', '２０２５－２０２６学年'], { year: '2025' }],
  [['exempt', 'WZ1', '--requirement', '平台学时', '--year', '2024-2025', '--reason', '借调'], { learnerId: 'WZ1', requirement: 'hours', year: '2024', reason: '借调' }],
  [['unexempt', 'WZ1', '--requirement', '必修课'], { learnerId: 'WZ1', requirement: 'required' }],
  [['accounts', '--state', '已锁定'], { learnerIds: [], state: 'locked' }],
  [['imports', '--kind', '学时'], { kind: 'hours' }],
  // start: the day records were first kept, or forget it, or neither (say it)
  [['start'], {}],
  [['start', '--since', '2025-09-01'], { since: '2025-09-01' }],
  [['start', '--clear'], { clear: true }],
  // reference, similar
  [['reference', 'add', '报告.docx', '--title', '报告'], { action: 'add', file: '报告.docx', title: '报告' }],
  [['reference', 'list', '--format', 'csv'], { action: 'list', file: undefined, format: 'csv' }],
  [['similar', '12'], { essayId: '12' }],
  [['similar', '12', '--format', 'json'], { essayId: '12', format: 'json' }],
  [['similar', '--year', '2025', '--department', '财务处', '--over', '20'], { essayId: undefined, year: '2025', department: '财务处', over: '20' }],
  // review-essay
  [['review-essay', '12', '--approve'], { id: '12', approve: true }],
  [['review-essay', '12', '--reject'], { id: '12', reject: true }],
  [['review-essay', '12'], { id: '12' }],
  [['review-essay', '12', '--approve', '--reason', '引文已核对'], { id: '12', approve: true, reason: '引文已核对' }],
  [['review-essay', '12', '--return', '--reviewer', 'R001', '--score', '合格', '--comment', '请修改'], { id: '12', return: true, reviewer: 'R001', score: '合格', comment: '请修改' }],
  // the review workflow
  [['record-essay', 'WZ1', '--kind', 'reflection', '--title', 'T', '--submitted-on', 'd', '--chars', '3000', '--resubmits', '7'], { learnerId: 'WZ1', kind: 'reflection', title: 'T', submittedOn: 'd', chars: '3000', status: 'approved', resubmits: '7' }],
  [['reviewer', 'add', '王明', '--department', '宣传部', '--id', 'R001'], { action: 'add', name: '王明', department: '宣传部', id: 'R001' }],
  [['reviewer', 'list', '--format', 'csv', '--out', 'r.csv', '--overwrite'], { action: 'list', name: undefined, format: 'csv', out: 'r.csv', overwrite: true }],
  [['assign', '--year', '2025-2026学年', '--reviewers', 'R001,R002', '--per-essay', '2', '--department', '文学院', '--format', 'json'], { year: '2025', reviewers: 'R001,R002', perEssay: '2', department: '文学院', format: 'json' }],
  [['assign', '--year', '2025', '--reviewers', 'R001'], { year: '2025', reviewers: 'R001', perEssay: '1' }],
  [['essays', '--status', '退回修改', '--reviewer', 'R001'], { status: 'returned', reviewer: 'R001' }],
  [['essays', '--status', 'flagged'], { status: 'flagged' }],
  // require: codes and a mandatory year
  [['require', '--year', '2025', 'C1'], { codes: ['C1'], year: '2025' }],
  [['require', '--year', '2025', '--rank', 'division', 'C1', 'C2', '--hours', '2', '--title', '党史'], { codes: ['C1', 'C2'], year: '2025', rank: 'division', hours: '2', title: '党史' }],
  [['require', 'C1', '--year', '', '--rank', 'section'], { codes: ['C1'], year: '', rank: 'section' }],
  // courses
  [['courses'], {}],
  [['courses', '--year', '2025', '--format', 'json'], { year: '2025', format: 'json' }],
  [['courses', '--out', 'c.json', '--overwrite'], { out: 'c.json', overwrite: true }],
  // record-training, record-exam
  [['record-training', 'WZ1', '--topic', '高校治理', '--date', '2025-10-12'], { learnerId: 'WZ1', topic: '高校治理', date: '2025-10-12' }],
  [['record-exam', 'WZ1', '--exam', '摸底', '--date', '2025-12-20', '--score', '86.5'], { learnerId: 'WZ1', exam: '摸底', date: '2025-12-20', score: '86.5' }],
  [['record-exam', '--score', '0', '--date', 'd', '--exam', 'e', 'WZ1'], { learnerId: 'WZ1', exam: 'e', date: 'd', score: '0' }],
  // audit: any number of learners, every option
  [['audit'], { learnerIds: [] }],
  [['audit', 'WZ1', 'wz2', 'WZ1'], { learnerIds: ['WZ1', 'wz2', 'WZ1'] }],
  [['audit', '--as-of', '2026-06-30', '--department', '文学院', '--rank', 'section', '--format', 'csv', '--out', 'a.csv', '--overwrite'], { learnerIds: [], asOf: '2026-06-30', department: '文学院', rank: 'section', format: 'csv', out: 'a.csv', overwrite: true }],
  [['audit', '--year', '2025', '--shortfall', '--fail-on-shortfall', '--format', 'xlsx', '--split-by', 'department', '--out-dir', 'split'], { learnerIds: [], year: '2025', shortfall: true, failOnShortfall: true, format: 'xlsx', splitBy: 'department', outDir: 'split' }],
  // passwd, verify
  [['passwd', 'WZ1'], { learnerId: 'WZ1' }],
  [['passwd', 'WZ1', '--password-stdin'], { learnerId: 'WZ1', passwordStdin: true }],
  [['verify', 'WZ1', '--password-stdin'], { learnerId: 'WZ1', passwordStdin: true }],
  [['verify', 'WZ1'], { learnerId: 'WZ1' }],
  // accounts
  [['accounts'], { learnerIds: [] }],
  [['accounts', 'WZ1', 'WZ2', '--state', 'locked', '--format', 'table'], { learnerIds: ['WZ1', 'WZ2'], state: 'locked', format: 'table' }],
  [['accounts', '--state', 'initial'], { learnerIds: [], state: 'initial' }],
  [['accounts', '--out', 'a.csv', '--overwrite'], { learnerIds: [], out: 'a.csv', overwrite: true }],
  // imports, undo-import
  [['imports'], {}],
  [['imports', '--kind', 'essays', '--format', 'csv'], { kind: 'essays', format: 'csv' }],
  [['imports', '--out', 'i.txt', '--overwrite'], { out: 'i.txt', overwrite: true }],
  [['undo-import', '12'], { batchId: '12' }],
  [['undo-import', '#12'], { batchId: '#12' }],
  // exempt, unexempt, exemptions
  [['exempt', 'WZ1', '--requirement', 'hours', '--year', '2025', '--reason', '借调'], { learnerId: 'WZ1', requirement: 'hours', year: '2025', reason: '借调' }],
  [['exempt', 'WZ1', '--requirement', 'training', '--reason', ' '], { learnerId: 'WZ1', requirement: 'training', reason: ' ' }],
  [['unexempt', 'WZ1', '--requirement', 'reflection'], { learnerId: 'WZ1', requirement: 'reflection' }],
  [['unexempt', 'WZ1', '--requirement', 'total', '--year', '2024'], { learnerId: 'WZ1', requirement: 'total', year: '2024' }],
  [['exemptions'], {}],
  [['exemptions', '--all', '--learner', 'WZ1', '--format', 'json'], { all: true, learner: 'WZ1', format: 'json' }],
  [['exemptions', '--out', 'x.csv', '--overwrite'], { out: 'x.csv', overwrite: true }],
  // log
  [['log'], {}],
  [['log', '--out', 'log.csv', '--overwrite'], { out: 'log.csv', overwrite: true }],
  // essays: the office's list, every filter
  [['essays'], {}],
  [['essays', '--status', 'pending', '--department', '文学院', '--year', '2025', '--kind', 'report', '--format', 'csv', '--out', 'e.csv', '--overwrite'], { status: 'pending', department: '文学院', year: '2025', kind: 'report', format: 'csv', out: 'e.csv', overwrite: true }],
  [['log', '--learner', 'WZ1', '--command', 'import-hours', '--since', '2025-09-01', '--until', '2025-12-31', '--format', 'csv'], { learner: 'WZ1', command: 'import-hours', since: '2025-09-01', until: '2025-12-31', format: 'csv' }],
  // backup, restore
  [['backup', 'b.db'], { file: 'b.db' }],
  [['restore', 'b.db'], { file: 'b.db' }],
  // close-year, closes, close-diff; --amend (with --reason) on every command that can change a closed year's records
  [['close-year', '2025'], { year: '2025' }],
  [['closes', '--format', 'json'], { format: 'json' }],
  [['close-diff', '2025-2026', '--format', 'csv'], { year: '2025-2026', format: 'csv' }],
  // report: --year (any form of a year) and --out mandatory; --department, --anonymize, --overwrite
  [['report', '--year', '2025-2026学年', '--out', 'r.html'], { year: '2025', out: 'r.html' }],
  [['report', '--year', '2025', '--department', '财务处', '--out', 'r.pdf', '--anonymize', '--overwrite'], { year: '2025', department: '财务处', out: 'r.pdf', anonymize: true, overwrite: true }],
  [['issue-accounts', 'roster.csv', '--amend', '--reason', '补录'], { roster: 'roster.csv', amend: true, reason: '补录' }],
  ...(['import-hours', 'import-training', 'import-exams', 'import-essays'] as const).map((c): [string[], Record<string, unknown>] => [[c, 'a.csv', '--amend', '--reason', '补录'], { files: ['a.csv'], amend: true, reason: '补录' }]),
  [['record-essay', 'WZ1', '--kind', 'reflection', '--title', 'T', '--submitted-on', 'd', '--amend', '--reason', 'r'], { learnerId: 'WZ1', kind: 'reflection', title: 'T', submittedOn: 'd', status: 'approved', amend: true, reason: 'r' }],
  [['review-essay', '12', '--approve', '--amend', '--reason', 'r'], { id: '12', approve: true, amend: true, reason: 'r' }],
  [['require', '--year', '2025', 'C1', '--amend', '--reason', 'r'], { codes: ['C1'], year: '2025', amend: true, reason: 'r' }],
  [['record-training', 'WZ1', '--topic', 't', '--date', 'd', '--amend', '--reason', 'r'], { learnerId: 'WZ1', topic: 't', date: 'd', amend: true, reason: 'r' }],
  [['record-exam', 'WZ1', '--exam', 'e', '--date', 'd', '--score', '1', '--amend', '--reason', 'r'], { learnerId: 'WZ1', exam: 'e', date: 'd', score: '1', amend: true, reason: 'r' }],
  [['undo-import', '12', '--amend', '--reason', 'r'], { batchId: '12', amend: true, reason: 'r' }],
  [['exempt', 'WZ1', '--requirement', 'hours', '--reason', 'r', '--amend'], { learnerId: 'WZ1', requirement: 'hours', reason: 'r', amend: true }],
  [['unexempt', 'WZ1', '--requirement', 'hours', '--amend', '--reason', 'r'], { learnerId: 'WZ1', requirement: 'hours', amend: true, reason: 'r' }],
  // certificate (a term's or a year's), verify-certificate
  [['certificate', 'WZ1', '--term', '--out', 'c.pdf', '--overwrite'], { learnerId: 'WZ1', term: true, out: 'c.pdf', overwrite: true }],
  [['certificate', 'WZ1', '--year', '2025-2026学年', '--out', '证明.pdf'], { learnerId: 'WZ1', year: '2025', out: '证明.pdf' }],
  [['verify-certificate', 'CADRE-CERT:2026-000001:ABCD', '--format', 'json'], { codeOrFile: ['CADRE-CERT:2026-000001:ABCD'], format: 'json' }],
  // remind, reminders
  [['remind'], {}],
  [['remind', '--as-of', '2026-05-15', '--behind', '--short', '--department', '财务处', '--format', 'xlsx', '--out', 'r.xlsx', '--out-dir', 'notices', '--again', '--overwrite'], { asOf: '2026-05-15', behind: true, short: true, department: '财务处', format: 'xlsx', out: 'r.xlsx', outDir: 'notices', again: true, overwrite: true }],
  [['reminders', '--learner', 'WZ1', '--since', '2026-05-01', '--format', 'json', '--out', 'r.json', '--overwrite'], { learner: 'WZ1', since: '2026-05-01', format: 'json', out: 'r.json', overwrite: true }],
  // anomalies: a year, a department, a status, the listing's output; decisions on one finding (--reason; --amend for a closed year)
  [['anomalies', '--year', '2025', '--department', '计算机学院', '--status', 'open', '--format', 'csv', '--out', 'a.csv', '--overwrite'], { year: '2025', department: '计算机学院', status: 'open', format: 'csv', out: 'a.csv', overwrite: true }],
  [['anomaly-accept', '3', '--reason', 'r', '--amend'], { anomalyId: '3', reason: 'r', amend: true }],
  [['anomaly-reject', '3', '--reason', 'r', '--amend'], { anomalyId: '3', reason: 'r', amend: true }],
  [['anomaly-reopen', '3', '--amend', '--reason', 'r'], { anomalyId: '3', amend: true, reason: 'r' }],
  // template: a kind, a format, a file, --overwrite
  [['template', 'hours'], { kind: 'hours' }],
  [['template', '学时', '--format', 'csv', '--out', 't.csv', '--overwrite'], { kind: '学时', format: 'csv', out: 't.csv', overwrite: true }],
  // global options are the context's, not the command's
  [['--db', 'x.db', '--lang', 'zh', '--operator', 'op', '--no-color', 'backup', 'b.db'], { file: 'b.db' }],
];

describe('every command line folds into its options object', () => {
  it('the table has every command and every option of each', () => {
    const covered = new Map<string, Set<string>>();
    for (const [argv] of TABLE) {
      const name = commandNameIn(argv)!;
      const set = covered.get(name) ?? new Set<string>();
      for (const a of argv) if (a.startsWith('--')) set.add(a.split('=')[0]);
      covered.set(name, set);
    }
    for (const def of COMMANDS) {
      expect(covered.has(def.name), def.name).toBe(true);
      for (const o of def.options ?? []) expect(covered.get(def.name), `${def.name} ${o.flags}`).toContain(o.flags.split(' ')[0]);
    }
  });

  for (const only of [false, true]) {
    it.each(TABLE)(`${only ? 'with only the command named' : 'with every command'}: %j`, async (argv, expected) => {
      const r = await parse(argv, { only });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.call).toStrictEqual({ command: commandNameIn(argv), opts: expected });
    });
  }
});

/** argv → the first line said (exit 2); the command never runs. */
const REFUSED: [string[], string][] = [
  // choices
  // a value option: refused with its accepted values, each with the Chinese word it also takes
  [['record-essay', 'WZ1', '--kind', 'poem', '--title', 'T', '--submitted-on', 'd'], `error: --kind: "poem" is not one of its values\nfix: write one of: reflection (心得体会), report (调研报告)`],
  [['record-essay', 'WZ1', '--kind', 'report', '--title', 'T', '--submitted-on', 'd', '--status', 'ok'], `error: --status: "ok" is not one of its values\nfix: write one of: approved (通过), pending (待审核), rejected (未通过)`],
  [['require', '--year', '2025', '--rank', 'dept', 'C1'], `error: --rank: "dept" is not one of its values\nfix: write one of: division (处级), section (科级)`],
  [['audit', '--rank', '厅级'], `error: --rank: "厅级" is not one of its values\nfix: write one of: division (处级), section (科级)`],
  [['audit', '--year', '2025-2027'], `error: --year: academic year "2025-2027" is not recognised\nfix: write the academic year by its first year or both years, e.g. 2025, 2025-2026, 2025学年 or 2025-2026学年`],
  [['exempt', 'WZ1', '--requirement', 'hours', '--year', '25', '--reason', 'x'], `error: --year: academic year "25" is not recognised`],
  [['courses', '--format', 'yaml'], `error: option --format <format>: "yaml" is not valid; choose from table, csv, json, xlsx`],
  [['audit', '--format', 'pdf'], `error: option --format <format>: "pdf" is not valid; choose from table, csv, json, xlsx`],
  [['audit', '--split-by', 'rank'], `error: option --split-by <field>: "rank" is not valid; choose from department`],
  [['accounts', '--state', 'open'], `error: --state: "open" is not one of its values\nfix: write one of: initial (初始密码), expired (已过期), changed (已修改), locked (已锁定)`],
  [['imports', '--kind', 'roster'], `error: --kind: "roster" is not one of its values\nfix: write one of: hours (学时), training (专题培训), exams (考试), essays (文章)`],
  [['exempt', 'WZ1', '--requirement', 'sleep', '--reason', 'x'], `error: --requirement: "sleep" is not one of its values\nfix: write one of: total (总学分), training (专题培训), report (调研报告), hours (平台学时), required (必修课), reflection (心得体会)`],
  [['start', '--since', '2025-09-01', '--clear'], `error: option --since <date> cannot be used with --clear`],
  // conflicts
  [['record-essay', 'WZ1', '--kind', 'report', '--title', 'T', '--submitted-on', 'd', '--chars', '1', '--file', 'f'], `error: option --chars <n> cannot be used with --file <path>`],
  [['review-essay', '1', '--approve', '--reject'], `error: option --approve cannot be used with --reject`],
  // arguments
  [['import-hours'], `error: missing argument files`],
  [['record-training', '--topic', 't', '--date', 'd'], `error: missing argument learner_id`],
  [['backup', 'a.db', 'b.db'], `error: too many arguments`],
  // an unknown option, or a missing argument, is said before a missing mandatory option
  [['record-training', 'WZ1', '--topic', 'x', '--dat', '2025-01-01'], `error: unknown option --dat`],
  [['record-training'], `error: missing argument learner_id`],
  // mandatory options: the message each command said itself before the registry marked them
  [['record-training', 'WZ1', '--date', 'd'], 'error: option --topic is missing'],
  [['record-training', 'WZ1', '--topic', 't'], 'error: option --date is missing'],
  [['record-exam', 'WZ1', '--date', 'd', '--score', '1'], 'error: option --exam is missing'],
  [['record-exam', 'WZ1', '--exam', 'e', '--score', '1'], 'error: option --date is missing'],
  [['record-exam', 'WZ1', '--exam', 'e', '--date', 'd'], 'error: option --score is missing'],
  [['record-essay', 'WZ1', '--title', 'T', '--submitted-on', 'd'], 'error: option --kind reflection|report is missing'],
  [['record-essay', 'WZ1', '--kind', 'report', '--submitted-on', 'd'], 'error: option --title is missing'],
  [['record-essay', 'WZ1', '--kind', 'report', '--title', 'T'], 'error: option --submitted-on is missing'],
  [['require', 'C1'], 'error: option --year YYYY is missing'],
  [['exempt', 'WZ1', '--reason', 'x'], 'error: --requirement is missing\nfix: --requirement takes one of total|training|report|hours|required|reflection'],
  [['exempt', 'WZ1', '--requirement', 'hours'], 'error: the reason (--reason) is missing\nfix: say why, e.g. --reason "seconded to the provincial office, Sep 2025 to Jul 2026"'],
  [['unexempt', 'WZ1', '--year', '2025'], 'error: --requirement is missing\nfix: --requirement takes one of total|training|report|hours|required|reflection'],
];

describe('refused command lines: exit 2, said in the user language, the command not run', () => {
  for (const only of [false, true]) {
    it.each(REFUSED)(`${only ? 'only' : 'all'}: %j`, async (argv, said) => {
      const r = await parse(argv, { only });
      expect(r.code).toBe(2);
      expect(r.call).toBeNull();
      expect(r.stderr.startsWith(said + '\n'), r.stderr).toBe(true);
      expect(r.stdout).toBe('');
    });
  }

  it('a missing mandatory option is said in Chinese too, as before', async () => {
    expect((await parse(['record-training', 'WZ1', '--date', 'd'], { lang: 'zh' })).stderr).toBe('错误: 缺少选项 --topic\n');
    expect((await parse(['require', 'C1'], { lang: 'zh' })).stderr).toBe('错误: 缺少选项 --year YYYY\n');
    expect((await parse(['exempt', 'WZ1', '--reason', 'x'], { lang: 'zh' })).stderr).toBe('错误: 缺少 --requirement\n解决办法: --requirement 取 total|training|report|hours|required|reflection 之一\n');
    expect((await parse(['exempt', 'WZ1', '--requirement', 'hours'], { lang: 'zh' })).stderr).toBe('错误: 缺少免修原因 --reason\n解决办法: 写明原因，如 --reason "2025年9月至2026年7月借调省委组织部"\n');
  });

  it('a wrong value of a value option is said in Chinese with the accepted values, and help lists the words', async () => {
    expect((await parse(['audit', '--rank', '厅级'], { lang: 'zh' })).stderr).toBe('错误: --rank 不能取“厅级”\n解决办法: 可写：处级（division）、科级（section）\n');
    expect((await parse(['audit', '--year', '2025-2027学年'], { lang: 'zh' })).stderr).toBe('错误: --year 的学年“2025-2027学年”无法识别\n解决办法: 写学年的开始年份或起止年份，例如 2025、2025-2026、2025学年、2025-2026学年\n');
    const help = (await parse(['exempt', '--help'], { lang: 'zh' })).stdout.replace(/\s+/g, '');
    expect(help).toContain('可选：总学分（total）、专题培训（training）、调研报告（report）、平台学时（hours）、必修课（required）、心得体会（reflection）');
    expect(help).toContain('可写2025、2025-2026或2025-2026学年');
  });

  it('--help of a command runs nothing and exits 0', async () => {
    const r = await parse(['record-training', '--help']);
    expect([r.code, r.call]).toEqual([0, null]);
    expect(r.stdout).toMatch(/Usage: cadre record-training \[options\] <learner_id>/);
  });
});

describe('the registry', () => {
  const keys = new Set(catalogueKeys('en'));
  const zhKeys = new Set(catalogueKeys('zh'));

  it('names every positional argument, and no name is also an option of its command', () => {
    for (const def of COMMANDS) {
      const program = buildProgram(createTranslator('en'), async () => {}, undefined, def);
      const cmd = program.commands[0]!;
      const optionKeys = cmd.options.map((o) => o.attributeName());
      const argNames = (def.args ?? []).map((a) => a.name);
      expect(argNames.every((n) => /^[a-z][A-Za-z]*$/.test(n)), def.name).toBe(true);
      expect(new Set(argNames).size).toBe(argNames.length);
      expect(argNames.filter((n) => optionKeys.includes(n)), def.name).toEqual([]);
    }
  });

  it('every mandatory option has its message and fix in both languages', () => {
    const mandatory = COMMANDS.flatMap((d) => (d.options ?? []).filter((o) => o.mandatory).map((o) => [d.name, o] as const));
    expect(mandatory.map(([c, o]) => `${c} ${o.flags.split(' ')[0]}`)).toEqual([
      'record-essay --kind',
      'record-essay --title',
      'record-essay --submitted-on',
      'assign --year',
      'assign --reviewers',
      'require --year',
      'record-training --topic',
      'record-training --date',
      'record-exam --exam',
      'record-exam --date',
      'record-exam --score',
      'exempt --requirement',
      'exempt --reason',
      'unexempt --requirement',
      'anomaly-accept --reason',
      'anomaly-reject --reason',
      'report --year',
      'report --out',
      'certificate --out',
    ]);
    for (const [, o] of mandatory) {
      for (const m of [o.mandatory!.message, o.mandatory!.fix]) {
        if (!m) continue;
        expect(keys.has(m.key), m.key).toBe(true);
        expect(zhKeys.has(m.key), m.key).toBe(true);
      }
    }
  });

  it('offers the requirement IDs the audit knows', () => {
    for (const name of ['exempt', 'unexempt']) {
      const o = COMMANDS.find((d) => d.name === name)!.options!.find((x) => x.flags.startsWith('--requirement'))!;
      expect(o.choices).toEqual([...REQUIREMENT_IDS]);
      expect(o.mandatory!.fix!.params).toEqual({ ids: REQUIREMENT_IDS.join('|') });
    }
  });

  it('every command module exports run(opts, ctx)', async () => {
    for (const def of COMMANDS) {
      const mod = (await def.load()) as { run?: unknown };
      expect(typeof mod.run, def.name).toBe('function');
    }
  });

  it('foldOptions gives each positional its name, the options beside them', () => {
    const def = COMMANDS.find((d) => d.name === 'record-training') as CommandDef;
    const program = buildProgram(createTranslator('en'), async () => {}, undefined, def);
    const cmd = program.commands[0]!;
    cmd.setOptionValue('topic', 't');
    cmd.setOptionValue('date', 'd');
    expect(foldOptions(def, ['WZ1', cmd.opts(), cmd])).toStrictEqual({ learnerId: 'WZ1', topic: 't', date: 'd' });
  });
});
