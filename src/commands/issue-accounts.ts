/**
 * `cadre issue-accounts ROSTER`: creates cadres, their appointments and
 * accounts from the HR roster; safe to re-run; `--reset` re-issues initial
 * passwords; `--interactive` asks for one cadre; `--undo RUN` removes the
 * cadres a mistaken run created (src/import/roster-undo.ts).
 *
 * - The roster's rows are read by src/import/kinds/roster.ts and planned by
 *   src/core/roster.ts: a row whose staff number is new but looks like a
 *   cadre on file is refused unless `--new-people` confirms that such rows
 *   are new people (a number that only lost its zeros on a row with the
 *   cadre's own name and department is the same person and always refused).
 * - Passwords are generated and hashed before the write transaction (hashing
 *   is async, on libuv's thread pool). The credentials file is claimed
 *   inside the transaction, just before COMMIT, and a killed run's file is
 *   removed by the next run: src/import/credentials.ts.
 * - Each run is an entry of the journal; the cadres it creates carry its id
 *   (`issued_by`), for `--undo`.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { generateInitialPassword, hashPasswords, hashPasswordsPacked, InitialPasswords, INITIAL_HASH_PARAMS } from '../auth/password.js';
import { type Context } from '../shell/context.js';
import { localTimestamp } from '../local-time.js';
import { ProblemTally } from '../shell/report-error.js';
import { preferLeanHeap } from '../shell/small-heap.js';
import { hintIdsInCsv } from '../shell/render.js';
import { NAME_MAX, planRoster, planSignature, type RosterEntry, type RosterPlan } from '../core/roster.js';
import { forTerminal } from '../core/text.js';
import { passwordHashReader, resetAccounts } from '../db/accounts.js';
import { findCadre, loadCadres, markIssuedBy, rosterVersion, type CadreIndex, type CadreRow } from '../db/cadres.js';
import { recordJournal } from '../db/journal.js';
import type { DB } from '../db/open.js';
import { CancelledError, InputError, UsageError, msg, type Problem } from '../errors.js';
import { afterCommit, CredentialsFile, defaultCredentialsPath, openAtomic, sweepBefore, withLeftover } from '../import/credentials.js';
import { interactiveRead, PackedEntries, readRoster, rejectedRows, writeRoster, type RejectedRow, type RosterRead } from '../import/kinds/roster.js';
import { rejectedPathFor } from '../import/pipeline.js';
import { undoRosterRunChecked } from '../import/roster-undo.js';

type Plan = RosterPlan<CadreRow>;
type Update = Extract<Plan, { action: 'update' }>;

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

async function resetPasswords(opts: IssueOptions, ctx: Context, db: DB, outPath: string): Promise<number> {
  const index = loadCadres(db);
  const targets: CadreRow[] = [];
  const unknown: string[] = [];
  for (const raw of opts.reset ?? []) {
    const c = findCadre(index, raw);
    if (c) {
      if (!targets.includes(c)) targets.push(c);
    } else unknown.push(forTerminal(raw, 40));
  }
  if (unknown.length) throw new InputError(msg('audit.unknownLearners', { ids: unknown.join(', ') }), [], msg('audit.fix.unknownLearners'));
  // The account each reset replaces, as read now: another reset saved meanwhile makes this one stale.
  const current = passwordHashReader(db);
  const before = targets.map((c) => current(c.id));
  const creds = new CredentialsFile(outPath, db);
  const now = localTimestamp(ctx.now());
  try {
    const passwords = targets.map(() => generateInitialPassword());
    const hashes = await hashPasswords(passwords, INITIAL_HASH_PARAMS);
    db.transaction(() => {
      targets.forEach((c, i) => {
        if (current(c.id) !== before[i]) throw new InputError(msg('accounts.resetRace', { id: c.learnerId }), [], msg('accounts.fix.resetRace', { id: c.learnerId }));
      });
      resetAccounts(db, targets.map((c, i) => ({ cadreId: c.id, hash: hashes[i] })), now);
      recordJournal(db, ctx, { command: 'issue-accounts --reset', args: { reset: targets.map((c) => c.learnerId), out: creds.target, run: creds.run }, counts: { reset: targets.length }, learnerIds: targets.map((c) => c.learnerId) });
      creds.place(targets.length, (i) => ({ learnerId: targets[i].learnerId, staffNo: targets[i].staffNo, name: targets[i].name, department: targets[i].department, password: passwords[i] }), ctx.tr);
    }).immediate();
  } catch (e) {
    throw withLeftover(e, creds.rollback(), ctx);
  }
  try {
    creds.committed();
    ctx.err.write(ctx.tr.t('accounts.resetDone', { count: targets.length }) + '\n');
    ctx.err.write(ctx.tr.t('accounts.credentialsWritten', { file: creds.target, count: targets.length }) + '\n');
    hintIdsInCsv(ctx, creds.target, targets.map((c) => c.staffNo));
  } catch (e) {
    throw afterCommit(e, creds.target, ctx);
  }
  return 0;
}

/** `--undo RUN`: src/import/roster-undo.ts does it; this says what was done. */
async function undoRun(raw: string, ctx: Context): Promise<number> {
  const { id, run, learnerIds: ids } = undoRosterRunChecked(raw, ctx);
  const shown = ids.slice(0, 10).join(', ') + (ids.length > 10 ? ` …(+${ids.length - 10})` : '');
  ctx.err.write(ctx.tr.t('roster.undo.done', { run: id, file: forTerminal(path.basename(run.roster), 120), count: ids.length, ids: shown }) + '\n');
  if (run.out) ctx.err.write(ctx.tr.t('roster.undo.credentials', { file: forTerminal(run.out, 200) }) + '\n');
  return 0;
}

