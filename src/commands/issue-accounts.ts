/**
 * `cadre issue-accounts ROSTER`: creates cadres, their appointments and
 * accounts from the HR roster; safe to re-run; `--reset` re-issues initial
 * passwords; `--interactive` asks for one cadre.
 *
 * Passwords are generated and hashed before the write transaction (hashing is
 * async, on libuv's thread pool); the credentials file is written to a
 * temporary name first and renamed only after the commit, so a failure leaves
 * neither accounts without a file nor a file without accounts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateInitialPassword, hashPassword, INITIAL_HASH_PARAMS } from '../auth/password.js';
import { localTimestamp, type Context } from '../cli/context.js';
import type { IsoDate } from '../core/dates.js';
import { readRank, type Rank } from '../core/policy.js';
import { parseDate, parseIdentifier } from '../core/values.js';
import { loadCadres, type CadreIndex, type CadreRow } from '../db/cadres.js';
import { recordJournal } from '../db/journal.js';
import type { DB } from '../db/open.js';
import { InputError, UsageError, msg, type Problem } from '../errors.js';
import { BOM, toCsv } from '../io/csv-out.js';
import { openTable, type TableRecord } from '../io/table.js';
import { readText } from '../import/cells.js';
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

type Plan =
  | { action: 'issue'; entry: RosterEntry }
  | { action: 'update'; entry: RosterEntry; cadre: CadreRow; newTerm: boolean; changed: string[] }
  | { action: 'same'; entry: RosterEntry; cadre: CadreRow };

export interface IssueOptions {
  roster?: string;
  out?: string;
  skipInvalid?: boolean;
  dryRun?: boolean;
  reset?: string[];
  interactive?: boolean;
}

/** Validates one roster row into an entry, adding problems otherwise. */
export function readRosterRow(rec: TableRecord, p: RowProblems, ctx: Context): RosterEntry | null {
  const policy = ctx.policy();
  const today = ctx.today();
  const staff = parseIdentifier(rec.cells.staff_no ?? '', 'staff_no');
  if (!staff.ok) p.add('staff_no', staff.reason);
  const name = readText(rec.cells.name, 50);
  if (!name.ok) p.add('name', name.reason);
  const dept = readText(rec.cells.department, 100);
  if (!dept.ok) p.add('department', dept.reason);
  const rankRaw = (rec.cells.rank ?? '').trim();
  const rank = readRank(rankRaw, policy);
  if (!rank.ok) {
    p.add('rank', rank.refused ? msg('roster.rankAbove', { rank: rankRaw }) : msg('roster.rankUnknown', { rank: rankRaw }), rank.refused ? msg('roster.fix.rankAbove') : msg('roster.fix.rankUnknown'));
  }
  const appointed = parseDate(rec.cells.appointed_on ?? '');
  if (!appointed.ok) p.add('appointed_on', appointed.reason);
  else if (appointed.value > today) p.add('appointed_on', msg('row.dateFuture', { date: appointed.value, today }), msg('roster.fix.appointedFuture'));
  const optional = (key: string, max: number) => {
    const raw = rec.cells[key];
    if (raw === undefined || raw.trim() === '') return null;
    const r = readText(raw, max);
    if (!r.ok) return p.add(key, r.reason), null;
    return r.value;
  };
  const phone = optional('phone', 40);
  const email = optional('email', 120);
  if (email !== null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) p.add('email', msg('roster.badEmail', { email }));
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

/** What re-running the roster does for each entry; problems for rows that cannot apply. */
export function planRoster(entries: RosterEntry[], index: CadreIndex, file: string): { plans: Plan[]; problems: Problem[] } {
  const plans: Plan[] = [];
  const problems: Problem[] = [];
  for (const entry of entries) {
    const cadre = index.byStaffNo.get(entry.staffNo);
    if (!cadre) {
      plans.push({ action: 'issue', entry });
      continue;
    }
    const appts = cadre.service.appointments;
    const latest = appts[appts.length - 1];
    let newTerm = false;
    if (entry.appointedOn > latest.appointedOn) newTerm = true;
    else if (entry.appointedOn === latest.appointedOn) {
      if (entry.rank !== latest.rank) {
        problems.push({ file, line: entry.line, columnName: 'rank', reason: msg('roster.rankChangedSameDate', { staffNo: entry.staffNo, date: entry.appointedOn }), fix: msg('roster.fix.rankChangedSameDate') });
        continue;
      }
    } else if (!appts.some((a) => a.appointedOn === entry.appointedOn && a.rank === entry.rank)) {
      problems.push({ file, line: entry.line, columnName: 'appointed_on', reason: msg('roster.appointmentEarlier', { staffNo: entry.staffNo, date: entry.appointedOn, latest: latest.appointedOn }), fix: msg('roster.fix.appointmentEarlier') });
      continue;
    }
    const changed: string[] = [];
    if (entry.name !== cadre.name) changed.push('name');
    if (entry.department !== cadre.department) changed.push('department');
    if (entry.phone !== null && entry.phone !== cadre.phone) changed.push('phone');
    if (entry.email !== null && entry.email !== cadre.email) changed.push('email');
    if ((entry.leftOn ?? null) !== cadre.leftOn && entry.leftOn !== null) changed.push('left_on');
    if (newTerm) changed.push('appointment');
    plans.push(changed.length ? { action: 'update', entry, cadre, newTerm, changed } : { action: 'same', entry, cadre });
  }
  return { plans, problems };
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

/** The credentials file: never overwrites, mode 0600, UTF-8 with BOM. Written to a temp name until committed. */
class CredentialsFile {
  readonly tmp: string;
  constructor(readonly target: string) {
    if (fs.existsSync(target)) throw new UsageError(msg('accounts.outExists', { file: target }), msg('accounts.fix.outExists'));
    this.tmp = `${target}.${process.pid}.tmp`;
  }
  write(creds: Credential[]): void {
    const rows = [['learner_id', 'staff_no', 'name', 'department', 'initial_password'], ...creds.map((c) => [c.learnerId, c.staffNo, c.name, c.department, c.password])];
    const fd = fs.openSync(this.tmp, 'wx', 0o600);
    try {
      fs.writeSync(fd, BOM + toCsv(rows));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
  commit(): void {
    // link + unlink instead of rename: never replaces a file that appeared meanwhile.
    fs.linkSync(this.tmp, this.target);
    fs.unlinkSync(this.tmp);
  }
  discard(): void {
    fs.rmSync(this.tmp, { force: true });
  }
}

function defaultCredentialsPath(ctx: Context): string {
  const stamp = localTimestamp(ctx.now()).slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return path.join(ctx.cwd, `credentials-${stamp}.csv`);
}

async function readRoster(file: string, ctx: Context, skipInvalid: boolean): Promise<{ entries: RosterEntry[]; problems: Problem[]; sha256: string; names: string[]; rejected: { rec: TableRecord; problems: Problem[] }[] }> {
  const { header, records } = await openTable(file, ROSTER_SPEC);
  if (header.unknown.length) ctx.warn(ctx.tr.t('import.unknownColumns', { file, columns: header.unknown.join(', ') }));
  const entries: RosterEntry[] = [];
  const problems: Problem[] = [];
  const rejected: { rec: TableRecord; problems: Problem[] }[] = [];
  const seen = new Map<string, number>();
  for await (const rec of records) {
    const p = new RowProblems(file, rec);
    if (rec.problem) p.list.push(rec.problem);
    const entry = rec.problem ? null : readRosterRow(rec, p, ctx);
    if (entry) {
      const first = seen.get(entry.staffNo);
      if (first !== undefined) p.add('staff_no', msg('roster.duplicateStaff', { staffNo: entry.staffNo, line: first }), msg('roster.fix.duplicateStaff'));
      else seen.set(entry.staffNo, entry.line);
    }
    if (entry && p.ok) entries.push(entry);
    else {
      problems.push(...p.list);
      rejected.push({ rec, problems: p.list });
    }
  }
  if (problems.length && !skipInvalid) throw new InputError(msg('roster.refused', { file, count: rejected.length }), problems, msg('import.fix.refused'));
  return { entries, problems, sha256: header.sha256, names: header.names, rejected };
}

async function askOneCadre(ctx: Context): Promise<RosterEntry> {
  const prompt = await ctx.prompter();
  const { t } = ctx.tr;
  const validate = (key: string) => (v: string) => {
    const fake: TableRecord = { line: 1, cells: { [key]: v }, raw: [v], columnOf: () => 1 };
    const p = new RowProblems('-', fake);
    if (key === 'staff_no') {
      const r = parseIdentifier(v, 'staff_no');
      if (!r.ok) return ctx.tr.m(r.reason);
    } else if (key === 'appointed_on') {
      const r = parseDate(v);
      if (!r.ok) return ctx.tr.m(r.reason);
    } else {
      const r = readText(v, 100);
      if (!r.ok) return ctx.tr.m(r.reason);
    }
    return p.ok ? true : ctx.tr.m(p.list[0].reason);
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

export async function runIssueAccounts(opts: IssueOptions, ctx: Context): Promise<number> {
  const modes = [opts.roster !== undefined, !!opts.reset?.length, !!opts.interactive].filter(Boolean).length;
  if (modes !== 1) throw new UsageError(msg('accounts.oneMode'), msg('accounts.fix.oneMode'));
  const db = ctx.db({ create: true });
  const policy = ctx.policy();
  if (opts.reset?.length) return resetPasswords(opts, ctx, db);

  const source = opts.roster ?? ctx.tr.t('prompt.source');
  const read = opts.roster
    ? await readRoster(opts.roster, ctx, !!opts.skipInvalid)
    : { entries: [await askOneCadre(ctx)], problems: [], sha256: null, names: [], rejected: [] };
  const index = loadCadres(db);
  const { plans, problems: planProblems } = planRoster(read.entries, index, source);
  if (planProblems.length && !opts.skipInvalid) throw new InputError(msg('roster.refused', { file: source, count: planProblems.length }), planProblems, msg('import.fix.refused'));
  const rejectedCount = read.rejected.length + planProblems.length;
  for (const pr of [...read.problems, ...planProblems].slice(0, 20)) ctx.warn(formatProblem(pr, ctx.tr));

  const toIssue = plans.filter((p): p is Extract<Plan, { action: 'issue' }> => p.action === 'issue');
  const summary = {
    issued: toIssue.length,
    already: plans.filter((p) => p.action === 'same').length,
    updated: plans.filter((p) => p.action === 'update').length,
    rejected: rejectedCount,
  };
  if (opts.dryRun) {
    ctx.err.write(ctx.tr.t('accounts.dryRun') + '\n' + ctx.tr.t('accounts.summary', summary) + '\n');
    return rejectedCount ? 2 : 0;
  }
  const passwords = toIssue.map(() => generateInitialPassword());
  const hashes = await Promise.all(passwords.map((pw) => hashPassword(pw, INITIAL_HASH_PARAMS)));
  const creds = toIssue.length ? new CredentialsFile(path.resolve(ctx.cwd, opts.out ?? defaultCredentialsPath(ctx))) : null;
  const issuedCreds: Credential[] = [];
  const now = localTimestamp(ctx.now());
  try {
    db.transaction(() => {
      const insertCadre = db.prepare('INSERT INTO cadres (learner_id, staff_no, name, department, phone, email, left_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      const insertAppt = db.prepare('INSERT INTO appointments (cadre_id, rank, rank_title, appointed_on, recorded_at) VALUES (?, ?, ?, ?, ?)');
      const insertAccount = db.prepare('INSERT INTO accounts (cadre_id, password_hash, initial_hash, must_change, issued_at) VALUES (?, ?, ?, 1, ?)');
      const update = db.prepare('UPDATE cadres SET name = ?, department = ?, phone = COALESCE(?, phone), email = COALESCE(?, email), left_on = COALESCE(?, left_on), updated_at = ? WHERE id = ?');
      const existsStaff = db.prepare('SELECT 1 FROM cadres WHERE staff_no = ?');
      toIssue.forEach((plan, i) => {
        const e = plan.entry;
        if (existsStaff.get(e.staffNo)) throw new InputError(msg('accounts.concurrent', { staffNo: e.staffNo }), [], msg('accounts.fix.concurrent'));
        const learnerId = nextLearnerId(db, policy.learnerIdPrefix, ctx.today());
        const id = Number(insertCadre.run(learnerId, e.staffNo, e.name, e.department, e.phone, e.email, e.leftOn, now, now).lastInsertRowid);
        insertAppt.run(id, e.rank, e.rankTitle, e.appointedOn, now);
        insertAccount.run(id, hashes[i], hashes[i], now);
        issuedCreds.push({ learnerId, staffNo: e.staffNo, name: e.name, department: e.department, password: passwords[i] });
      });
      for (const plan of plans) {
        if (plan.action !== 'update') continue;
        const e = plan.entry;
        update.run(e.name, e.department, e.phone, e.email, e.leftOn, now, plan.cadre.id);
        if (plan.newTerm) insertAppt.run(plan.cadre.id, e.rank, e.rankTitle, e.appointedOn, now);
      }
      if (creds) creds.write(issuedCreds);
      recordJournal(db, ctx, {
        command: 'issue-accounts',
        args: { roster: opts.roster ? path.resolve(opts.roster) : 'interactive', out: creds?.target ?? null, skipInvalid: !!opts.skipInvalid },
        inputSha256: read.sha256,
        counts: summary,
        learnerIds: [...issuedCreds.map((c) => c.learnerId), ...plans.filter((p) => p.action === 'update').map((p) => (p as { cadre: CadreRow }).cadre.learnerId)],
      });
    }).immediate();
  } catch (e) {
    creds?.discard();
    throw e;
  }
  creds?.commit();
  if (opts.skipInvalid && opts.roster && read.rejected.length) writeRejectedRoster(opts.roster, read.names, read.rejected, ctx);
  ctx.err.write(ctx.tr.t('accounts.summary', summary) + '\n');
  if (creds) ctx.err.write(ctx.tr.t('accounts.credentialsWritten', { file: creds.target, count: issuedCreds.length }) + '\n');
  for (const plan of plans) {
    if (plan.action === 'update' && plan.newTerm) ctx.err.write(ctx.tr.t('accounts.newTerm', { id: plan.cadre.learnerId, name: plan.entry.name, date: plan.entry.appointedOn }) + '\n');
  }
  return 0;
}

function writeRejectedRoster(file: string, names: string[], rejected: { rec: TableRecord; problems: Problem[] }[], ctx: Context): void {
  const target = rejectedPathFor(file);
  const rows = [['line', ...names, 'reason'], ...rejected.map((r) => [String(r.rec.line), ...names.map((_, i) => r.rec.raw?.[i] ?? ''), r.problems.map((p) => formatProblem({ ...p, file: undefined, line: undefined }, ctx.tr)).join('; ')])];
  fs.writeFileSync(target, BOM + toCsv(rows), { mode: 0o600 });
  ctx.err.write(ctx.tr.t('import.rejectedWritten', { file: target }) + '\n');
}

async function resetPasswords(opts: IssueOptions, ctx: Context, db: DB): Promise<number> {
  const index = loadCadres(db);
  const targets: CadreRow[] = [];
  const unknown: string[] = [];
  for (const raw of opts.reset ?? []) {
    const c = index.byLearnerId.get(raw.trim().toUpperCase());
    if (c) targets.push(c);
    else unknown.push(raw);
  }
  if (unknown.length) throw new InputError(msg('audit.unknownLearners', { ids: unknown.join(', ') }), [], msg('audit.fix.unknownLearners'));
  const passwords = targets.map(() => generateInitialPassword());
  const hashes = await Promise.all(passwords.map((pw) => hashPassword(pw, INITIAL_HASH_PARAMS)));
  const creds = new CredentialsFile(path.resolve(ctx.cwd, opts.out ?? defaultCredentialsPath(ctx)));
  const now = localTimestamp(ctx.now());
  try {
    db.transaction(() => {
      const upd = db.prepare(
        `INSERT INTO accounts (cadre_id, password_hash, initial_hash, must_change, issued_at) VALUES (?, ?, ?, 1, ?)
         ON CONFLICT (cadre_id) DO UPDATE SET password_hash = excluded.password_hash, initial_hash = excluded.initial_hash,
           must_change = 1, issued_at = excluded.issued_at, changed_at = NULL, locked_until = NULL`,
      );
      targets.forEach((c, i) => upd.run(c.id, hashes[i], hashes[i], now));
      creds.write(targets.map((c, i) => ({ learnerId: c.learnerId, staffNo: c.staffNo, name: c.name, department: c.department, password: passwords[i] })));
      recordJournal(db, ctx, { command: 'issue-accounts --reset', args: { reset: targets.map((c) => c.learnerId), out: creds.target }, counts: { reset: targets.length }, learnerIds: targets.map((c) => c.learnerId) });
    }).immediate();
  } catch (e) {
    creds.discard();
    throw e;
  }
  creds.commit();
  ctx.err.write(ctx.tr.t('accounts.resetDone', { count: targets.length }) + '\n');
  ctx.err.write(ctx.tr.t('accounts.credentialsWritten', { file: creds.target, count: targets.length }) + '\n');
  return 0;
}

export type IssueAccountsOptions = IssueOptions;

export async function run(opts: IssueAccountsOptions, ctx: Context): Promise<number> {
  return runIssueAccounts(opts, ctx);
}
