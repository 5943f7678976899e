/**
 * Every command's definition: arguments, options, help keys and the module
 * that runs it (loaded only when the command is used). Data only: `--help`
 * and `--version` read it, so it imports nothing.
 *
 * main.ts folds what commander parsed into one options object per run:
 * each option under its camel-case name (`--submitted-on` → `submittedOn`),
 * each positional argument under its `name`. A command module exports
 * `run(opts: XOptions, ctx)`, XOptions naming exactly these keys.
 */
import type { ValueSetName } from '../core/option-values.js';
import type { Msg } from '../errors.js';
import type { Context } from '../shell/context.js';
import type { InputKind } from '../import/columns.js';

/** What a command's module exports: `run(opts: XOptions, ctx)`, its exit code (or nothing for 0). */
export interface CommandModule {
  run(opts: never, ctx: Context): Promise<number | void>;
}

/**
 * A message said when a mandatory option is missing: by default
 * usage.missingOption naming the option as `shown` (its flag without the
 * value's placeholder, unless given).
 */
export interface Missing {
  shown?: string;
  message?: Msg;
  fix?: Msg;
}

export interface OptionDef {
  flags: string;
  description: string;
  choices?: string[];
  /**
   * The words people type for these choices (src/core/option-values.ts): main.ts reads each
   * to its canonical value (`--rank 处级` → `division`), lists the words in help, and refuses
   * any other with the accepted values.
   */
  values?: ValueSetName;
  /** An academic year, in any form people write it (`2025`, `2025-2026学年`): folded to its first year (`'2025'`). */
  year?: true;
  defaultValue?: unknown;
  conflicts?: string[];
  /**
   * The command cannot run without it: main.ts refuses it (exit 2, UsageError) before the command's module
   * runs, after commander's own checks (an unknown option, a missing argument are said first).
   */
  mandatory?: Missing;
}

export interface ArgDef {
  /** The key of the options object, e.g. `learnerId`. */
  name: string;
  /** As commander takes it: `<learner_id>`, `[roster]`, `<files...>`. */
  spec: string;
  description: string;
}

export interface CommandDef {
  name: string;
  description: string;
  args?: ArgDef[];
  options?: OptionDef[];
  example?: string;
  /** The kind of file the command reads: its help lists the columns (src/cli/column-help.ts, made when shown). */
  columns?: InputKind;
  load: () => Promise<CommandModule>;
}

const format = (choices = ['table', 'csv', 'json']): OptionDef => ({ flags: '--format <format>', description: 'cli.opt.format', choices });
const skipInvalid: OptionDef = { flags: '--skip-invalid', description: 'cli.opt.skipInvalid' };
const dryRun: OptionDef = { flags: '--dry-run', description: 'cli.opt.dryRun' };
/** An output file that exists is refused unless this is given (src/shell/render.ts). */
const overwrite: OptionDef = { flags: '--overwrite', description: 'outputs.opt.overwrite' };
/** With --skip-invalid: replace NAME.rejected.csv instead of writing NAME.rejected-2.csv beside it. */
/** What every listing takes: --format, --out FILE (its extension may say the format, src/shell/listing-out.ts), --overwrite. */
const listing = (): OptionDef[] => [format(['table', 'csv', 'json', 'xlsx']), { flags: '--out <file>', description: 'listings.opt.out' }, overwrite];
const overwriteRejected: OptionDef = { flags: '--overwrite', description: 'outputs.opt.overwriteRejected' };
const files: ArgDef = { name: 'files', spec: '<files...>', description: 'cli.arg.files' };
const learner: ArgDef = { name: 'learnerId', spec: '<learner_id>', description: 'cli.arg.learnerId' };
const anomalyId: ArgDef = { name: 'anomalyId', spec: '<anomaly_id>', description: 'anomalies.arg.id' };
const mandatory: Missing = {};
/** The requirement IDs of src/core/audit.ts (REQUIREMENT_IDS; test/cli/program.test.ts holds them equal). */
const REQUIREMENTS = ['total', 'training', 'report', 'hours', 'required', 'reflection'];
const requirement: OptionDef = {
  flags: '--requirement <id>',
  description: 'ops.opt.requirement',
  choices: REQUIREMENTS,
  values: 'requirement',
  mandatory: { message: { key: 'ops.exempt.needRequirement' }, fix: { key: 'ops.exempt.fix.requirement', params: { ids: REQUIREMENTS.join('|') } } },
};