/** Shows the one cadre typed at the prompts and what issuing will do; true when the user confirms (a cadre already on file as typed: nothing to confirm). */
async function confirmInteractive(plan: Plan, ctx: Context): Promise<boolean> {
  const { t } = ctx.tr;
  const e = plan.entry;
  const fields: [string, string][] = [
    ['staff_no', e.staffNo],
    ['name', e.name],
    ['department', e.department],
    ['rank', e.rankTitle === t(`rank.${e.rank}`) ? e.rankTitle : t('forgive.rankTitle', { title: e.rankTitle, rank: t(`rank.${e.rank}`) })],
    ['appointed_on', e.appointedOn],
    ['phone', e.phone ?? ''],
    ['email', e.email ?? ''],
  ];
  const lines = fields.map(([key, value]) => t('forgive.interactive.field', { field: t(`forgive.field.${key}`), value: value || t('forgive.interactive.none') }));
  const action = plan.action === 'issue'
    ? t('forgive.interactive.willIssue')
    : plan.action === 'update'
      ? t('forgive.interactive.willUpdate', { id: plan.cadre.learnerId, changed: plan.changed.map((k) => t(`forgive.field.${k}`)).join(t('forgive.listSeparator')) })
      : t('forgive.interactive.same', { id: plan.cadre.learnerId });
  ctx.err.write([t('forgive.interactive.summary'), ...lines, action].join('\n') + '\n');
  if (plan.action === 'same') return true;
  const prompt = await ctx.prompter();
  return prompt.confirm({ message: t(plan.action === 'issue' ? 'forgive.interactive.confirmIssue' : 'forgive.interactive.confirmUpdate'), default: true });
}

/** What the run will do, as held from planning to the write: no plan objects, no cadres on file (the write plans again if the roster changed meanwhile). */
interface Planned {
  /** The places in the roster's entries of those planned `issue`, in order. */
  toIssue: Int32Array;
  updates: Update[];
  /** The SHA-256 of the plan's planSignature, for the write to compare. */
  signature: string;
  /** The rows refused by the plan (with --skip-invalid) and by the reading, in line order. */
  rejected: RejectedRow[];
  rejectedCount: number;
  summary: { issued: number; already: number; updated: number; rejected: number };
  /** The one plan of a cadre typed at the prompts. */
  only: Plan | null;
}

/** Entries planned at a time: each entry's plan is its own, so a province's roster is planned in pieces. */
const PLAN_CHUNK = 65_536;

