/**
 * `cadre remind`: the messages to cadres behind pace or short and the
 * department notices (督办单), made from the audit as of a date, the
 * reminders produced before (src/core/reminders.ts holds back those within
 * the quiet period) and the office's templates in the policy.
 *
 * What a run produces is written all or nothing: every file is written to a
 * temporary first; inside the one write transaction that records the
 * reminders (and journals the run), the files are put in place as the last
 * step, so a file that cannot be placed rolls the records back, and a
 * transaction that fails takes the placed files back out.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../shell/context.js';
import { addDays, type IsoDate } from '../core/dates.js';
import { earliestDeadline, planReminders, type Gap, type GapStatus, type PlannedReminder } from '../core/reminders.js';
import { fillTemplate, smsLength, smsParts, type TemplateField, type TemplateKey } from '../core/reminder-templates.js';
import { fileNamesFor } from '../core/file-names.js';
import type { CadreRow } from '../db/cadres.js';
import { insertReminders, lastReminderId, pastReminders, type ReminderRecord } from '../db/reminders.js';
import { recordJournal } from '../db/journal.js';
import { AtomicFile, PRIVATE_MODE, ensureDir, removeCreatedDirs } from '../io/atomic-file.js';
import { BOM, toCsv } from '../io/csv-out.js';
import { sheetsBuffer, type SheetColumn, type SheetSpec } from '../io/xlsx-out.js';
import { localTimestamp } from '../local-time.js';
import { InputError, msg } from '../errors.js';
import { computeAudits } from './audit-run.js';
import { missingText, rankText } from './audit-view.js';
import { groupBy } from './split-files.js';

export type RemindFormat = 'sms' | 'csv' | 'xlsx';

export interface RemindScope {
  asOf?: string;
  department?: string;
  statuses: ReadonlySet<GapStatus>;
  again: boolean;
}

export interface MessageGap {
  gap: Gap;
  /** The gap in words ("2025-2026学年 平台学时 8/20，缺 12 学时"). */
  plain: string;
  /** The same with its deadline, as the message says it. */
  words: string;
}

export interface ReminderMessage {
  cadre: CadreRow;
  cadreId: number;
  rank: string;
  status: GapStatus;
  gaps: MessageGap[];
  deadline: IsoDate | null;
  deadlineText: string;
  text: string;
  chars: number;
  parts: number;
  sha256: string;
}

export interface RemindPrepared {
  asOf: IsoDate;
  messages: ReminderMessage[];
  held: number;
  heldCadres: number;
  /** The newest reminder on record when the run was planned. */
  lastId: number;
}

type Tr = Context['tr'];

function lang(tr: Tr): 'zh' | 'en' {
  return tr.lang === 'zh' ? 'zh' : 'en';
}

export function template(ctx: Context, kind: 'sms' | 'notice_title' | 'notice_body', values: Partial<Record<TemplateField, string>>): string {
  const key = `${kind}_${lang(ctx.tr)}` as TemplateKey;
  return fillTemplate(ctx.policy().reminders.templates[key].parts, values);
}

/** Whether a template of the policy says the office's contact. */
export function usesContact(policy: ReturnType<Context['policy']>): boolean {
  return Object.values(policy.reminders.templates).some((t) => t.parts.some((p) => 'field' in p && p.field === 'contact'));
}

function officeName(ctx: Context): string {
  return ctx.policy().office[lang(ctx.tr)];
}

