/**
 * `cadre issue-accounts ROSTER`: creates cadres, their appointments and
 * accounts from the HR roster; safe to re-run; `--reset` re-issues initial
 * passwords; `--interactive` asks for one cadre.
 *
 * - A row whose staff number is new but looks like a cadre on file (the same
 *   number once leading zeros are ignored, or the same name and department)
 *   is refused unless `--new-people` confirms that such rows are new people;
 *   a number that only lost its zeros on a row with the cadre's own name and
 *   department is the same person and always refused.
 * - Passwords are generated and hashed before the write transaction (hashing
 *   is async, on libuv's thread pool). The credentials file is written to a
 *   temporary and put in place under its final name (claimed exclusively,
 *   never over anything) inside the transaction, just before COMMIT; a
 *   rollback removes it again. So neither accounts without their passwords
 *   nor passwords without their accounts are left, and after COMMIT nothing
 *   remains to fail.
 * - A run killed between the file in place and COMMIT would leave passwords
 *   for accounts that do not exist: a marker beside the database (written
 *   before the file, removed after COMMIT) names the file and its run, and
 *   the next issue-accounts on that database removes a file whose run is not
 *   in the journal, and says so.
 * - Each run is an entry of the journal; the cadres it creates carry its id
 *   (`issued_by`), and `--undo RUN` removes them while none of them has any
 *   record, if the run changed no cadre already on file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { generateInitialPassword, hashPassword, INITIAL_HASH_PARAMS } from '../auth/password.js';
import { localTimestamp, type Context } from '../cli/context.js';
import type { IsoDate } from '../core/dates.js';
import { readRank, type Rank } from '../core/policy.js';
import { Lookalikes, planAppointment, type AppointmentPlan } from '../core/roster.js';
import { controlIn, forTerminal } from '../core/text.js';
import { parseDate, parseIdentifier } from '../core/values.js';
import { loadCadres, type CadreIndex, type CadreRow } from '../db/cadres.js';
import { recordJournal, writeTransaction } from '../db/journal.js';
import type { DB } from '../db/open.js';
import { rosterRun, rosterRunCadres, undoRosterRun, type RosterRunCadre } from '../db/undo.js';
import { CadreError, InputError, UsageError, msg, type Msg, type Problem } from '../errors.js';
import { AtomicFile, sweepStaleTemps, writeFileAtomic } from '../io/atomic-file.js';
import { BOM, toCsv } from '../io/csv-out.js';
import { openTable, type TableRecord } from '../io/table.js';
import { rejectedPathFor } from '../import/pipeline.js';
import { RowProblems } from '../import/row-context.js';
import { formatProblem } from '../cli/report-error.js';

export const ROSTER_SPEC = {
  columns: [
    { key: 'staff_no', aliases: ['工号', '职工号', '教工号', 'staff no', 'staff number'] },
    { key: 'name', aliases: ['姓名'] },
    { key: 'department', aliases: ['部门', '学院', '单位', '所在单位', '部门/学院', 'dept'] },
    { key: 'rank', aliases: ['职级', '级别', '职务级别'] },
    { key: 'appointed_on', aliases: ['任职日期', '任职时间', '任命日期', 'appointed'] },
    { key: 'phone', aliases: ['电话', '手机', '联系电话', '手机号'] },
    { key: 'email', aliases: ['邮箱', '电子邮箱', 'e-mail'] },
    { key: 'left_on', aliases: ['离任日期', '离任时间', 'left'] },
  ],
  required: ['staff_no', 'name', 'department', 'rank', 'appointed_on'],
};

export interface RosterEntry {
  line: number;
  staffNo: string;
  name: string;
  department: string;
  rank: Rank;
  rankTitle: string;
  appointedOn: IsoDate;
  phone: string | null;
  email: string | null;
  leftOn: IsoDate | null;
}

type Change = Extract<AppointmentPlan, { ok: true }>;

type Plan =
  | { action: 'issue'; entry: RosterEntry }
  | { action: 'update'; entry: RosterEntry; cadre: CadreRow; change: Change; changed: string[] }
  | { action: 'same'; entry: RosterEntry; cadre: CadreRow };

export interface IssueOptions {
  roster?: string;
  out?: string;
  skipInvalid?: boolean;
  dryRun?: boolean;
  reset?: string[];
  interactive?: boolean;
  /** Rows that look like cadres on file really are new people. */
  newPeople?: boolean;
  /** The run (its journal entry's number) to undo. */
  undo?: string;
}

/** What the planner needs to know about the roster file. */
export interface RosterShape {
  file: string;
  /** The user's header of a column, by key (for messages). */
  header: (key: string) => string;
  /** Whether the roster has a 离任日期 column (an empty cell then means "in office"). */
  leftColumn: boolean;
  newPeople: boolean;
}

const NAME_MAX = 50;
const DEPARTMENT_MAX = 100;
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