/** What planRoster says of the whole roster, kept compactly. */
interface Planning {
  /** The places of the entries planned `issue`, in order. */
  issue: Int32Array;
  updates: Update[];
  same: number;
  problems: Problem[];
  lookalikes: number;
  /**
   * The SHA-256 of the plan's planSignature (a province's is some 4 MB of
   * text): the same text, made a piece at a time, the rows, then the
   * problems, joined by `|`.
   */
  signature: string;
  /** The plan, when there is only one (a cadre typed at the prompts). */
  only: Plan | null;
}

/** planRoster over the packed entries, PLAN_CHUNK at a time, each piece let go once what it plans is kept. */
function planPacked(entries: PackedEntries, index: CadreIndex, read: RosterRead): Planning {
  const sha = crypto.createHash('sha256');
  let parts = 0;
  const put = (part: string): void => {
    if (part === '') return;
    if (parts++) sha.update('|');
    sha.update(part);
  };
  const issue: number[] = [];
  const updates: Update[] = [];
  const problems: Problem[] = [];
  let same = 0;
  let lookalikes = 0;
  let plans = 0;
  let first: Plan | null = null;
  for (let from = 0; from < entries.length; from += PLAN_CHUNK) {
    const chunk = entries.slice(from, from + PLAN_CHUNK);
    const r = planRoster(chunk, index, read.shape, read.columnOf);
    // Plans come in the entries' order, without the entries refused.
    let j = 0;
    for (const p of r.plans) {
      while (chunk[j] !== p.entry) j++;
      if (p.action === 'issue') issue.push(from + j);
      else if (p.action === 'update') updates.push(p);
      else same++;
      j++;
    }
    first ??= r.plans[0] ?? null;
    plans += r.plans.length;
    put(planSignature(r.plans, []));
    for (const p of r.problems) problems.push(p);
    lookalikes += r.lookalikes;
  }
  put(planSignature([], problems));
  return { issue: Int32Array.from(issue), updates, same, problems, lookalikes, signature: sha.digest('hex'), only: plans === 1 ? first : null };
}

function planRun(read: RosterRead, index: CadreIndex, opts: IssueOptions, source: string, ctx: Context): Planned {
  const { issue, updates, same, problems: planProblems, lookalikes, signature, only } = planPacked(read.entries, index, read);
  if (planProblems.length && !opts.skipInvalid) {
    const count = read.rejected.length + new Set(planProblems.map((p) => p.line)).size;
    if (lookalikes) throw new InputError(msg('roster.refusedLookalike', { file: source, count, lookalikes }), [...read.problems, ...planProblems], msg('roster.fix.refusedLookalike'));
    throw new InputError(msg('roster.refused', { file: source, count }), [...read.problems, ...planProblems], msg('import.fix.refused'));
  }
  const planRejected = [...new Set(planProblems.map((p) => p.line!))].map((line) => ({ line, raw: read.raws.get(line), problems: planProblems.filter((p) => p.line === line) }));
  const rejected = [...read.rejected, ...planRejected.flatMap(({ line, raw, problems }) => (raw ? [{ rec: { line, raw }, problems }] : []))].sort((a, b) => a.rec.line - b.rec.line);
  const rejectedCount = read.rejected.length + planRejected.length;
  const warnings = [...read.problems, ...planProblems];
  for (const line of ProblemTally.of(warnings).lines(ctx.tr, 20)) ctx.warn(line);
  return {
    toIssue: issue,
    updates,
    signature,
    rejected,
    rejectedCount,
    summary: { issued: issue.length, already: same, updated: updates.length, rejected: rejectedCount },
    only,
  };
}

