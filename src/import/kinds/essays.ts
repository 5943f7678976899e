/**
 * Essays: the kind of `import-essays` (the fields of record-essay as
 * columns), and the counting of an essay's file that `record-essay` shares.
 * A `file` column (relative to the CSV's folder) makes the tool count 字数
 * itself.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../../shell/context.js';
import { minCharsFor, readChars, type EssayKind, type EssayStatus } from '../../core/essays.js';
import { readOptionValue } from '../../core/option-values.js';
import { normaliseEssayText } from '../../core/similarity.js';
import { countZi } from '../../core/wordcount.js';
import { commitStagedEssays, stagedEssayIds } from '../../db/essays.js';
import { resubmitTarget } from '../../db/reviews.js';
import { countedOn } from '../../core/review.js';
import { indexAndCheck, type EssayCheck } from '../../db/similarity.js';
import { localTimestamp } from '../../local-time.js';
import { CadreError, msg } from '../../errors.js';
import { rankText } from '../../report/audit-view.js';
import { readText } from '../cells.js';
import { ESSAYS_COLUMNS } from '../columns.js';
import type { ImportKind } from '../pipeline.js';
import { countNewExact, recordVouchers } from '../stage-sql.js';

export const ESSAYS_SPEC = ESSAYS_COLUMNS;


/**
 * An essay's file: its 字数 as counted, the SHA-256 of its bytes and its text
 * as stored and compared (normalised). Throws the reader's CadreError for a
 * file it cannot read.
 */