/** The audit as of the date, the reminders before it, and each message filled from the templates. */
export async function prepareReminders(ctx: Context, scope: RemindScope): Promise<RemindPrepared> {
  const db = ctx.db();
  const policy = ctx.policy();
  const lastId = lastReminderId(db);
  const { audited, ev } = await computeAudits(ctx, { learnerIds: [], asOf: scope.asOf, department: scope.department });
  const asOf = ev.asOf;
  const plan = planReminders(
    audited.map((a) => ({ cadre: a, cadreId: a.cadre.id, termStart: a.audit.term.startYear, termEnd: a.audit.term.periodEnd, requirements: a.audit.requirements })),
    // Only a reminder of an as-of date within the quiet period before this one (or after it) can hold one back.
    pastReminders(db, addDays(asOf, -policy.reminders.quietDays)),
    { asOf, statuses: scope.statuses, quietDays: policy.reminders.quietDays, again: scope.again },
  );
  const { tr } = ctx;
  const messages = plan.reminders.map((p: PlannedReminder<(typeof audited)[number]>): ReminderMessage => {
    const gaps = p.gaps.map((gap) => {
      const plain = missingText(gap.requirement, tr);
      return { gap, plain, words: tr.t(gap.status === 'behind' ? 'remind.gap.behind' : 'remind.gap.short', { gap: plain, deadline: gap.deadline }) };
    });
    const deadlineText = p.deadline ?? tr.t('remind.deadline.none');
    const text = template(ctx, 'sms', {
      name: p.cadre.cadre.name,
      gaps: gaps.map((g) => g.words).join(tr.t('remind.gap.join')),
      deadline: deadlineText,
      contact: policy.contact,
      office: officeName(ctx),
      department: p.cadre.cadre.department,
      as_of: asOf,
    });
    return {
      cadre: p.cadre.cadre,
      cadreId: p.cadreId,
      rank: rankText(p.cadre.audit.rank, tr),
      status: p.gaps.some((g) => g.status === 'short') ? 'short' : 'behind',
      gaps,
      deadline: p.deadline,
      deadlineText,
      text,
      chars: smsLength(text),
      parts: smsParts(text, policy.reminders.smsChars),
      sha256: crypto.createHash('sha256').update(text).digest('hex'),
    };
  });
  return { asOf, messages, held: plan.held, heldCadres: plan.heldCadres, lastId };
}

const COLUMNS = ['learner_id', 'name', 'department', 'phone', 'status', 'gaps', 'deadline', 'message', 'chars'] as const;

function row(m: ReminderMessage, tr: Tr): (string | number)[] {
  return [m.cadre.learnerId, m.cadre.name, m.cadre.department, m.cadre.phone ?? '', tr.t(`status.${m.status}`), m.gaps.map((g) => g.words).join('\n'), m.deadline ?? m.deadlineText, m.text, m.chars];
}

/** The messages as the format asked for: a text file of one block per cadre, a CSV, or a workbook. */
export async function renderMessages(ctx: Context, prepared: RemindPrepared, format: RemindFormat, toFile: boolean): Promise<Buffer> {
  const { tr } = ctx;
  if (format === 'sms') {
    const blocks = prepared.messages.map((m) => `${tr.t('remind.sms.head', { id: m.cadre.learnerId, name: m.cadre.name, department: m.cadre.department, phone: m.cadre.phone ?? '-', chars: m.chars, parts: m.parts })}\n${m.text}\n`);
    return Buffer.from(blocks.join('\n'), 'utf8');
  }
  const headers = COLUMNS.map((k) => tr.t(`remind.col.${k}`));
  if (format === 'csv') return Buffer.from((toFile ? BOM : '') + toCsv([headers, ...prepared.messages.map((m) => row(m, tr))]), 'utf8');
  const kinds: SheetColumn['kind'][] = ['id', 'text', 'text', 'id', 'text', 'text', 'date', 'text', 'number'];
  const wraps: (number | undefined)[] = [undefined, undefined, undefined, undefined, undefined, 40, undefined, 50, undefined];
  const spec: SheetSpec = {
    name: tr.t('remind.sheet'),
    title: tr.t('remind.sheet.title', { office: officeName(ctx), asOf: prepared.asOf, count: prepared.messages.length }),
    columns: headers.map((header, i) => ({ header, kind: kinds[i], ...(wraps[i] ? { wrap: wraps[i] } : {}) })),
    rows: prepared.messages.map((m) => row(m, tr)),
    frozenColumns: 2,
    footer: tr.t('remind.sheet.footer'),
  };
  return sheetsBuffer([spec]);
}

export interface Notice {
  department: string;
  title: string;
  body: string;
  messages: ReminderMessage[];
}

/** One notice per department, in the order of the departments' names. */
export function departmentNotices(ctx: Context, prepared: RemindPrepared): Notice[] {
  const groups = groupBy(prepared.messages, (m) => m.cadre.department);
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b, 'zh'))
    .map(([department, messages]) => {
      const values = { department, as_of: prepared.asOf, office: officeName(ctx), contact: ctx.policy().contact, count: String(messages.length), deadline: earliestDeadline(messages) ?? ctx.tr.t('remind.deadline.none') };
      return { department, title: template(ctx, 'notice_title', values), body: template(ctx, 'notice_body', values), messages };
    });
}