export const COMMANDS: CommandDef[] = [
  {
    name: 'issue-accounts',
    description: 'cmd.issueAccounts',
    args: [{ name: 'roster', spec: '[roster]', description: 'cli.arg.roster' }],
    options: [
      { flags: '--out <file>', description: 'cli.opt.credentialsOut' },
      skipInvalid,
      dryRun,
      { flags: '--reset <learner_ids...>', description: 'cli.opt.reset' },
      { flags: '--interactive', description: 'cli.opt.interactive' },
      { flags: '--new-people', description: 'cli.opt.newPeople' },
      { flags: '--undo <run>', description: 'cli.opt.undo' },
    ],
    example: 'cadre issue-accounts roster.csv --out credentials.csv',
    columns: 'roster',
    load: () => import('../commands/issue-accounts.js'),
  },
  {
    name: 'import-hours',
    description: 'cmd.importHours',
    args: [files],
    options: [skipInvalid, dryRun, overwriteRejected, { flags: '--replace-hours', description: 'cli.opt.replaceHours' }],
    example: 'cadre import-hours week46.csv week47.csv',
    columns: 'hours',
    load: () => import('../commands/import-hours.js'),
  },
  {
    name: 'record-essay',
    description: 'cmd.recordEssay',
    args: [learner],
    options: [
      { flags: '--kind <kind>', description: 'cli.opt.kind', choices: ['reflection', 'report'], values: 'essayKind', mandatory: { shown: '--kind reflection|report' } },
      { flags: '--title <title>', description: 'cli.opt.title', mandatory },
      { flags: '--submitted-on <date>', description: 'cli.opt.submittedOn', mandatory },
      { flags: '--chars <n>', description: 'cli.opt.chars', conflicts: ['file'] },
      { flags: '--file <path>', description: 'cli.opt.essayFile' },
      { flags: '--status <status>', description: 'cli.opt.status', choices: ['approved', 'pending', 'rejected'], values: 'essayStatus', defaultValue: 'approved' },
      { flags: '--resubmits <essay_id>', description: 'review.opt.resubmits' },
    ],
    example: 'cadre record-essay WZ250001 --kind reflection --title "学习心得" --submitted-on 2025-12-01 --file 心得.docx',
    load: () => import('../commands/record-essay.js'),
  },
  {
    name: 'review-essay',
    description: 'cmd.reviewEssay',
    args: [{ name: 'id', spec: '<id>', description: 'cli.arg.essayId' }],
    options: [
      { flags: '--approve', description: 'cli.opt.approve', conflicts: ['reject', 'return'] },
      { flags: '--reject', description: 'cli.opt.reject', conflicts: ['return'] },
      { flags: '--return', description: 'review.opt.return' },
      { flags: '--reviewer <code>', description: 'review.opt.reviewer' },
      { flags: '--score <score>', description: 'review.opt.score' },
      { flags: '--comment <text>', description: 'review.opt.comment' },
      { flags: '--reason <text>', description: 'essays.opt.reviewReason' },
    ],
    example: 'cadre review-essay 12 --approve --reviewer R001 --score 合格 --comment "联系实际较好"',
    load: () => import('../commands/review-essay.js'),
  },
  {
    name: 'import-essays',
    description: 'cmd.importEssays',
    args: [files],
    options: [skipInvalid, dryRun, overwriteRejected],
    example: 'cadre import-essays essays.csv',
    columns: 'essays',
    load: () => import('../commands/import-essays.js'),
  },
  {
    name: 'essays',
    description: 'listings.cmd.essays',
    options: [
      // The review states of src/core/essays.ts (ESSAY_STATUSES), in the order listed.
      { flags: '--status <status>', description: 'listings.opt.essayStatus', choices: ['pending', 'returned', 'flagged', 'approved', 'rejected'], values: 'essayListStatus' },
      { flags: '--reviewer <code>', description: 'review.opt.queueReviewer' },
      { flags: '--department <name>', description: 'listings.opt.department' },
      { flags: '--year <yyyy>', description: 'listings.opt.essayYear', year: true },
      { flags: '--kind <kind>', description: 'listings.opt.essayKind', choices: ['reflection', 'report'], values: 'essayKind' },
      ...listing(),
    ],
    example: 'cadre essays --status pending --out 待审核.xlsx',
    load: () => import('../commands/essays.js'),
  },
  {
    name: 'reviewer',
    description: 'review.cmd.reviewer',
    args: [
      { name: 'action', spec: '<action>', description: 'review.arg.reviewerAction' },
      { name: 'name', spec: '[name]', description: 'review.arg.reviewerName' },
    ],
    options: [{ flags: '--department <name>', description: 'review.opt.reviewerDepartment' }, { flags: '--id <code>', description: 'review.opt.reviewerCode' }, ...listing()],
    example: 'cadre reviewer add 王明 --department 宣传部 --id R001',
    load: () => import('../commands/reviewer.js'),
  },
  {
    name: 'assign',
    description: 'review.cmd.assign',
    options: [
      { flags: '--year <yyyy>', description: 'review.opt.assignYear', year: true, mandatory: {} },
      { flags: '--reviewers <codes>', description: 'review.opt.reviewers', mandatory: {} },
      { flags: '--per-essay <per_essay>', description: 'review.opt.perEssay', defaultValue: '1' },
      { flags: '--department <name>', description: 'review.opt.assignDepartment' },
      format(),
    ],
    example: 'cadre assign --year 2025 --reviewers R001,R002,R003 --per-essay 2',
    load: () => import('../commands/assign.js'),
  },
  {
    name: 'reference',
    description: 'essays.cmd.reference',
    args: [
      { name: 'action', spec: '<action>', description: 'essays.arg.action' },
      { name: 'file', spec: '[file]', description: 'essays.arg.referenceFile' },
    ],
    options: [{ flags: '--title <title>', description: 'essays.opt.referenceTitle' }, format()],
    example: 'cadre reference add 二十大报告.docx --title "党的二十大报告"',
    load: () => import('../commands/reference.js'),
  },
  {
    name: 'similar',
    description: 'essays.cmd.similar',
    args: [{ name: 'essayId', spec: '[essay_id]', description: 'essays.arg.similarEssay' }],
    options: [
      { flags: '--year <yyyy>', description: 'essays.opt.similarYear', year: true },
      { flags: '--department <name>', description: 'essays.opt.department' },
      { flags: '--over <percent>', description: 'essays.opt.over' },
      format(),
    ],
    example: 'cadre similar --year 2025 --over 20',
    load: () => import('../commands/similar.js'),
  },
  {
    name: 'require',
    description: 'cmd.require',
    args: [{ name: 'codes', spec: '<course_codes...>', description: 'cli.arg.courseCodes' }],
    options: [
      { flags: '--year <yyyy>', description: 'cli.opt.requireYear', year: true, mandatory: { shown: '--year YYYY' } },
      { flags: '--rank <rank>', description: 'cli.opt.requireRank', choices: ['division', 'section'], values: 'rank' },
      { flags: '--hours <h>', description: 'cli.opt.courseHours' },
      { flags: '--title <title>', description: 'cli.opt.courseTitle' },
    ],
    example: 'cadre require --year 2025 --rank division C101 C102',
    load: () => import('../commands/require.js'),
  },
  {
    name: 'courses',
    description: 'cmd.courses',
    options: [{ flags: '--year <yyyy>', description: 'cli.opt.coursesYear', year: true }, ...listing()],
    example: 'cadre courses --year 2025',
    load: () => import('../commands/courses.js'),
  },
  {
    name: 'import-training',
    description: 'cmd.importTraining',
    args: [files],
    options: [skipInvalid, dryRun, overwriteRejected, { flags: '--confirm-topics', description: 'forgive.opt.confirmTopics' }],
    example: 'cadre import-training training-2025.csv',
    columns: 'training',
    load: () => import('../commands/import-training.js'),
  },
  {
    name: 'record-training',
    description: 'cmd.recordTraining',
    args: [learner],
    options: [
      { flags: '--topic <topic>', description: 'cli.opt.topic', mandatory },
      { flags: '--date <date>', description: 'cli.opt.date', mandatory },
      { flags: '--confirm-topics', description: 'forgive.opt.confirmTopics' },
    ],
    example: 'cadre record-training WZ250001 --topic "高校治理专题" --date 2025-10-12',
    load: () => import('../commands/record-training.js'),
  },
  {
    name: 'import-exams',
    description: 'cmd.importExams',
    args: [files],
    options: [skipInvalid, dryRun, overwriteRejected],
    example: 'cadre import-exams exam-2025.csv',
    columns: 'exams',
    load: () => import('../commands/import-exams.js'),
  },
  {
    name: 'record-exam',
    description: 'cmd.recordExam',
    args: [learner],
    options: [
      { flags: '--exam <name>', description: 'cli.opt.exam', mandatory },
      { flags: '--date <date>', description: 'cli.opt.date', mandatory },
      { flags: '--score <score>', description: 'cli.opt.score', mandatory },
    ],
    example: 'cadre record-exam WZ250001 --exam "2025年摸底考试" --date 2025-12-20 --score 86.5',
    load: () => import('../commands/record-exam.js'),
  },
  {
    name: 'audit',
    description: 'cmd.audit',
    args: [{ name: 'learnerIds', spec: '[learner_ids...]', description: 'cli.arg.learnerIds' }],
    options: [
      { flags: '--as-of <date>', description: 'cli.opt.asOf' },
      { flags: '--year <yyyy>', description: 'cli.opt.auditYear', year: true },
      { flags: '--department <name>', description: 'cli.opt.department' },
      { flags: '--rank <rank>', description: 'cli.opt.rank', choices: ['division', 'section'], values: 'rank' },
      { flags: '--shortfall', description: 'cli.opt.shortfall' },
      { flags: '--fail-on-shortfall', description: 'cli.opt.failOnShortfall' },
      format(['table', 'csv', 'json', 'xlsx']),
      { flags: '--out <file>', description: 'cli.opt.out' },
      { flags: '--split-by <field>', description: 'cli.opt.splitBy', choices: ['department'] },
      { flags: '--out-dir <dir>', description: 'cli.opt.outDir' },
      overwrite,
    ],
    example: 'cadre audit --year 2025 --shortfall --format csv --out shortfall-2025.csv',
    load: () => import('../commands/audit.js'),
  },
  {
    name: 'start',
    description: 'start.cmd',
    options: [
      { flags: '--since <date>', description: 'start.opt.since', conflicts: ['clear'] },
      { flags: '--clear', description: 'start.opt.clear' },
    ],
    example: 'cadre start --since 2025-09-01',
    load: () => import('../commands/start.js'),
  },
  {
    name: 'passwd',
    description: 'auth.cmd.passwd',
    args: [learner],
    options: [{ flags: '--password-stdin', description: 'auth.opt.passwordStdin' }],
    example: 'cadre passwd WZ250001',
    load: () => import('../commands/passwd.js'),
  },
  {
    name: 'verify',
    description: 'auth.cmd.verify',
    args: [learner],
    options: [{ flags: '--password-stdin', description: 'auth.opt.passwordStdinVerify' }],
    example: 'printf \'%s\\n\' "$PASSWORD" | cadre verify WZ250001 --password-stdin',
    load: () => import('../commands/verify.js'),
  },
  {
    name: 'accounts',
    description: 'auth.cmd.accounts',
    args: [{ name: 'learnerIds', spec: '[learner_ids...]', description: 'auth.arg.learnerIds' }],
    options: [
      { flags: '--state <state>', description: 'auth.opt.accountState', choices: ['initial', 'expired', 'changed', 'locked'], values: 'accountState' },
      ...listing(),
    ],
    example: 'cadre accounts --state initial --format csv > initial.csv',
    load: () => import('../commands/accounts.js'),
  },
  {
    name: 'imports',
    description: 'ops.cmd.imports',
    options: [{ flags: '--kind <kind>', description: 'ops.opt.kind', choices: ['hours', 'training', 'exams', 'essays'], values: 'batchKind' }, ...listing()],
    example: 'cadre imports --kind hours',
    load: () => import('../commands/imports.js'),
  },
  {
    name: 'undo-import',
    description: 'ops.cmd.undoImport',
    args: [{ name: 'batchId', spec: '<batch_id>', description: 'ops.arg.batchId' }],
    example: 'cadre undo-import 12',
    load: () => import('../commands/undo-import.js'),
  },
  {
    name: 'exempt',
    description: 'ops.cmd.exempt',
    args: [learner],
    options: [
      requirement,
      { flags: '--year <yyyy>', description: 'ops.opt.exemptYear', year: true },
      { flags: '--reason <text>', description: 'ops.opt.reason', mandatory: { message: { key: 'ops.exempt.needReason' }, fix: { key: 'ops.exempt.fix.reason' } } },
    ],
    example: 'cadre exempt WZ250001 --requirement hours --year 2025 --reason "借调省委组织部"',
    load: () => import('../commands/exempt.js'),
  },
  {
    name: 'unexempt',
    description: 'ops.cmd.unexempt',
    args: [learner],
    options: [
      requirement,
      { flags: '--year <yyyy>', description: 'ops.opt.exemptYear', year: true },
    ],
    example: 'cadre unexempt WZ250001 --requirement hours --year 2025',
    load: () => import('../commands/unexempt.js'),
  },
  {
    name: 'exemptions',
    description: 'ops.cmd.exemptions',
    options: [{ flags: '--all', description: 'ops.opt.all' }, { flags: '--learner <learner_id>', description: 'ops.opt.learner' }, ...listing()],
    example: 'cadre exemptions --format csv > exemptions.csv',
    load: () => import('../commands/exemptions.js'),
  },
  {
    name: 'anomalies',
    description: 'anomalies.cmd.list',
    options: [
      { flags: '--year <yyyy>', description: 'anomalies.opt.year', year: true },
      { flags: '--department <name>', description: 'anomalies.opt.department' },
      { flags: '--status <status>', description: 'anomalies.opt.status' },
      ...listing(),
    ],
    example: 'cadre anomalies --year 2025 --status open',
    load: () => import('../commands/anomalies.js'),
  },
  {
    name: 'anomaly-accept',
    description: 'anomalies.cmd.accept',
    args: [anomalyId],
    options: [{ flags: '--reason <text>', description: 'anomalies.opt.reason', mandatory: { message: { key: 'anomalies.needReason' }, fix: { key: 'anomalies.fix.reasonAny' } } }],
    example: 'cadre anomaly-accept 3 --reason "平台补录，经核实属实"',
    load: () => import('../commands/anomaly-accept.js'),
  },
  {
    name: 'anomaly-reject',
    description: 'anomalies.cmd.reject',
    args: [anomalyId],
    options: [{ flags: '--reason <text>', description: 'anomalies.opt.reason', mandatory: { message: { key: 'anomalies.needReason' }, fix: { key: 'anomalies.fix.reasonAny' } } }],
    example: 'cadre anomaly-reject 3 --reason "同一分钟完成5门课程，系挂机刷课"',
    load: () => import('../commands/anomaly-reject.js'),
  },
  {
    name: 'anomaly-reopen',
    description: 'anomalies.cmd.reopen',
    args: [anomalyId],
    example: 'cadre anomaly-reopen 3',
    load: () => import('../commands/anomaly-reopen.js'),
  },
  {
    name: 'log',
    description: 'ops.cmd.log',
    options: [
      { flags: '--learner <learner_id>', description: 'ops.opt.learner' },
      { flags: '--command <name>', description: 'ops.opt.command' },
      { flags: '--since <date>', description: 'ops.opt.since' },
      { flags: '--until <date>', description: 'ops.opt.until' },
      ...listing(),
    ],
    example: 'cadre log --learner WZ250001 --since 2025-09-01',
    load: () => import('../commands/log.js'),
  },
  {
    name: 'template',
    description: 'inputs.cmd.template',
    args: [{ name: 'kind', spec: '<kind>', description: 'inputs.arg.kind' }],
    options: [
      { flags: '--format <format>', description: 'inputs.opt.templateFormat', choices: ['xlsx', 'csv'] },
      { flags: '--out <file>', description: 'inputs.opt.templateOut' },
      overwrite,
    ],
    example: 'cadre template hours --out 学时模板.xlsx',
    load: () => import('../commands/template.js'),
  },
  {
    name: 'backup',
    description: 'ops.cmd.backup',
    args: [{ name: 'file', spec: '<file>', description: 'ops.arg.backupFile' }],
    example: 'cadre backup backups/cadre-2025-12-01.db',
    load: () => import('../commands/backup.js'),
  },
  {
    name: 'restore',
    description: 'ops.cmd.restore',
    args: [{ name: 'file', spec: '<file>', description: 'ops.arg.restoreFile' }],
    example: 'cadre restore backups/cadre-2025-12-01.db',
    load: () => import('../commands/restore.js'),
  },
  {
    name: 'report',
    description: 'report.cmd',
    options: [
      { flags: '--year <yyyy>', description: 'report.opt.year', year: true, mandatory: { shown: '--year YYYY' } },
      { flags: '--department <name>', description: 'report.opt.department' },
      { flags: '--out <file>', description: 'report.opt.out', mandatory: {} },
      { flags: '--anonymize', description: 'report.opt.anonymize' },
      overwrite,
    ],
    example: 'cadre report --year 2025 --out 年度报告-2025.html',
    load: () => import('../commands/report.js'),
  },
  {
    name: 'close-year',
    description: 'close.cmd.closeYear',
    args: [{ name: 'year', spec: '<year>', description: 'close.arg.year' }],
    example: 'cadre close-year 2025',
    load: () => import('../commands/close-year.js'),
  },
  {
    name: 'closes',
    description: 'close.cmd.closes',
    options: [format()],
    example: 'cadre closes',
    load: () => import('../commands/closes.js'),
  },
  {
    name: 'close-diff',
    description: 'close.cmd.closeDiff',
    args: [{ name: 'year', spec: '<year>', description: 'close.arg.year' }],
    options: [format()],
    example: 'cadre close-diff 2025',
    load: () => import('../commands/close-diff.js'),
  },
  {
    name: 'certificate',
    description: 'certs.cmd.certificate',
    args: [learner],
    options: [
      { flags: '--term', description: 'certs.opt.term', conflicts: ['year'] },
      { flags: '--year <yyyy>', description: 'certs.opt.year', year: true },
      { flags: '--out <file>', description: 'certs.opt.out', mandatory: { shown: '--out FILE.pdf' } },
      overwrite,
    ],
    example: 'cadre certificate WZ250001 --year 2025 --out 学时证明.pdf',
    load: () => import('../commands/certificate.js'),
  },
  {
    name: 'verify-certificate',
    description: 'certs.cmd.verify',
    args: [{ name: 'codeOrFile', spec: '<code_or_file...>', description: 'certs.arg.codeOrFile' }],
    options: [format(['table', 'json'])],
    example: 'cadre verify-certificate ABCD-EFGH-IJKL-MNOP-QRST',
    load: () => import('../commands/verify-certificate.js'),
  },
  {
    name: 'remind',
    description: 'remind.cmd.remind',
    options: [
      { flags: '--as-of <date>', description: 'remind.opt.asOf' },
      { flags: '--behind', description: 'remind.opt.behind' },
      { flags: '--short', description: 'remind.opt.short' },
      { flags: '--department <name>', description: 'cli.opt.department' },
      { flags: '--format <format>', description: 'remind.opt.format', choices: ['sms', 'csv', 'xlsx'] },
      { flags: '--out <file>', description: 'remind.opt.out' },
      { flags: '--out-dir <dir>', description: 'remind.opt.outDir' },
      { flags: '--again', description: 'remind.opt.again' },
      overwrite,
    ],
    example: 'cadre remind --as-of 2026-05-15 --format xlsx --out 提醒-2026-05-15.xlsx --out-dir 督办单',
    load: () => import('../commands/remind.js'),
  },
  {
    name: 'reminders',
    description: 'remind.cmd.reminders',
    options: [{ flags: '--learner <learner_id>', description: 'ops.opt.learner' }, { flags: '--since <date>', description: 'remind.opt.since' }, ...listing()],
    example: 'cadre reminders --since 2026-05-01',
    load: () => import('../commands/reminders.js'),
  },
];

/**
 * The commands that can change a record a closed year counted (src/db/closes.ts refuses it):
 * each takes --amend, with the amendment's reason in --reason (exempt's own --reason serves
 * both). main.ts hands them to the context before the command opens the database.
 */
export const AMENDING_COMMANDS = [
  'issue-accounts', 'import-hours', 'record-essay', 'review-essay', 'import-essays', 'require', 'import-training',
  'record-training', 'import-exams', 'record-exam', 'undo-import', 'exempt', 'unexempt',
  'anomaly-accept', 'anomaly-reject', 'anomaly-reopen',
];
for (const def of COMMANDS) {
  if (!AMENDING_COMMANDS.includes(def.name)) continue;
  const options = def.options ?? [];
  const hasReason = options.some((o) => o.flags.startsWith('--reason '));
  def.options = [...options, { flags: '--amend', description: 'close.opt.amend' }, ...(hasReason ? [] : [{ flags: '--reason <text>', description: 'close.opt.reason' }])];
}