/** The roster refusal of a row, at the column the user named. */
function problemAt(shape: RosterShape, entry: RosterEntry, key: string, columnOf: (key: string) => number | undefined, reason: Msg, fix?: Msg): Problem {
  const column = columnOf(key);
  return { file: shape.file, line: entry.line, ...(column ? { column, columnName: shape.header(key) } : {}), reason, ...(fix ? { fix } : {}) };
}

/**
 * What the roster does for each entry; problems for rows that cannot apply
 * (`lookalikes` counts those that look like cadres on file).
 */
export function planRoster(
  entries: RosterEntry[],
  index: CadreIndex,
  shape: RosterShape,
  columnOf: (key: string) => number | undefined = () => undefined,
): { plans: Plan[]; problems: Problem[]; lookalikes: number } {
  const plans: Plan[] = [];
  const problems: Problem[] = [];
  let lookalikes = 0;
  const near = new Lookalikes(index.all);
  const at = (entry: RosterEntry, key: string, reason: Msg, fix?: Msg) => problems.push(problemAt(shape, entry, key, columnOf, reason, fix));
  for (const entry of entries) {
    const cadre = index.byStaffNo.get(entry.staffNo);
    if (!cadre) {
      const like = near.of(entry);
      if (like && (!shape.newPeople || (like.kind === 'zeros' && like.samePerson))) {
        const c = like.cadre;
        const params = { staffNo: entry.staffNo, existing: c.staffNo, name: forTerminal(c.name, NAME_MAX), department: forTerminal(c.department, DEPARTMENT_MAX), id: c.learnerId, column: shape.header('staff_no') };
        lookalikes++;
        if (like.kind === 'zeros' && like.samePerson) {
          // Either this roster lost the zeros, or the cadre was registered from one that had.
          const lost = entry.staffNo.length < c.staffNo.length;
          at(entry, 'staff_no', msg(lost ? 'roster.lookalike.samePerson' : 'roster.lookalike.samePersonOnFile', params), msg(lost ? 'roster.fix.lookalike.samePerson' : 'roster.fix.lookalike.samePersonOnFile', params));
        }
        else if (like.kind === 'zeros') at(entry, 'staff_no', msg('roster.lookalike.zeros', params), msg('roster.fix.lookalike.zeros', params));
        else at(entry, 'name', msg('roster.lookalike.name', params), msg('roster.fix.lookalike.name', params));
        continue;
      }
      plans.push({ action: 'issue', entry });
      continue;
    }
    const change = planAppointment(cadre.service, { rank: entry.rank, appointedOn: entry.appointedOn, leftOn: entry.leftOn, leftColumn: shape.leftColumn });
    if (!change.ok) {
      if (change.why === 'rankChangedSameDate') at(entry, 'rank', msg('roster.rankChangedSameDate', { staffNo: entry.staffNo, date: entry.appointedOn }), msg('roster.fix.rankChangedSameDate'));
      else if (change.why === 'appointmentEarlier') at(entry, 'appointed_on', msg('roster.appointmentEarlier', { staffNo: entry.staffNo, date: entry.appointedOn, latest: change.latest }), msg('roster.fix.appointmentEarlier'));
      else at(entry, 'left_on', msg('roster.leftBeforeLatest', { staffNo: entry.staffNo, left: entry.leftOn ?? '', latest: change.latest }), msg('roster.fix.leftBeforeLatest', { latest: change.latest, column: shape.header('appointed_on') }));
      continue;
    }
    const changed: string[] = [];
    if (entry.name !== cadre.name) changed.push('name');
    if (entry.department !== cadre.department) changed.push('department');
    if (entry.phone !== null && entry.phone !== cadre.phone) changed.push('phone');
    if (entry.email !== null && entry.email !== cadre.email) changed.push('email');
    if (change.leaving !== null) changed.push('left_on');
    if (change.newAppointment) changed.push('appointment');
    plans.push(changed.length ? { action: 'update', entry, cadre, change, changed } : { action: 'same', entry, cadre });
  }
  return { plans, problems, lookalikes };
}

function nextLearnerId(db: DB, prefix: string, today: IsoDate): string {
  const row = db.prepare("INSERT INTO counters (name, value) VALUES ('learner_id', 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value").get() as { value: number };
  return `${prefix}${today.slice(2, 4)}${String(row.value).padStart(4, '0')}`;
}

interface Credential {
  learnerId: string;
  staffNo: string;
  name: string;
  department: string;
  password: string;
}

/**
 * An AtomicFile whose refusals name the target, not its temporary: one that
 * exists (a dangling symlink too) and, for credentials, with their own fix.
 */