const NOTICE_COLUMNS = ['seq', 'learner_id', 'name', 'rank', 'status', 'gaps', 'deadline'] as const;

export async function noticeXlsx(ctx: Context, n: Notice, asOf: IsoDate): Promise<Buffer> {
  const { tr } = ctx;
  const kinds: SheetColumn['kind'][] = ['number', 'id', 'text', 'text', 'text', 'text', 'date'];
  return sheetsBuffer([
    {
      name: tr.t('remind.notice.sheet'),
      title: `${n.title}（${tr.t('remind.notice.asOf', { asOf })}）`,
      columns: NOTICE_COLUMNS.map((k, i) => ({ header: tr.t(`remind.notice.col.${k}`), kind: kinds[i], ...(k === 'gaps' ? { wrap: 60 } : {}) })),
      rows: n.messages.map((m, i) => [i + 1, m.cadre.learnerId, m.cadre.name, m.rank, tr.t(`status.${m.status}`), m.gaps.map((g) => g.words).join('\n'), m.deadline ?? m.deadlineText]),
      frozenColumns: 3,
      footer: `${n.body}  ${tr.t('remind.sheet.footer')}`,
    },
  ]);
}

export async function noticePdf(ctx: Context, n: Notice, asOf: IsoDate): Promise<Buffer> {
  const { tr } = ctx;
  const { PdfWriter } = await import('../io/pdf.js');
  // The as-of date as the document's date: the same notice gives the same bytes.
  const pdf = await PdfWriter.create({ title: n.title, author: officeName(ctx), date: new Date(`${asOf}T00:00:00Z`) });
  pdf.text(n.title, { size: 16, weight: 700, align: 'center' });
  pdf.moveDown(0.3);
  pdf.text(tr.t('remind.notice.asOf', { asOf }), { size: 10, color: '#444444', align: 'center' });
  pdf.rule();
  pdf.moveDown(0.5);
  pdf.text(n.body, { size: 11, lineGap: 4 });
  pdf.moveDown(0.8);
  n.messages.forEach((m, i) => {
    pdf.text(tr.t('remind.notice.who', { seq: i + 1, name: m.cadre.name, id: m.cadre.learnerId, rank: m.rank, status: tr.t(`status.${m.status}`) }), { size: 11, weight: 700 });
    for (const g of m.gaps) pdf.text(`· ${g.words}`, { size: 10, x: pdf.doc.page.margins.left + 14, width: pdf.width - 14 });
    pdf.doc.x = pdf.doc.page.margins.left;
    pdf.moveDown(0.4);
  });
  pdf.moveDown(1);
  pdf.text(officeName(ctx), { size: 11, align: 'right' });
  pdf.text(asOf, { size: 11, align: 'right' });
  return pdf.finish();
}

/** The notices' file names in --out-dir: 督办单-<部门>_<as-of>.xlsx and .pdf. */
export function noticeNames(ctx: Context, notices: readonly Notice[], asOf: IsoDate, ext: 'xlsx' | 'pdf'): Map<string, string> {
  return fileNamesFor(
    notices.map((n) => n.department),
    { before: ctx.tr.t('remind.notice.file'), after: `_${asOf}`, ext },
  );
}

/**
 * Files written to temporaries now, put in place together inside the
 * transaction (placeAll), kept after COMMIT (settle) or taken back
 * (rollback). An existing target is refused when staged, unless overwrite.
 */
export class StagedFiles {
  private readonly files: AtomicFile[] = [];
  private placed: AtomicFile[] = [];
  private readonly createdDirs: string[] = [];

  stage(target: string, bytes: Uint8Array, overwrite: boolean): void {
    const f = new AtomicFile(target, { mode: PRIVATE_MODE, overwrite, overwriteHint: '--overwrite' });
    this.files.push(f);
    f.write(bytes);
    f.flush();
  }

  ensureDir(dir: string): void {
    this.createdDirs.push(...ensureDir(dir));
  }

  get count(): number {
    return this.files.length;
  }

