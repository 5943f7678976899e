/**
 * `cadre essays [--status S] [--department D] [--year Y] [--kind K] [--reviewer R]`: the
 * essays on file with their review state, those waiting for review
 * (pending) first; `--status pending` is the office's review queue,
 * `--status returned` the essays sent back for revision, `--status flagged`
 * those held for similarity with no verdict yet, `--reviewer R` a reviewer's
 * queue (assigned to them, not yet reviewed by them).
 */
import type { Context } from '../shell/context.js';
import { paint } from '../shell/color.js';
import { present } from '../shell/render.js';
import { listingOutput, type ListingOutputOptions } from '../shell/listing-out.js';
import { ESSAY_STATUSES, type EssayKind, type EssayStatus } from '../core/essays.js';
import { yearEndDate, yearStartDate } from '../core/terms.js';
import { departmentExists, listEssays, type EssayListRow } from '../db/essays.js';
import { InputError, UsageError, msg } from '../errors.js';
import { localMinute } from '../local-time.js';
import { oneReviewer } from './shared/reviewer-key.js';

export interface EssaysOptions extends ListingOutputOptions {
  status?: string;
  department?: string;
  year?: string;
  kind?: string;
  reviewer?: string;
}

/** What --status takes: a review state, or `flagged` (held for similarity, no verdict yet). */
const LIST_STATUSES = [...ESSAY_STATUSES, 'flagged'] as const;

const KINDS: readonly EssayKind[] = ['reflection', 'report'];

interface Row {
  id: number;
  learner_id: string;
  staff_no: string;
  name: string;
  department: string;
  kind: string;
  title: string;
  submitted_on: string;
  chars: number;
  status: string;
  resubmits: number | '';
  counts_on: string;
  reviewed_at: string;
  source: string;
  key: EssayStatus;
}

/** Colours the state: yellow while waiting for review, red when rejected. */
function paintStatus(key: string, text: string, row: Row): string {
  if (key !== 'status') return text;
  return row.key === 'pending' || row.key === 'returned' ? paint(true, 'yellow', text) : row.key === 'rejected' ? paint(true, 'red', text) : paint(true, 'green', text);
}

export async function run(opts: EssaysOptions, ctx: Context): Promise<number> {
  const { format, out } = listingOutput(ctx, opts);
  const { t } = ctx.tr;
  if (opts.status !== undefined && !(LIST_STATUSES as readonly string[]).includes(opts.status)) {
    throw new UsageError(msg('listings.badEssayStatus', { value: opts.status, allowed: LIST_STATUSES.join('|') }));
  }
  const flagged = opts.status === 'flagged';
  
  if (opts.kind !== undefined && !KINDS.includes(opts.kind as EssayKind)) throw new UsageError(msg('listings.badEssayKind', { value: opts.kind, allowed: KINDS.join('|') }));
  if (opts.year !== undefined && !/^\d{4}$/.test(opts.year)) throw new UsageError(msg('audit.badYear', { year: opts.year }), msg('audit.fix.badYear'));
  const db = ctx.db({ readOnly: true });
  const reviewer = opts.reviewer !== undefined ? oneReviewer(db, opts.reviewer, false) : undefined;
  const department = opts.department?.trim();
  if (department !== undefined && !departmentExists(db, department)) throw new InputError(msg('listings.unknownDepartment', { department }), [], msg('listings.fix.unknownDepartment'));
  const policy = ctx.policy();
  const year = opts.year !== undefined ? Number(opts.year) : undefined;
  const list = listEssays(db, {
    statuses: opts.status !== undefined && !flagged ? [opts.status as EssayStatus] : undefined,
    flagged,
    reviewerId: reviewer?.id,
    department,
    kind: opts.kind as EssayKind | undefined,
    from: year !== undefined ? yearStartDate(year, policy) : undefined,
    to: year !== undefined ? yearEndDate(year, policy) : undefined,
  });
  const sourceText = (e: EssayListRow) =>
    e.file_name !== null ? t('source.batch', { batch: e.batch_id ?? '?', file: e.file_name, line: e.line ?? '?' }) : t('source.manual', { by: e.entered_by });
  const rows: Row[] = list.map((e) => ({
    id: e.id,
    learner_id: e.learner_id,
    staff_no: e.staff_no,
    name: e.name,
    department: e.department,
    kind: t(`essay.${e.kind}`),
    title: e.title,
    submitted_on: e.submitted_on,
    chars: e.chars,
    status: t(`essayStatus.${e.status}`) + (e.flagged ? t('review.list.flaggedMark') : ''),
    resubmits: e.resubmits_id ?? '',
    counts_on: e.counts_on ?? e.submitted_on,
    reviewed_at: e.reviewed_at ? localMinute(new Date(e.reviewed_at)) : '',
    source: sourceText(e),
    key: e.status,
  }));
  const json = () =>
    list.map((e) => ({
      id: e.id,
      learner_id: e.learner_id,
      staff_no: e.staff_no,
      name: e.name,
      department: e.department,
      kind: e.kind,
      title: e.title,
      submitted_on: e.submitted_on,
      chars: e.chars,
      status: e.status,
      flagged: e.flagged === 1,
      resubmits: e.resubmits_id,
      counts_on: e.counts_on ?? e.submitted_on,
      reviewed_at: e.reviewed_at,
      source: e.file_name !== null ? { batch: e.batch_id, file: e.file_name, line: e.line } : { entered_by: e.entered_by },
    }));
  // The terminal shows who, what and its state; the staff number, review time and source are in CSV, JSON and xlsx.
  const onTerminal = new Set(['id', 'learner_id', 'name', 'department', 'kind', 'title', 'submitted_on', 'chars', 'status']);
  // A filter's column would repeat one value on every row: the terminal leaves it out (the files keep it).
  if (department !== undefined) onTerminal.delete('department');
  if (opts.kind !== undefined) onTerminal.delete('kind');
  if (opts.status !== undefined && opts.status !== 'flagged') onTerminal.delete('status');
  // The columns of the review workflow come last: a sheet made for the earlier columns keeps them where they were.
  const keys = ['id', 'learner_id', 'staff_no', 'name', 'department', 'kind', 'title', 'submitted_on', 'chars', 'status', 'reviewed_at', 'source', 'resubmits', 'counts_on'] as const;
  const header = (key: string) => (key === 'resubmits' || key === 'counts_on' ? t(`review.list.col.${key}`) : t(`listings.essays.col.${key}`));
  const columns = keys.map((key) => ({ key, header: header(key), tableless: !onTerminal.has(key) }));
  const empty = reviewer
    ? t('review.list.noneQueue', { code: reviewer.code, name: reviewer.name })
    : t(opts.status === 'pending' ? 'listings.essays.nonePending' : opts.status === 'returned' ? 'review.list.noneReturned' : flagged ? 'review.list.noneFlagged' : 'listings.essays.none');
  await present(ctx, { columns, rows, json, empty, paint: paintStatus }, { format, out });
  const pending = list.filter((e) => e.status === 'pending').length;
  if (list.length) ctx.err.write(t('listings.essays.summary', { count: list.length, pending }) + '\n');
  return 0;
}