export async function countEssayFile(file: string): Promise<{ chars: number; sha256: string; text: string }> {
  const { readEssayText } = await import('../../io/essay-text.js');
  const raw = await readEssayText(file);
  return { chars: countZi(raw), sha256: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'), text: normaliseEssayText(raw) };
}

/** The comparisons an import made, for its summary. */
export interface ImportedCheck {
  id: number;
  line: number;
  check: EssayCheck;
}

export function essaysImport(ctx: Context, csvFile: string, checks: ImportedCheck[] = []): ImportKind {
  const touched = new Set<string>();
  const policy = ctx.policy();
  /** The text of each row read from a file, by line: stored and compared when the row is written. */
  const texts = new Map<number, { text: string; sha256: string }>();
  /** The returned essays this file resubmits, with the line that does. */
  const resubmitted = new Map<number, number>();
  return {
    kind: 'essays',
    command: 'import-essays',
    spec: ESSAYS_SPEC,
    stageDdl: 'CREATE TEMP TABLE stage (cadre_id INTEGER, kind TEXT, title TEXT, submitted_on TEXT, chars INTEGER, status TEXT, file_sha256 TEXT, line INTEGER, resubmits_id INTEGER, counts_on TEXT)',
    stageInsert: 'INSERT INTO temp.stage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    async parse(rec, env, p) {
      const cadre = env.cadre(rec, p);
      const kind = readOptionValue('essayKind', rec.cells.kind ?? '') as EssayKind | null;
      if (!kind) p.add('kind', msg('essay.badKind', { value: rec.cells.kind ?? '' }), msg('essay.fix.badKind'));
      const title = readText(rec.cells.title, 200);
      if (!title.ok) p.add('title', title.reason);
      const rawStatus = (rec.cells.status ?? '').trim().toLowerCase();
      const status = rawStatus === '' ? 'approved' : (readOptionValue('essayStatus', rawStatus) as EssayStatus | null);
      if (!status) p.add('status', msg('essay.badStatus', { value: rec.cells.status ?? '' }), msg('essay.fix.badStatus'));
      const dated = env.datedInTerm(rec, 'submitted_on', cadre, p);
      let chars: number | null = null;
      let sha: string | null = null;
      let text: string | null = null;
      const fileCell = (rec.cells.file ?? '').trim();
      if (fileCell !== '') {
        try {
          ({ chars, sha256: sha, text } = await countEssayFile(path.resolve(path.dirname(csvFile), fileCell)));
        } catch (e) {
          if (!(e instanceof CadreError)) throw e;
          p.add('file', msg('essay.fileProblem', { file: fileCell, reason: ctx.tr.m(e.msg) }));
        }
      } else {
        const raw = (rec.cells.chars ?? '').trim();
        chars = readChars(raw);
        if (chars === null) p.add('chars', msg('essay.badChars', { value: raw }), msg('essay.fix.badChars'));
      }
      // A resubmission after 退回修改 (the resubmits column): the rules of record-essay --resubmits.
      let resubmitsId: number | null = null;
      let countsOn: string | null = null;
      const rawRe = (rec.cells.resubmits ?? '').trim();
      if (rawRe !== '' && cadre && kind && dated) {
        const target = /^\d{1,12}$/.test(rawRe) ? resubmitTarget(ctx.db(), Number(rawRe)) : undefined;
        const t = ctx.tr.t;
        if (!target) p.add('resubmits', msg('review.resubmit.unknown', { id: rawRe }), msg('review.resubmit.fix.unknown'));
        else if (target.cadre_id !== cadre.id || target.kind !== kind) p.add('resubmits', msg('review.resubmit.otherEssay', { id: target.id, learner: target.learner_id, kind: t(`essay.${target.kind}`) }), msg('review.resubmit.fix.unknown'));
        else if (target.status !== 'returned' || target.returned_on === null) p.add('resubmits', msg('review.resubmit.notReturned', { id: target.id, status: t(`essayStatus.${target.status}`) }), msg('review.resubmit.fix.notReturned', { id: target.id }));
        else if (target.resubmitted_by !== null) p.add('resubmits', msg('review.resubmit.already', { id: target.id, by: target.resubmitted_by }), msg('review.resubmit.fix.already', { id: target.resubmitted_by }));
        else if (resubmitted.has(target.id)) p.add('resubmits', msg('review.resubmit.twiceInFile', { id: target.id, line: resubmitted.get(target.id)! }));
        else if (dated.date < target.returned_on) p.add('resubmits', msg('review.resubmit.beforeReturn', { id: target.id, date: dated.date, returned: target.returned_on }), msg('review.resubmit.fix.beforeReturn'));
        else {
          resubmitsId = target.id;
          resubmitted.set(target.id, rec.line);
          const on = countedOn({ countedOn: target.counts_on ?? target.submitted_on, returnedOn: target.returned_on }, dated.date, policy.review.resubmitDays);
          countsOn = on === dated.date ? null : on;
        }
      }
      if (!p.ok || !cadre || !kind || !title.ok || !status || !dated?.term || chars === null) return null;
      const min = minCharsFor(dated.term, kind, policy);
      if (chars < min) {
        p.add(fileCell ? 'file' : 'chars', msg('essay.tooShort', { kind: ctx.tr.t(`essay.${kind}`), chars, min, missing: min - chars, rank: rankText(dated.term.rank, ctx.tr) }), msg('essay.fix.tooShort'));
        return null;
      }
      if (touched.size <= 100) touched.add(cadre.learnerId);
      if (text !== null && sha !== null) texts.set(rec.line, { text, sha256: sha });
      return [cadre.id, kind, title.value, dated.date, chars, status, sha, rec.line, resubmitsId, countsOn];
    },
    countNew: (db) => countNewExact(db, 'essays', ['cadre_id', 'kind', 'title', 'submitted_on']),
    commit(db, batchId) {
      commitStagedEssays(db, batchId, ctx.operator);
      recordVouchers(db, 'essays', 'essays', ['cadre_id', 'kind', 'title', 'submitted_on'], batchId);
      // The new essays with a file: stored and compared in the order of their dates, each with
      // every essay on file and the file's earlier ones.
      const at = localTimestamp(ctx.now());
      for (const e of stagedEssayIds(db, batchId)) {
        const t = texts.get(e.line);
        if (!t) continue;
        const check = indexAndCheck(db, e.id, t.text, t.sha256, policy.similarity, at);
        if (check) checks.push({ id: e.id, line: e.line, check });
      }
    },
    touched: () => (touched.size <= 100 ? [...touched] : []),
  };
}
