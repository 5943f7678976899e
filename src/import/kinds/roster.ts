/**
 * The HR roster (`issue-accounts`): its columns, the rules of a row, reading
 * the file (or one cadre asked for interactively), and the write a planned
 * roster makes. What each entry does to the cadres on file is planned by
 * the pure `planRoster` (src/core/roster.ts).
 */
import crypto from 'node:crypto';
import type { Context } from '../../shell/context.js';
import { formatProblem } from '../../shell/report-error.js';
import type { IsoDate } from '../../core/dates.js';
import { readRank } from '../../core/policy.js';
import { DEPARTMENT_MAX, NAME_MAX, type RosterCadre, type RosterEntry, type RosterPlan, type RosterShape } from '../../core/roster.js';
import { controlIn, forTerminal } from '../../core/text.js';
import { parseDate, parseIdentifier } from '../../core/values.js';
import { insertCadres, updateCadres } from '../../db/cadres.js';
import type { DB } from '../../db/open.js';
import { InputError, msg, type Msg, type Problem } from '../../errors.js';
import { BOM, toCsv } from '../../io/csv-out.js';
import type { TableRecord } from '../../io/table.js';
import { ROSTER_COLUMNS } from '../columns.js';
import { RowProblems } from '../row-context.js';
import { rejectedHeader } from '../columns.js';
import { noteColumns, noteSkipped, openInput, skippableRow, type SkippedRow } from '../row-skip.js';

export const ROSTER_SPEC = ROSTER_COLUMNS;

// Invisible characters that are not whitespace; controls and direction marks are controlIn's.
const INVISIBLE = /[\u200b-\u200d\u2060]/u;

/**
 * A name or a department: trimmed of whitespace of every kind (a full-width
 * space pads two-character names in many rosters), never empty, no control,
 * direction or invisible character (the one found is named).
 */
