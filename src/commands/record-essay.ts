/**
 * `cadre record-essay`: one reviewed reflection or research report. With
 * --file the tool counts 字数 itself; an essay below the minimum for the
 * cadre's rank at the submission date is refused, saying both numbers.
 */
import type { Context } from '../shell/context.js';
import { minCharsFor, readChars, type EssayKind, type EssayStatus } from '../core/essays.js';
import { parseDate } from '../core/values.js';
import { findCadre, loadCadres } from '../db/cadres.js';
import { insertEssay, type EssayInput } from '../db/essays.js';
import { writeTransaction } from '../db/journal.js';
import { InputError, UsageError, msg } from '../errors.js';
import { readText } from '../import/cells.js';
import { countEssayFile } from '../import/kinds/essays.js';
import { RowEnv } from '../import/row-context.js';
import { rankText } from '../report/audit-view.js';
import { indexAndCheck } from '../db/similarity.js';
import { localTimestamp } from '../local-time.js';
import { reportCheck, similarityArgs } from './shared/similarity-view.js';
import { countedOn } from '../core/review.js';
import { resubmitTarget } from '../db/reviews.js';
import type { IsoDate } from '../core/dates.js';

export interface RecordEssayOptions {
  learnerId: string;
  kind: EssayKind;
  title: string;
  submittedOn: string;
  chars?: string;
  file?: string;
  status: EssayStatus;
  /** The ID of the returned (退回修改) essay this one resubmits. */
  resubmits?: string;
}

export async function run(opts: RecordEssayOptions, ctx: Context): Promise<number> {
  const { learnerId } = opts;
  const { t } = ctx.tr;
  // Mandatory (the registry); an empty value is missing too.
  if (!opts.kind) throw new UsageError(msg('usage.missingOption', { option: '--kind reflection|report' }));
  if (!opts.title) throw new UsageError(msg('usage.missingOption', { option: '--title' }));
  if (!opts.submittedOn) throw new UsageError(msg('usage.missingOption', { option: '--submitted-on' }));
  if ((opts.chars === undefined) === (opts.file === undefined)) throw new UsageError(msg('essay.charsOrFile'), msg('essay.fix.charsOrFile'));
  const title = readText(opts.title, 200);
  if (!title.ok) throw new InputError(msg('essay.badOption', { option: '--title', reason: ctx.tr.m(title.reason) }));
  const date = parseDate(opts.submittedOn);
  if (!date.ok) throw new InputError(msg('essay.badOption', { option: '--submitted-on', reason: ctx.tr.m(date.reason) }));

  let chars: number;
  let fileSha256: string | null = null;
  let text: string | null = null;
  if (opts.file !== undefined) {
    ({ chars, sha256: fileSha256, text } = await countEssayFile(opts.file));
    ctx.err.write(t('essay.counted', { file: opts.file, chars }) + '\n');
  } else {
    const given = readChars(opts.chars!);
    if (given === null) throw new InputError(msg('essay.badChars', { value: opts.chars! }), [], msg('essay.fix.badChars'));
    chars = given;
  }

  const db = ctx.db();
  const policy = ctx.policy();
  const index = loadCadres(db);
  const cadre = findCadre(index, learnerId);
  if (!cadre) throw new InputError(msg('row.unknownLearner', { id: learnerId }), [], msg('row.fix.unknownCadre'));
  const env = new RowEnv(index, policy, ctx.today());
  if (date.value > ctx.today()) throw new InputError(msg('row.dateFuture', { date: date.value, today: ctx.today() }), [], msg('row.fix.dateFuture'));
  const term = env.termOfDate(cadre, date.value);
  if (!term) throw new InputError(msg('row.dateOutsideTerms', { date: date.value, id: cadre.learnerId }), [], msg('row.fix.dateOutside'));
  const min = minCharsFor(term, opts.kind, policy);
  if (chars < min) {
    throw new InputError(
      msg('essay.tooShort', { kind: t(`essay.${opts.kind}`), chars, min, missing: min - chars, rank: rankText(term.rank, ctx.tr) }),
      [],
      msg('essay.fix.tooShort'),
    );
  }
  // A resubmission after 退回修改: the returned essay of the same cadre and kind, resubmitted once, on or after its return.
  let resubmitsId: number | null = null;
  let countsOn: IsoDate | null = null;
  if (opts.resubmits !== undefined) {
    const raw = opts.resubmits.trim();
    const target = /^\d{1,12}$/.test(raw) ? resubmitTarget(db, Number(raw)) : undefined;
    if (!target) throw new InputError(msg('review.resubmit.unknown', { id: opts.resubmits }), [], msg('review.resubmit.fix.unknown'));
    if (target.cadre_id !== cadre.id || target.kind !== opts.kind) throw new InputError(msg('review.resubmit.otherEssay', { id: target.id, learner: target.learner_id, kind: t(`essay.${target.kind}`) }), [], msg('review.resubmit.fix.unknown'));
    if (target.status !== 'returned' || target.returned_on === null) throw new InputError(msg('review.resubmit.notReturned', { id: target.id, status: t(`essayStatus.${target.status}`) }), [], msg('review.resubmit.fix.notReturned', { id: target.id }));
    if (target.resubmitted_by !== null) throw new InputError(msg('review.resubmit.already', { id: target.id, by: target.resubmitted_by }), [], msg('review.resubmit.fix.already', { id: target.resubmitted_by }));
    if (date.value < target.returned_on) throw new InputError(msg('review.resubmit.beforeReturn', { id: target.id, date: date.value, returned: target.returned_on }), [], msg('review.resubmit.fix.beforeReturn'));
    resubmitsId = target.id;
    const on = countedOn({ countedOn: target.counts_on ?? target.submitted_on, returnedOn: target.returned_on }, date.value, policy.review.resubmitDays);
    countsOn = on === date.value ? null : on;
  }
  const input: EssayInput = { cadre, kind: opts.kind, title: title.value, submittedOn: date.value, chars, status: opts.status, fileSha256, resubmitsId, countsOn };
  const result = writeTransaction(
    db,
    ctx,
    (r) => ({
      command: 'record-essay',
      args: { learnerId: cadre.learnerId, kind: opts.kind, title: title.value, submittedOn: date.value, chars, status: opts.status, file: opts.file ?? null, ...(resubmitsId !== null ? { resubmits: resubmitsId, countsOn: countsOn ?? date.value } : {}), ...similarityArgs(r.check) },
      inputSha256: fileSha256,
      counts: { new: r.existed ? 0 : 1 },
      learnerIds: [cadre.learnerId],
    }),
    () => {
      const r = insertEssay(db, input, ctx.operator, null);
      const check = !r.existed && text !== null && fileSha256 !== null ? indexAndCheck(db, r.id, text, fileSha256, policy.similarity, localTimestamp(ctx.now())) : null;
      return { ...r, check };
    },
  );
  if (result.existed) ctx.warn(t('essay.already', { id: result.id }));
  else ctx.err.write(t('essay.recorded', { id: result.id, kind: t(`essay.${opts.kind}`), name: cadre.name, chars, status: t(`essayStatus.${result.check?.held && opts.status === 'approved' ? 'pending' : opts.status}`) }) + '\n');
  if (result.check) reportCheck(ctx, result.id, result.check);
  if (resubmitsId !== null && !result.existed) ctx.err.write(t(countsOn ? 'review.resubmit.inWindow' : 'review.resubmit.late', { id: result.id, original: resubmitsId, date: countsOn ?? date.value, days: policy.review.resubmitDays }) + '\n');
  ctx.out.write(`${result.id}\n`);
  return 0;
}
