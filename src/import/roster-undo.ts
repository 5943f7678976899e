/**
 * `issue-accounts --undo RUN`: removes the cadres a mistaken run created,
 * with their appointments and accounts, while none of them has anything on
 * file; journaled. Checked once to refuse early, and again under the write
 * lock. The rows are src/db/undo.ts's.
 */
import path from 'node:path';
import type { Context } from '../shell/context.js';
import { NAME_MAX } from '../core/roster.js';
import { forTerminal } from '../core/text.js';
import { writeTransaction } from '../db/journal.js';
import { rosterRun, rosterRunCadres, undoRosterRun, type RosterRun, type RosterRunCadre } from '../db/undo.js';
import { InputError, msg, type Problem } from '../errors.js';
import { readableTime } from '../local-time.js';

/** Why a cadre of the run stays: the first reason found, as a problem line. */
function blockOf(c: RosterRunCadre): Problem | null {
  const who = { id: c.learnerId, name: forTerminal(c.name, NAME_MAX) };
  if (c.records > 0) return { reason: msg('roster.undo.hasRecords', { ...who, count: c.records }) };
  if (c.exemptions > 0) return { reason: msg('roster.undo.hasExemptions', { ...who, count: c.exemptions }) };
  if (c.used > 0) return { reason: msg('roster.undo.used', who) };
  if (c.changed > 0) return { reason: msg('roster.undo.changedLater', who) };
  return null;
}

/** Undoes the run `raw` names (`12` or `#12`); returns the run and the learner IDs removed. Refuses (exit 2) a run it cannot undo. */
export function undoRosterRunChecked(raw: string, ctx: Context): { id: number; run: RosterRun; learnerIds: string[] } {
  const text = String(raw).trim().replace(/^#/, '');
  if (!/^\d{1,15}$/.test(text)) throw new InputError(msg('roster.undo.badRun', { run: forTerminal(String(raw), 40) }), [], msg('roster.undo.fix.list'));
  const id = Number(text);
  const db = ctx.db();
  const check = (): { run: RosterRun; cadres: RosterRunCadre[] } => {
    const run = rosterRun(db, id);
    if (!run) throw new InputError(msg('roster.undo.notFound', { run: id }), [], msg('roster.undo.fix.list'));
    const file = forTerminal(path.basename(run.roster), 120);
    if (run.undoneAt) throw new InputError(msg('roster.undo.already', { run: id, file, at: readableTime(run.undoneAt) }), [], msg('roster.undo.fix.list'));
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
  return { id, run, learnerIds: result.learnerIds };
}