  /** All in place, or none (those placed are taken back) and the error thrown. */
  placeAll(): void {
    try {
      for (const f of this.files) {
        f.place(true);
        this.placed.push(f);
      }
    } catch (e) {
      this.rollback();
      throw e;
    }
  }

  settle(): void {
    for (const f of this.placed) {
      try {
        f.settle();
      } catch {
        /* a second name left behind: a temporary a later run sweeps */
      }
    }
    this.placed = [];
  }

  /** Never throws. */
  rollback(): void {
    for (const f of this.placed.reverse()) f.rollback();
    this.placed = [];
    for (const f of this.files) f.discard();
    removeCreatedDirs(this.createdDirs);
  }
}

export interface RemindWrite {
  format: RemindFormat;
  /** Where the messages went (null: stdout). */
  file: string | null;
  /** Each department's notice files, as shown. */
  notices: Map<string, string[]>;
  args: Record<string, unknown>;
}

/**
 * Records the reminders of the run (one row per cadre and gap) and journals
 * it, then puts the staged files in place, in one transaction. Returns the
 * journal entry's number.
 */
export function recordReminders(ctx: Context, prepared: RemindPrepared, staged: StagedFiles, w: RemindWrite): number {
  const db = ctx.db();
  const producedAt = localTimestamp(ctx.now());
  let journalId = 0;
  try {
    db.transaction(() => {
      // Another run recorded reminders since this one read them: what it held back may be stale.
      if (lastReminderId(db) !== prepared.lastId) throw new InputError(msg('remind.concurrent'), [], msg('remind.fix.concurrent'));
      journalId = recordJournal(db, ctx, {
        command: 'remind',
        args: { ...w.args, as_of: prepared.asOf, format: w.format, out: w.file, notices: [...w.notices.values()].flat() },
        counts: { cadres: prepared.messages.length, gaps: prepared.messages.reduce((n, m) => n + m.gaps.length, 0), held: prepared.held },
        learnerIds: prepared.messages.map((m) => m.cadre.learnerId),
      });
      const rows: ReminderRecord[] = prepared.messages.flatMap((m) =>
        m.gaps.map((g) => ({
          journalId,
          cadreId: m.cadreId,
          requirement: g.gap.requirement.id,
          period: g.gap.period,
          termStart: g.gap.termStart,
          status: g.gap.status,
          gap: g.plain,
          deadline: g.gap.deadline,
          asOf: prepared.asOf,
          producedAt,
          operator: ctx.operator,
          format: w.format,
          file: w.file,
          notice: w.notices.get(m.cadre.department)?.join(', ') ?? null,
          messageSha256: m.sha256,
        })),
      );
      insertReminders(db, rows);
      // Last before COMMIT: the files under their names (a failure here rolls the records back).
      staged.placeAll();
    }).immediate();
  } catch (e) {
    staged.rollback();
    throw e;
  }
  staged.settle();
  return journalId;
}

/**
 * Each department's notice, as xlsx and PDF, staged in --out-dir (made if
 * missing, 0700). Returns each department's files as the user will read them.
 */
export async function stageNotices(ctx: Context, prepared: RemindPrepared, outDir: string, overwrite: boolean, staged: StagedFiles): Promise<Map<string, string[]>> {
  const dir = path.resolve(ctx.cwd, outDir);
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new InputError(msg('outputs.outDirNotDir', { dir: outDir }), [], msg('outputs.fix.outDirNotDir'));
  const notices = departmentNotices(ctx, prepared);
  const xlsxNames = noticeNames(ctx, notices, prepared.asOf, 'xlsx');
  const pdfNames = noticeNames(ctx, notices, prepared.asOf, 'pdf');
  staged.ensureDir(dir);
  const shown = new Map<string, string[]>();
  for (const n of notices) {
    const x = xlsxNames.get(n.department)!;
    const p = pdfNames.get(n.department)!;
    staged.stage(path.join(dir, x), await noticeXlsx(ctx, n, prepared.asOf), overwrite);
    staged.stage(path.join(dir, p), await noticePdf(ctx, n, prepared.asOf), overwrite);
    shown.set(n.department, [path.join(outDir, x), path.join(outDir, p)]);
  }
  return shown;
}