function readPersonText(raw: string | undefined, max: number): { ok: true; value: string } | { ok: false; reason: Msg } {
  const value = (raw ?? '').replace(/^\s+|\s+$/gu, '');
  if (value === '') return { ok: false, reason: msg('cell.empty') };
  const control = controlIn(value);
  if (control) return { ok: false, reason: msg('roster.controlChar', { char: control, text: forTerminal(value, 60) }) };
  const bad = INVISIBLE.exec(value);
  if (bad) return { ok: false, reason: msg('cell.invisible', { code: bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0'), position: [...value.slice(0, bad.index)].length + 1 }) };
  if ([...value].length > max) return { ok: false, reason: msg('cell.tooLong', { max }) };
  return { ok: true, value };
}

/** Optional free text (phone, email): control and direction characters refused like a name's. */
function readOptional(raw: string | undefined, max: number, key: string, p: RowProblems): string | null {
  if (raw === undefined || raw.trim() === '') return null;
  const r = readPersonText(raw, max);
  if (!r.ok) return p.add(key, r.reason), null;
  return r.value;
}

/** Validates one roster row into an entry, adding problems otherwise. */
export function readRosterRow(rec: TableRecord, p: RowProblems, ctx: Context): RosterEntry | null {
  const policy = ctx.policy();
  const today = ctx.today();
  const staff = parseIdentifier(rec.cells.staff_no ?? '', 'staff_no');
  if (!staff.ok) p.add('staff_no', staff.reason);
  const name = readPersonText(rec.cells.name, NAME_MAX);
  if (!name.ok) p.add('name', name.reason, name.reason.key === 'roster.controlChar' ? msg('roster.fix.controlChar') : undefined);
  const dept = readPersonText(rec.cells.department, DEPARTMENT_MAX);
  if (!dept.ok) p.add('department', dept.reason, dept.reason.key === 'roster.controlChar' ? msg('roster.fix.controlChar') : undefined);
  const rankRaw = (rec.cells.rank ?? '').trim();
  const rank = readRank(rankRaw, policy);
  if (!rank.ok) {
    const shown = forTerminal(rankRaw, 40);
    p.add('rank', rank.refused ? msg('roster.rankAbove', { rank: shown }) : msg('roster.rankUnknown', { rank: shown }), rank.refused ? msg('roster.fix.rankAbove') : msg('roster.fix.rankUnknown'));
  }
  const appointed = parseDate(rec.cells.appointed_on ?? '');
  if (!appointed.ok) p.add('appointed_on', appointed.reason);
  else if (appointed.value > today) p.add('appointed_on', msg('row.dateFuture', { date: appointed.value, today }), msg('roster.fix.appointedFuture'));
  const phone = readOptional(rec.cells.phone, 40, 'phone', p);
  const email = readOptional(rec.cells.email, 120, 'email', p);
  if (email !== null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) p.add('email', msg('roster.badEmail', { email: forTerminal(email, 120) }));
  let leftOn: IsoDate | null = null;
  const leftRaw = rec.cells.left_on;
  if (leftRaw !== undefined && leftRaw.trim() !== '') {
    const l = parseDate(leftRaw);
    if (!l.ok) p.add('left_on', l.reason);
    else if (appointed.ok && l.value < appointed.value) p.add('left_on', msg('roster.leftBeforeAppointed', { left: l.value, appointed: appointed.value }));
    else leftOn = l.value;
  }
  if (!p.ok || !staff.ok || !name.ok || !dept.ok || !rank.ok || !appointed.ok) return null;
  return { line: rec.line, staffNo: staff.value, name: name.value, department: dept.value, rank: rank.rank, rankTitle: rankRaw, appointedOn: appointed.value, phone, email, leftOn };
}

/** A row refused, as read: its line, its fields (for the rejected-rows file) and why. */
export interface RejectedRow {
  rec: Pick<TableRecord, 'line' | 'raw'>;
  problems: Problem[];
}

/** A roster as read: its valid entries, the rows refused (with --skip-invalid) and what the planner needs to know of the file. */
export interface RosterRead {
  /** Packed as read: a province's 320,000 are never objects all at once. */
  entries: PackedEntries;
  problems: Problem[];
  sha256: string;
  names: string[];
  rejected: RejectedRow[];
  /**
   * With --skip-invalid, each accepted entry's fields as read, by line (for
   * the rejected-rows file when planning refuses it); empty otherwise. The
   * caller clears it once the plan's refusals are taken out.
   */
  raws: Map<number, string[]>;
  shape: RosterShape;
  columnOf: (key: string) => number | undefined;
}

/**
 * A copy of a cell's text that holds only itself. V8 keeps a cut of 13
 * characters or more (a cell of a line read) as a view of the whole line,
 * so an entry held for the run would hold its line too.
 */
function detached(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf16le').toString('utf16le');
}

/**
 * An entry's texts as the fields kept for the rejected-rows file share them
 * (with --skip-invalid, a province's 320,000 rows until planning is done):
 * the texts many rows share (departments, rank titles, dates) once, the
 * others detached from their lines.
 */
function compactEntry(e: RosterEntry, shared: Map<string, string>): RosterEntry {
  const one = (s: string): string => {
    const known = shared.get(s);
    if (known !== undefined) return known;
    const own = detached(s);
    shared.set(own, own);
    return own;
  };
  e.staffNo = detached(e.staffNo);
  e.name = detached(e.name);
  e.department = one(e.department);
  e.rankTitle = one(e.rankTitle);
  e.appointedOn = one(e.appointedOn);
  if (e.leftOn !== null) e.leftOn = one(e.leftOn);
  if (e.phone !== null) e.phone = detached(e.phone);
  if (e.email !== null) e.email = detached(e.email);
  return e;
}

/** A row's fields as kept for the rejected-rows file: the entry's own texts where they are the same, the rest detached. */
function compactRaw(raw: readonly string[], e: RosterEntry): string[] {
  const held = [e.staffNo, e.name, e.department, e.rankTitle, e.appointedOn, e.phone, e.email, e.leftOn];
  return raw.map((f) => held.find((h) => h === f) ?? detached(f));
}

/** Entries by place: an array of them, or a packed store. */
export interface EntryList {
  readonly length: number;
  at(i: number): RosterEntry | undefined;
}

const SEP = '\u001f';

/**
 * Roster entries as held from planning to the write (the 50 minutes a
 * province's hashing takes), packed: each entry's staff number and name (and
 * phone, email and leaving, when given) as one text joined by U+001F, which
 * none of them can hold (a staff number is letters, digits, `-` and `_`; the
 * others refuse control characters), and its line, rank, department, rank
 * title and date as five numbers, the texts many rows share held once.
 * About 70 bytes an entry, where an entry object with its texts took some
 * 160. `at(i)` makes entry `i` again.
 */
export class PackedEntries implements EntryList {
  private readonly own: string[] = [];
  private nums = new Int32Array(5 * 1024);
  private readonly texts: string[] = [];
  private readonly known = new Map<string, number>();

  static of(entries: readonly RosterEntry[]): PackedEntries {
    const packed = new PackedEntries();
    for (const e of entries) packed.push(e);
    return packed;
  }

  get length(): number {
    return this.own.length;
  }

  private text(s: string): number {
    let k = this.known.get(s);
    if (k === undefined) {
      k = this.texts.push(s) - 1;
      this.known.set(s, k);
    }
    return k;
  }

  push(e: RosterEntry): void {
    const i = this.own.length;
    if ((i + 1) * 5 > this.nums.length) {
      const more = new Int32Array(this.nums.length * 2);
      more.set(this.nums);
      this.nums = more;
    }
    const plain = e.phone === null && e.email === null && e.leftOn === null;
    // join makes one flat text, not a string of pieces holding their parts.
    this.own.push((plain ? [e.staffNo, e.name] : [e.staffNo, e.name, e.phone ?? '', e.email ?? '', e.leftOn ?? '']).join(SEP));
    const o = i * 5;
    this.nums[o] = e.line;
    this.nums[o + 1] = this.text(e.rank);
    this.nums[o + 2] = this.text(e.department);
    this.nums[o + 3] = this.text(e.rankTitle);
    this.nums[o + 4] = this.text(e.appointedOn);
  }

  at(i: number): RosterEntry {
    return this.make(i);
  }

  /** Entries `from` to `to` (not included), as objects again, for the planner. */
  slice(from: number, to: number): RosterEntry[] {
    const out: RosterEntry[] = [];
    for (let i = from; i < Math.min(to, this.length); i++) out.push(this.make(i, true));
    return out;
  }

  /**
   * Entry `i` as an object. The planner's pieces are held for a while, the
   * write's entries one row each: two places make them, so the engine does
   * not learn from the first to put the second straight in its old space,
   * where 320,000 of them would wait for a full collection.
   */
  private make(i: number, held = false): RosterEntry {
    const [staffNo, name, phone, email, leftOn] = this.own[i].split(SEP);
    const o = i * 5;
    const department = this.texts[this.nums[o + 2]];
    const rank = this.texts[this.nums[o + 1]] as RosterEntry['rank'];
    const rankTitle = this.texts[this.nums[o + 3]];
    const appointedOn = this.texts[this.nums[o + 4]];
    if (held) return { line: this.nums[o], staffNo, name, department, rank, rankTitle, appointedOn, phone: phone || null, email: email || null, leftOn: leftOn || null };
    return { line: this.nums[o], staffNo, name, department, rank, rankTitle, appointedOn, phone: phone || null, email: email || null, leftOn: leftOn || null };
  }
}

/** Reads and checks the roster file; refuses it (exit 2) for a row in error, unless `skipInvalid`. */
export async function readRoster(file: string, ctx: Context, skipInvalid: boolean, newPeople: boolean): Promise<RosterRead> {
  const { header, records } = await openInput(ctx, file, ROSTER_SPEC, 'roster');
  noteColumns(ctx, file, header, ROSTER_SPEC);
  const skipped: SkippedRow[] = [];
  const entries = new PackedEntries();
  const problems: Problem[] = [];
  const rejected: RejectedRow[] = [];
  const raws = new Map<number, string[]>();
  const shared = new Map<string, string>();
  const seen = new Map<string, number>();
  const columnOf = (key: string): number | undefined => {
    const i = header.keys.indexOf(key);
    return i < 0 ? undefined : i + 1;
  };
  for await (const rec of records) {
    const skip = skippableRow(rec.raw ?? [], rec.line);
    if (skip) {
      skipped.push(skip);
      continue;
    }
    const p = new RowProblems(file, rec, header.names);
    if (rec.problem) p.list.push(rec.problem);
    const entry = rec.problem ? null : readRosterRow(rec, p, ctx);
    if (entry) {
      const first = seen.get(entry.staffNo);
      if (first !== undefined) p.add('staff_no', msg('roster.duplicateStaff', { staffNo: entry.staffNo, line: first }), msg('roster.fix.duplicateStaff'));
      else seen.set(entry.staffNo, entry.line);
    }
    if (entry && p.ok) {
      if (skipInvalid) raws.set(entry.line, compactRaw(rec.raw ?? [], compactEntry(entry, shared)));
      entries.push(entry);
    } else {
      problems.push(...p.list);
      rejected.push({ rec, problems: p.list });
    }
  }
  noteSkipped(ctx, file, header, skipped);
  if (problems.length && !skipInvalid) throw new InputError(msg('roster.refused', { file, count: rejected.length }), problems, msg('import.fix.refused'));
  const shape: RosterShape = {
    file,
    header: (key) => {
      const i = columnOf(key);
      return (i !== undefined && header.names[i - 1]) || key;
    },
    leftColumn: columnOf('left_on') !== undefined,
    newPeople,
  };
  return { entries, problems, sha256: header.sha256, names: header.names, rejected, raws, shape, columnOf };
}

/** The fields asked for at the prompts, in order, as the columns of a roster of one row. */
const ASKED = ['staff_no', 'name', 'department', 'rank', 'appointed_on', 'phone', 'email'] as const;

/** A valid value of each required field, standing in for the fields not asked yet while one is checked. */
const STAND_IN: Record<string, string> = { staff_no: 'X0', name: 'X', department: 'X', rank: 'section', appointed_on: '2000-01-01' };

/** The ranks offered at the prompt: the roster's own words, which readRank reads. */
const RANK_CHOICES = [
  ['正处', 'division'],
  ['副处', 'division'],
  ['正科', 'section'],
  ['副科', 'section'],
] as const;

function promptRecord(cells: Record<string, string>): TableRecord {
  return { line: 1, cells, raw: ASKED.map((k) => cells[k] ?? ''), columnOf: (k) => (ASKED as readonly string[]).indexOf(k) + 1 };
}

async function askOneCadre(ctx: Context): Promise<RosterEntry> {
  const prompt = await ctx.prompter();
  const { t } = ctx.tr;
  const cells: Record<string, string> = {};
  // Each answer is checked by the roster's own rules (readRosterRow) as it is typed: the row as
  // answered so far, with valid stand-ins for what is still to come; only this field's problems count.
  const validate = (key: (typeof ASKED)[number]) => (v: string): true | string => {
    const rec = promptRecord({ ...STAND_IN, ...cells, [key]: v });
    const p = new RowProblems(t('prompt.source'), rec);
    readRosterRow(rec, p, ctx);
    const mine = p.list.find((pr) => pr.column === rec.columnOf(key));
    if (!mine) return true;
    return ctx.tr.m(mine.reason) + (mine.fix ? ` — ${ctx.tr.m(mine.fix)}` : '');
  };
  const ask = async (key: (typeof ASKED)[number], message: string) => {
    cells[key] = await prompt.input({ message, validate: validate(key) });
  };
  await ask('staff_no', t('prompt.staffNo'));
  await ask('name', t('prompt.name'));
  await ask('department', t('prompt.department'));
  cells.rank = await prompt.select({ message: t('prompt.rank'), choices: RANK_CHOICES.map(([title, rank]) => ({ name: t('forgive.rankTitle', { title, rank: t(`rank.${rank}`) }), value: title })) });
  await ask('appointed_on', t('prompt.appointedOn'));
  await ask('phone', t('prompt.phone'));
  await ask('email', t('prompt.email'));
  const rec = promptRecord(cells);
  const p = new RowProblems(t('prompt.source'), rec);
  const entry = readRosterRow(rec, p, ctx);
  if (!entry) throw new InputError(msg('roster.refused', { file: t('prompt.source'), count: 1 }), p.list);
  return entry;
}

/** One cadre asked for on the terminal, as a roster of one row. */
export async function interactiveRead(ctx: Context, source: string, newPeople: boolean): Promise<RosterRead> {
  const entry = await askOneCadre(ctx);
  const keys: readonly string[] = ASKED;
  return {
    entries: PackedEntries.of([entry]),
    problems: [],
    sha256: crypto.createHash('sha256').update(JSON.stringify(entry)).digest('hex'),
    names: [],
    rejected: [],
    raws: new Map(),
    shape: { file: source, header: (key) => key, leftColumn: false, newPeople },
    columnOf: (key) => (keys.includes(key) ? keys.indexOf(key) + 1 : undefined),
  };
}

/** The rejected-rows file's text: each row as read, with its line and reasons. */
export function rejectedRows(names: string[], rejected: readonly RejectedRow[], ctx: Context): string {
  const rows = [rejectedHeader(names, ctx.tr), ...rejected.map((r) => [String(r.rec.line), ...names.map((_, i) => r.rec.raw?.[i] ?? ''), r.problems.map((p) => formatProblem({ ...p, file: undefined, line: undefined }, ctx.tr)).join('; ')])];
  return BOM + toCsv(rows);
}

/**
 * Inside the caller's write transaction: the cadres to issue (the entries
 * planned `issue`), with their accounts on the initial passwords whose
 * hashes `hashes.at(i)` gives in the same order, and the changes to cadres
 * on file. Returns the ids and the learner IDs of the cadres created, in
 * the entries' order.
 */
export function writeRoster<C extends RosterCadre>(
  db: DB,
  plans: { issue: EntryList; update: Extract<RosterPlan<C>, { action: 'update' }>[] },
  hashes: { at(i: number): string },
  at: { learnerIdPrefix: string; today: () => IsoDate; now: string },
): { created: number[]; learnerIds: string[] } {
  const issued = insertCadres(db, plans.issue, (i) => hashes.at(i), at.learnerIdPrefix, at.today, at.now);
  updateCadres(
    db,
    plans.update.map(({ entry: e, cadre, change: c }) => {
      const appts = cadre.service.appointments;
      return {
        cadreId: cadre.id,
        name: e.name,
        department: e.department,
        phone: e.phone,
        email: e.email,
        leftOn: c.leftOn,
        closeSeries: c.closeLatestOn !== null ? { appointedOn: appts[appts.length - 1].appointedOn, leftOn: c.closeLatestOn } : null,
        newAppointment: c.newAppointment ? { rank: e.rank, rankTitle: e.rankTitle, appointedOn: e.appointedOn } : null,
      };
    }),
    at.now,
  );
  return { created: issued.ids, learnerIds: issued.learnerIds };
}