export async function runIssueAccounts(opts: IssueOptions, ctx: Context): Promise<number> {
  const modes = [opts.roster !== undefined, !!opts.reset?.length, !!opts.interactive, opts.undo !== undefined].filter(Boolean).length;
  if (modes !== 1) throw new UsageError(msg('accounts.oneMode'), msg('accounts.fix.oneMode'));
  if (opts.undo !== undefined) return undoRun(opts.undo, ctx);
  const db = ctx.db(opts.dryRun ? { readOnly: true, missingAsEmpty: true } : { create: !opts.reset?.length });
  const policy = ctx.policy();
  const outPath = path.resolve(ctx.cwd, opts.out ?? defaultCredentialsPath(ctx));
  if (!opts.dryRun) for (const file of sweepBefore(db, path.dirname(outPath))) ctx.warn(ctx.tr.t('accounts.staleCredentials', { file }));
  if (opts.reset?.length) return resetPasswords(opts, ctx, db, outPath);

  // A province's roster is held from its reading to its write: the heap grows by a fifth at each collection, not by up to four times.
  if (opts.roster) preferLeanHeap();
  const source = opts.roster ?? ctx.tr.t('prompt.source');
  const read: RosterRead = opts.roster
    ? await readRoster(opts.roster, ctx, !!opts.skipInvalid, !!opts.newPeople)
    : await interactiveRead(ctx, source, !!opts.newPeople);
  const version = rosterVersion(db);
  const { toIssue: issueAt, signature, rejected, rejectedCount, summary, only, ...planned } = planRun(read, loadCadres(db), opts, source, ctx);
  let updates = planned.updates;
  // The rows as read are needed no more: only the refused ones, kept in `rejected`.
  read.raws.clear();
  const entries = read.entries;
  const toIssue = { length: issueAt.length, at: (i: number): RosterEntry => entries.at(issueAt[i]) };
  // One cadre at the prompts: what was typed and what it will do, confirmed before anything is written.
  if (opts.interactive && !opts.dryRun && only && !(await confirmInteractive(only, ctx))) throw new CancelledError();
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
  let learnerIds: string[] = [];
  let passwords = new InitialPasswords(0);
  const now = localTimestamp(ctx.now());
  let runId = 0;
  try {
    passwords = new InitialPasswords(toIssue.length);
    const hashes = await hashPasswordsPacked(passwords, INITIAL_HASH_PARAMS);
    db.transaction(() => {
      if (rosterVersion(db) !== version) {
        // Another roster run or undo committed meanwhile: this run stands only if it still means the same.
        const again = planPacked(entries, loadCadres(db), read);
        if (again.signature !== signature) throw new InputError(msg('accounts.concurrentRoster'), [], msg('accounts.fix.concurrent'));
        updates = again.updates;
      }
      const written = writeRoster(db, { issue: toIssue, update: updates }, hashes, { learnerIdPrefix: policy.learnerIdPrefix, today: () => ctx.today(), now });
      learnerIds = written.learnerIds;
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
        learnerIds: [...learnerIds, ...updates.map((p) => p.cadre.learnerId)],
      });
      // The cadres this run created carry it, for --undo.
      markIssuedBy(db, runId, written.created);
      // Last before COMMIT: the passwords under their final name, then the rejected rows.
      creds?.place(
        toIssue.length,
        (i) => {
          const e = toIssue.at(i);
          return { learnerId: learnerIds[i], staffNo: e.staffNo, name: e.name, department: e.department, password: passwords.at(i) };
        },
        ctx.tr,
      );
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
    if (rejectedFile) hintIdsInCsv(ctx, rejectedFile.target, rejected.flatMap((r) => r.rec.raw ?? []));
    if (rejectedCount) ctx.err.write(t('accounts.partial', { rejected: rejectedCount }) + '\n');
    if (creds) ctx.err.write(t('accounts.credentialsWritten', { file: creds.target, count: learnerIds.length }) + '\n');
    if (creds) hintIdsInCsv(ctx, creds.target, Array.from({ length: toIssue.length }, (_, i) => toIssue.at(i).staffNo));
    if (toIssue.length) ctx.err.write(t('accounts.run', { run: runId }) + '\n');
    // At the prompts the new initial password is shown once, on stdout (it is also in the credentials file).
    if (opts.interactive) learnerIds.forEach((id, i) => ctx.out.write(t('forgive.interactive.password', { id, name: toIssue.at(i).name, password: passwords.at(i) }) + '\n'));
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

export type IssueAccountsOptions = IssueOptions;

export async function run(opts: IssueAccountsOptions, ctx: Context): Promise<number> {
  return runIssueAccounts(opts, ctx);
}