function openAtomic(target: string, opts: { overwrite?: boolean }, credentials = false): AtomicFile {
  if (credentials && !opts.overwrite) {
    let taken = false;
    try {
      fs.lstatSync(target);
      taken = true;
    } catch {
      /* free */
    }
    if (taken) throw new UsageError(msg('accounts.outExists', { file: target }), msg('accounts.fix.outExists'));
  }
  try {
    return new AtomicFile(target, opts);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) throw new InputError(msg('error.fileSystem', { file: target, code }), [], msg('error.fix.fileSystem'));
    throw e;
  }
}

const PENDING = /^\.cadre-credentials\.(\d+)\.([0-9a-f]+)\.pending$/;

interface PendingMarker {
  run: string;
  target: string;
  tmp: string;
  sha256?: string;
}

/**
 * The credentials file of one run: never overwrites, mode 0600, UTF-8 with
 * BOM. `place()` (inside the write transaction) writes the rows and claims
 * the final name; `rollback()` removes it again; `committed()` after COMMIT
 * only drops the marker.
 */
class CredentialsFile {
  readonly run = crypto.randomBytes(8).toString('hex');
  readonly target: string;
  private readonly file: AtomicFile;
  private readonly marker: string | null;
  private placed: { dev: number; ino: number } | null = null;

  constructor(target: string, db: DB) {
    this.file = openAtomic(target, {}, true);
    this.target = this.file.target;
    this.marker = db.memory ? null : path.join(path.dirname(path.resolve(db.name)), `.cadre-credentials.${process.pid}.${this.run}.pending`);
    try {
      this.writeMarker();
    } catch (e) {
      this.file.discard();
      throw e;
    }
  }

  private writeMarker(sha256?: string): void {
    if (!this.marker) return;
    const m: PendingMarker = { run: this.run, target: this.target, tmp: this.file.tmp, ...(sha256 ? { sha256 } : {}) };
    writeFileAtomic(this.marker, JSON.stringify(m), { overwrite: true });
  }

  /** Inside the transaction, after the accounts: the rows, then the file under its final name. */
  place(creds: Credential[]): void {
    const rows = [['learner_id', 'staff_no', 'name', 'department', 'initial_password'], ...creds.map((c) => [c.learnerId, c.staffNo, c.name, c.department, c.password])];
    const bytes = Buffer.from(BOM + toCsv(rows), 'utf8');
    try {
      this.file.write(bytes);
      this.writeMarker(crypto.createHash('sha256').update(bytes).digest('hex'));
      this.file.commit();
    } catch (e) {
      // The name was taken meanwhile (another run, another user in a shared folder): the transaction rolls back.
      if (e instanceof CadreError && e.msg.key === 'file.exists') throw new UsageError(msg('accounts.outExists', { file: this.target }), msg('accounts.fix.outExists'));
      // A full disk, a folder gone: named by the file the user asked for, not by its temporary.
      const code = (e as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) throw new InputError(msg('error.fileSystem', { file: this.target, code }), [], msg('error.fix.fileSystem'));
      throw e;
    }
    const st = fs.lstatSync(this.target);
    this.placed = { dev: st.dev, ino: st.ino };
  }

  /** After COMMIT. Never throws. */
  committed(): void {
    this.dropMarker();
  }

  /**
   * After a rollback: the temporary and the placed file are removed. Returns
   * the name of a file of ours that could not be removed (it then holds
   * passwords of no account), else null. Never throws.
   */
  rollback(): string | null {
    this.file.discard();
    let left: string | null = null;
    if (this.placed) {
      try {
        const st = fs.lstatSync(this.target);
        if (st.dev === this.placed.dev && st.ino === this.placed.ino) fs.unlinkSync(this.target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') left = this.target;
      }
      this.placed = null;
    }
    if (!left) this.dropMarker();
    return left;
  }

  private dropMarker(): void {
    if (!this.marker) return;
    try {
      fs.rmSync(this.marker, { force: true });
    } catch {
      /* a marker left behind is checked and removed by the next run */
    }
  }
}

/**
 * Markers of runs on this database that were killed: a run that is not in
 * the journal never committed, so the credentials file it may have put in
 * place holds passwords of no account; it is removed (only if it is still
 * the file that run wrote), with its temporary. Returns the files removed.
 */
export function sweepPendingCredentials(db: DB): string[] {
  if (db.memory) return [];
  const dir = path.dirname(path.resolve(db.name));
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const inJournal = db.prepare("SELECT 1 FROM journal WHERE command LIKE 'issue-accounts%' AND json_valid(args) AND json_extract(args, '$.run') = ? LIMIT 1").pluck();
  for (const name of names) {
    const m = PENDING.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    const file = path.join(dir, name);
    try {
      const marker = JSON.parse(fs.readFileSync(file, 'utf8')) as PendingMarker;
      if (typeof marker.run === 'string' && !inJournal.get(marker.run)) {
        if (typeof marker.tmp === 'string') fs.rmSync(marker.tmp, { force: true });
        if (typeof marker.target === 'string' && typeof marker.sha256 === 'string' && sameContent(marker.target, marker.sha256)) {
          fs.unlinkSync(marker.target);
          removed.push(marker.target);
        }
      }
      fs.rmSync(file, { force: true });
    } catch {
      /* unreadable or not ours to remove: left as it is */
    }
  }
  return removed;
}

function sameContent(file: string, sha256: string): boolean {
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile()) return false;
    return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') === sha256;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Before a run writes: what killed runs left behind on this database and in the folder of its output. */
function sweepBefore(db: DB, outDir: string | null, ctx: Context): void {
  for (const file of sweepPendingCredentials(db)) ctx.warn(ctx.tr.t('accounts.staleCredentials', { file }));
  if (outDir) sweepStaleTemps(outDir);
  // A marker's own temporary, from a run killed while writing it.
  if (!db.memory && path.dirname(path.resolve(db.name)) !== outDir) sweepStaleTemps(path.dirname(path.resolve(db.name)));
}

function defaultCredentialsPath(ctx: Context): string {
  const stamp = localTimestamp(ctx.now()).slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return path.join(ctx.cwd, `credentials-${stamp}.csv`);
}

interface RosterRead {
  entries: RosterEntry[];
  problems: Problem[];
  sha256: string;
  names: string[];
  rejected: { rec: TableRecord; problems: Problem[] }[];
  /** The record of each accepted entry, by line (for the rejected-rows file when planning refuses it). */
  records: Map<number, TableRecord>;
  shape: RosterShape;
  columnOf: (key: string) => number | undefined;
}

async function readRoster(file: string, ctx: Context, skipInvalid: boolean, newPeople: boolean): Promise<RosterRead> {
  const { header, records } = await openTable(file, ROSTER_SPEC);
  if (header.unknown.length) ctx.warn(ctx.tr.t('import.unknownColumns', { file, columns: header.unknown.join(', ') }));
  const entries: RosterEntry[] = [];
  const problems: Problem[] = [];
  const rejected: { rec: TableRecord; problems: Problem[] }[] = [];
  const byLine = new Map<number, TableRecord>();
  const seen = new Map<string, number>();
  const columnOf = (key: string): number | undefined => {
    const i = header.keys.indexOf(key);
    return i < 0 ? undefined : i + 1;
  };
  for await (const rec of records) {
    const p = new RowProblems(file, rec, header.names);
    if (rec.problem) p.list.push(rec.problem);
    const entry = rec.problem ? null : readRosterRow(rec, p, ctx);
    if (entry) {
      const first = seen.get(entry.staffNo);
      if (first !== undefined) p.add('staff_no', msg('roster.duplicateStaff', { staffNo: entry.staffNo, line: first }), msg('roster.fix.duplicateStaff'));
      else seen.set(entry.staffNo, entry.line);
    }
    if (entry && p.ok) {
      entries.push(entry);
      byLine.set(entry.line, rec);
    } else {
      problems.push(...p.list);
      rejected.push({ rec, problems: p.list });
    }
  }
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
  return { entries, problems, sha256: header.sha256, names: header.names, rejected, records: byLine, shape, columnOf };
}

async function askOneCadre(ctx: Context): Promise<RosterEntry> {
  const prompt = await ctx.prompter();
  const { t } = ctx.tr;
  const validate = (key: string) => (v: string) => {
    if (key === 'staff_no') {
      const r = parseIdentifier(v, 'staff_no');
      if (!r.ok) return ctx.tr.m(r.reason);
    } else if (key === 'appointed_on') {
      const r = parseDate(v);
      if (!r.ok) return ctx.tr.m(r.reason);
    } else {
      const r = readPersonText(v, key === 'name' ? NAME_MAX : DEPARTMENT_MAX);
      if (!r.ok) return ctx.tr.m(r.reason);
    }
    return true;
  };
  const cells: Record<string, string> = {};
  cells.staff_no = await prompt.input({ message: t('prompt.staffNo'), validate: validate('staff_no') });
  cells.name = await prompt.input({ message: t('prompt.name'), validate: validate('name') });
  cells.department = await prompt.input({ message: t('prompt.department'), validate: validate('department') });
  cells.rank = await prompt.select({ message: t('prompt.rank'), choices: [{ name: t('rank.division'), value: 'division' }, { name: t('rank.section'), value: 'section' }] });
  cells.appointed_on = await prompt.input({ message: t('prompt.appointedOn'), validate: validate('appointed_on') });
  cells.phone = await prompt.input({ message: t('prompt.phone') });
  cells.email = await prompt.input({ message: t('prompt.email') });
  const rec: TableRecord = { line: 1, cells, raw: Object.values(cells), columnOf: (k) => Object.keys(cells).indexOf(k) + 1 };
  const p = new RowProblems(t('prompt.source'), rec);
  const entry = readRosterRow(rec, p, ctx);
  if (!entry) throw new InputError(msg('roster.refused', { file: t('prompt.source'), count: 1 }), p.list);
  return entry;
}

/** Cadres on file as this run planned against them: another issue-accounts or undo committed since when it changed. */
function rosterVersion(db: DB): string {
  const r = db
    .prepare("SELECT (SELECT COUNT(*) FROM cadres) AS n, (SELECT COALESCE(MAX(id), 0) FROM cadres) AS maxId, (SELECT COALESCE(MAX(id), 0) FROM journal WHERE command IN ('issue-accounts', 'issue-accounts --undo')) AS j")
    .get() as { n: number; maxId: number; j: number };
  return `${r.n}/${r.maxId}/${r.j}`;
}

/** An error after COMMIT: it never says "nothing was changed", and names the file with the passwords. */
function afterCommit(e: unknown, file: string | null, ctx: Context): CadreError {
  const error = e instanceof CadreError ? ctx.tr.m(e.msg) : e instanceof Error ? e.message : String(e);
  return new CadreError(1, file ? msg('accounts.afterCommit', { file, error }) : msg('accounts.afterCommitNoFile', { error }));
}

/** A rollback that could not remove the credentials file of this run: say so, with the error that caused it. */
function withLeftover(e: unknown, left: string | null, ctx: Context): unknown {
  if (!left) return e;
  const error = e instanceof CadreError ? ctx.tr.m(e.msg) : e instanceof Error ? e.message : String(e);
  return new CadreError(e instanceof CadreError ? e.exitCode : 70, msg('accounts.rollbackLeft', { file: left, error }), e instanceof CadreError ? e.problems : [], msg('accounts.fix.rollbackLeft', { file: left }));
}

export async function runIssueAccounts(opts: IssueOptions, ctx: Context): Promise<number> {
  const modes = [opts.roster !== undefined, !!opts.reset?.length, !!opts.interactive, opts.undo !== undefined].filter(Boolean).length;
  if (modes !== 1) throw new UsageError(msg('accounts.oneMode'), msg('accounts.fix.oneMode'));
  if (opts.undo !== undefined) return undoRun(opts.undo, ctx);
  const db = ctx.db(opts.dryRun ? { readOnly: true, missingAsEmpty: true } : { create: !opts.reset?.length });
  const policy = ctx.policy();
  const outPath = path.resolve(ctx.cwd, opts.out ?? defaultCredentialsPath(ctx));
  if (!opts.dryRun) sweepBefore(db, path.dirname(outPath), ctx);
  if (opts.reset?.length) return resetPasswords(opts, ctx, db, outPath);

  const source = opts.roster ?? ctx.tr.t('prompt.source');
  const read: RosterRead = opts.roster
    ? await readRoster(opts.roster, ctx, !!opts.skipInvalid, !!opts.newPeople)
    : await interactiveRead(ctx, source, !!opts.newPeople);
  const version = rosterVersion(db);
  const index = loadCadres(db);
  const { plans, problems: planProblems, lookalikes } = planRoster(read.entries, index, read.shape, read.columnOf);
  if (planProblems.length && !opts.skipInvalid) {
    const count = read.rejected.length + new Set(planProblems.map((p) => p.line)).size;
    if (lookalikes) throw new InputError(msg('roster.refusedLookalike', { file: source, count, lookalikes }), [...read.problems, ...planProblems], msg('roster.fix.refusedLookalike'));
    throw new InputError(msg('roster.refused', { file: source, count }), [...read.problems, ...planProblems], msg('import.fix.refused'));
  }
  const planRejected = [...new Set(planProblems.map((p) => p.line!))].map((line) => ({ rec: read.records.get(line)!, problems: planProblems.filter((p) => p.line === line) }));
  const rejected = [...read.rejected, ...planRejected].filter((r) => r.rec).sort((a, b) => a.rec.line - b.rec.line);
  const rejectedCount = read.rejected.length + planRejected.length;
  const warnings = [...read.problems, ...planProblems];
  for (const pr of warnings.slice(0, 20)) ctx.warn(formatProblem(pr, ctx.tr));
  if (warnings.length > 20) ctx.warn(ctx.tr.t('error.moreProblems', { count: warnings.length - 20 }));

  const toIssue = plans.filter((p): p is Extract<Plan, { action: 'issue' }> => p.action === 'issue');
  let updates = plans.filter((p): p is Extract<Plan, { action: 'update' }> => p.action === 'update');
  const summary = {
    issued: toIssue.length,
    already: plans.filter((p) => p.action === 'same').length,
    updated: updates.length,
    rejected: rejectedCount,
  };
  if (opts.dryRun) {
    ctx.err.write(ctx.tr.t('accounts.dryRun') + '\n' + ctx.tr.t('accounts.summary', summary) + '\n');
    return rejectedCount ? 2 : 0;
  }
  // Every file of the run is opened (and refused, if it must be) before any work.
  const rejectedFile = opts.skipInvalid && opts.roster && rejected.length ? openAtomic(rejectedPathFor(opts.roster), { overwrite: true }) : null;
  let creds: CredentialsFile | null = null;
  try {
    creds = toIssue.length ? new CredentialsFile(outPath, db) : null;
    if (rejectedFile) rejectedFile.write(rejectedRows(read.names, rejected, ctx));
  } catch (e) {
    rejectedFile?.discard();
    throw withLeftover(e, creds?.rollback() ?? null, ctx);
  }
  const issuedCreds: Credential[] = [];
  const now = localTimestamp(ctx.now());
  let runId = 0;
  try {
    const passwords = toIssue.map(() => generateInitialPassword());
    const hashes = await Promise.all(passwords.map((pw) => hashPassword(pw, INITIAL_HASH_PARAMS)));
    db.transaction(() => {
      if (rosterVersion(db) !== version) {
        // Another roster run or undo committed meanwhile: this run stands only if it still means the same.
        const again = planRoster(read.entries, loadCadres(db), read.shape, read.columnOf);
        if (planSignature(again.plans, again.problems) !== planSignature(plans, planProblems)) throw new InputError(msg('accounts.concurrentRoster'), [], msg('accounts.fix.concurrent'));
        updates = again.plans.filter((p): p is Extract<Plan, { action: 'update' }> => p.action === 'update');
      }
      const insertCadre = db.prepare('INSERT INTO cadres (learner_id, staff_no, name, department, phone, email, left_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      const insertAppt = db.prepare('INSERT INTO appointments (cadre_id, rank, rank_title, appointed_on, recorded_at) VALUES (?, ?, ?, ?, ?)');
      const insertAccount = db.prepare('INSERT INTO accounts (cadre_id, password_hash, initial_hash, must_change, issued_at) VALUES (?, ?, ?, 1, ?)');
      const update = db.prepare('UPDATE cadres SET name = ?, department = ?, phone = COALESCE(?, phone), email = COALESCE(?, email), left_on = ?, updated_at = ? WHERE id = ?');
      const closeSeries = db.prepare('UPDATE appointments SET left_on = ? WHERE cadre_id = ? AND appointed_on = ?');
      const created: number[] = [];
      toIssue.forEach((plan, i) => {
        const e = plan.entry;
        const learnerId = nextLearnerId(db, policy.learnerIdPrefix, ctx.today());
        const id = Number(insertCadre.run(learnerId, e.staffNo, e.name, e.department, e.phone, e.email, e.leftOn, now, now).lastInsertRowid);
        created.push(id);
        insertAppt.run(id, e.rank, e.rankTitle, e.appointedOn, now);
        insertAccount.run(id, hashes[i], hashes[i], now);
        issuedCreds.push({ learnerId, staffNo: e.staffNo, name: e.name, department: e.department, password: passwords[i] });
      });
      for (const plan of updates) {
        const e = plan.entry;
        const c = plan.change;
        update.run(e.name, e.department, e.phone, e.email, c.leftOn, now, plan.cadre.id);
        if (c.closeLatestOn !== null) closeSeries.run(c.closeLatestOn, plan.cadre.id, plan.cadre.service.appointments[plan.cadre.service.appointments.length - 1].appointedOn);
        if (c.newAppointment) insertAppt.run(plan.cadre.id, e.rank, e.rankTitle, e.appointedOn, now);
      }
      runId = recordJournal(db, ctx, {
        command: 'issue-accounts',
        args: {
          roster: opts.roster ? path.resolve(opts.roster) : 'interactive',
          out: creds?.target ?? null,
          skipInvalid: !!opts.skipInvalid,
          newPeople: !!opts.newPeople,
          ...(creds ? { run: creds.run } : {}),
          ...(updates.length ? { updated: updates.map((p) => ({ id: p.cadre.learnerId, changed: p.changed, ...(p.change.leaving ? { leaving: p.change.leaving, left_before: p.change.leftBefore } : {}) })) } : {}),
        },
        inputSha256: opts.roster ? read.sha256 : null,
        counts: summary,
        learnerIds: [...issuedCreds.map((c) => c.learnerId), ...updates.map((p) => p.cadre.learnerId)],
      });
      // The cadres this run created carry it, for --undo.
      const mark = db.prepare('UPDATE cadres SET issued_by = ? WHERE id = ?');
      for (const id of created) mark.run(runId, id);
      // Last before COMMIT: the passwords under their final name, then the rejected rows.
      creds?.place(issuedCreds);
      rejectedFile?.commit();
    }).immediate();
  } catch (e) {
    rejectedFile?.discard();
    throw withLeftover(e, creds?.rollback() ?? null, ctx);
  }
  try {
    creds?.committed();
    const { t } = ctx.tr;
    ctx.err.write(t('accounts.summary', summary) + '\n');
    if (rejectedFile) ctx.err.write(t('import.rejectedWritten', { file: rejectedFile.target }) + '\n');
    if (rejectedCount) ctx.err.write(t('accounts.partial', { rejected: rejectedCount }) + '\n');
    if (creds) ctx.err.write(t('accounts.credentialsWritten', { file: creds.target, count: issuedCreds.length }) + '\n');
    if (toIssue.length) ctx.err.write(t('accounts.run', { run: runId }) + '\n');
    for (const plan of updates) {
      const name = forTerminal(plan.entry.name, NAME_MAX);
      const id = plan.cadre.learnerId;
      const c = plan.change;
      if (c.leaving === 'reappointed') ctx.err.write(t('roster.reappointed', { id, name, left: c.leftBefore ?? '', date: plan.entry.appointedOn }) + '\n');
      else if (c.newAppointment) ctx.err.write(t('accounts.newTerm', { id, name, date: plan.entry.appointedOn }) + '\n');
      if (c.leaving === 'cleared') ctx.err.write(t('roster.leavingCleared', { id, name, left: c.leftBefore ?? '', column: read.shape.header('left_on') }) + '\n');
    }
  } catch (e) {
    throw afterCommit(e, creds?.target ?? null, ctx);
  }
  return 0;
}

/** What a plan does, row by row: two plans with one signature write the same. */
function planSignature(plans: Plan[], problems: Problem[]): string {
  const rows = plans.map((p) => {
    if (p.action === 'issue') return `${p.entry.line}:issue`;
    if (p.action === 'same') return `${p.entry.line}:same:${p.cadre.id}`;
    const c = p.change;
    return `${p.entry.line}:update:${p.cadre.id}:${p.changed.join('+')}:${c.leftOn}:${c.closeLatestOn}:${c.leaving}:${c.leftBefore}`;
  });
  return [...rows, ...problems.map((p) => `${p.line}:${p.reason.key}`)].join('|');
}

async function interactiveRead(ctx: Context, source: string, newPeople: boolean): Promise<RosterRead> {
  const entry = await askOneCadre(ctx);
  const keys = ['staff_no', 'name', 'department', 'rank', 'appointed_on', 'phone', 'email'];
  return {
    entries: [entry],
    problems: [],
    sha256: crypto.createHash('sha256').update(JSON.stringify(entry)).digest('hex'),
    names: [],
    rejected: [],
    records: new Map(),
    shape: { file: source, header: (key) => key, leftColumn: false, newPeople },
    columnOf: (key) => (keys.includes(key) ? keys.indexOf(key) + 1 : undefined),
  };
}

function rejectedRows(names: string[], rejected: { rec: TableRecord; problems: Problem[] }[], ctx: Context): string {
  const rows = [['line', ...names, 'reason'], ...rejected.map((r) => [String(r.rec.line), ...names.map((_, i) => r.rec.raw?.[i] ?? ''), r.problems.map((p) => formatProblem({ ...p, file: undefined, line: undefined }, ctx.tr)).join('; ')])];
  return BOM + toCsv(rows);
}

async function resetPasswords(opts: IssueOptions, ctx: Context, db: DB, outPath: string): Promise<number> {
  const index = loadCadres(db);
  const targets: CadreRow[] = [];
  const unknown: string[] = [];
  for (const raw of opts.reset ?? []) {
    const c = index.byLearnerId.get(raw.trim().toUpperCase());
    if (c) {
      if (!targets.includes(c)) targets.push(c);
    } else unknown.push(forTerminal(raw, 40));
  }
  if (unknown.length) throw new InputError(msg('audit.unknownLearners', { ids: unknown.join(', ') }), [], msg('audit.fix.unknownLearners'));
  // The account each reset replaces, as read now: another reset saved meanwhile makes this one stale.
  const current = db.prepare('SELECT password_hash FROM accounts WHERE cadre_id = ?').pluck();
  const before = targets.map((c) => (current.get(c.id) as string | undefined) ?? null);
  const creds = new CredentialsFile(outPath, db);
  const now = localTimestamp(ctx.now());
  try {
    const passwords = targets.map(() => generateInitialPassword());
    const hashes = await Promise.all(passwords.map((pw) => hashPassword(pw, INITIAL_HASH_PARAMS)));
    db.transaction(() => {
      targets.forEach((c, i) => {
        if (((current.get(c.id) as string | undefined) ?? null) !== before[i]) throw new InputError(msg('accounts.resetRace', { id: c.learnerId }), [], msg('accounts.fix.resetRace', { id: c.learnerId }));
      });
      const upd = db.prepare(
        `INSERT INTO accounts (cadre_id, password_hash, initial_hash, must_change, issued_at) VALUES (?, ?, ?, 1, ?)
         ON CONFLICT (cadre_id) DO UPDATE SET password_hash = excluded.password_hash, initial_hash = excluded.initial_hash,
           must_change = 1, issued_at = excluded.issued_at, changed_at = NULL, locked_until = NULL`,
      );
      targets.forEach((c, i) => upd.run(c.id, hashes[i], hashes[i], now));
      recordJournal(db, ctx, { command: 'issue-accounts --reset', args: { reset: targets.map((c) => c.learnerId), out: creds.target, run: creds.run }, counts: { reset: targets.length }, learnerIds: targets.map((c) => c.learnerId) });
      creds.place(targets.map((c, i) => ({ learnerId: c.learnerId, staffNo: c.staffNo, name: c.name, department: c.department, password: passwords[i] })));
    }).immediate();
  } catch (e) {
    throw withLeftover(e, creds.rollback(), ctx);
  }
  try {
    creds.committed();
    ctx.err.write(ctx.tr.t('accounts.resetDone', { count: targets.length }) + '\n');
    ctx.err.write(ctx.tr.t('accounts.credentialsWritten', { file: creds.target, count: targets.length }) + '\n');
  } catch (e) {
    throw afterCommit(e, creds.target, ctx);
  }
  return 0;
}

/** Why a cadre of the run stays: the first reason found, as a problem line. */
function blockOf(c: RosterRunCadre): Problem | null {
  const who = { id: c.learnerId, name: forTerminal(c.name, NAME_MAX) };
  if (c.records > 0) return { reason: msg('roster.undo.hasRecords', { ...who, count: c.records }) };
  if (c.exemptions > 0) return { reason: msg('roster.undo.hasExemptions', { ...who, count: c.exemptions }) };
  if (c.used > 0) return { reason: msg('roster.undo.used', who) };
  if (c.changed > 0) return { reason: msg('roster.undo.changedLater', who) };
  return null;
}

/**
 * `--undo RUN`: removes the cadres a mistaken run created, with their
 * appointments and accounts, while none of them has anything on file;
 * journaled. Checked once to refuse early, and again under the write lock.
 */
async function undoRun(raw: string, ctx: Context): Promise<number> {
  const text = String(raw).trim().replace(/^#/, '');
  if (!/^\d{1,15}$/.test(text)) throw new InputError(msg('roster.undo.badRun', { run: forTerminal(String(raw), 40) }), [], msg('roster.undo.fix.list'));
  const id = Number(text);
  const db = ctx.db();
  const check = (): { run: NonNullable<ReturnType<typeof rosterRun>>; cadres: RosterRunCadre[] } => {
    const run = rosterRun(db, id);
    if (!run) throw new InputError(msg('roster.undo.notFound', { run: id }), [], msg('roster.undo.fix.list'));
    const file = forTerminal(path.basename(run.roster), 120);
    if (run.undoneAt) throw new InputError(msg('roster.undo.already', { run: id, file, at: run.undoneAt }), [], msg('roster.undo.fix.list'));
    if (run.updated.length) {
      const shown = run.updated.slice(0, 5).join(', ') + (run.updated.length > 5 ? ` …(+${run.updated.length - 5})` : '');
      throw new InputError(msg('roster.undo.updatedCadres', { run: id, file, count: run.updated.length, ids: shown }), [], msg('roster.undo.fix.updatedCadres'));
    }
    const cadres = rosterRunCadres(db, id);
    if (!cadres.length) throw new InputError(msg('roster.undo.nothing', { run: id, file }), [], msg('roster.undo.fix.list'));
    const blocks = cadres.map(blockOf).filter((b): b is Problem => b !== null);
    if (blocks.length) throw new InputError(msg('roster.undo.blocked', { run: id, file, count: blocks.length, total: cadres.length }), blocks, msg('roster.undo.fix.blocked'));
    return { run, cadres };
  };
  const { run } = check();
  const result = writeTransaction(
    db,
    ctx,
    (r) => ({ command: 'issue-accounts --undo', args: { undo: id, roster: run.roster, out: run.out }, counts: { removed: r.learnerIds.length }, learnerIds: r.learnerIds }),
    () => {
      check();
      return undoRosterRun(db, id);
    },
  );
  const ids = result.learnerIds;
  const shown = ids.slice(0, 10).join(', ') + (ids.length > 10 ? ` …(+${ids.length - 10})` : '');
  ctx.err.write(ctx.tr.t('roster.undo.done', { run: id, file: forTerminal(path.basename(run.roster), 120), count: ids.length, ids: shown }) + '\n');
  if (run.out) ctx.err.write(ctx.tr.t('roster.undo.credentials', { file: forTerminal(run.out, 200) }) + '\n');
  return 0;
}

export type IssueAccountsOptions = IssueOptions;

export async function run(opts: IssueAccountsOptions, ctx: Context): Promise<number> {
  return runIssueAccounts(opts, ctx);
}
