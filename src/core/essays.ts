/** Essays (心得体会, 调研报告/论文): their kinds, review states and the minimum length for a cadre's rank. */
import type { Policy } from './policy.js';
import type { Term } from './terms.js';

export type EssayKind = 'reflection' | 'report';
/** returned: 退回修改, sent back to the cadre for revision (a resubmission links to it). */
export type EssayStatus = 'approved' | 'pending' | 'rejected' | 'returned';
/** Every review state, in the order the office's list names them (waiting for review first). */
export const ESSAY_STATUSES: readonly EssayStatus[] = ['pending', 'returned', 'approved', 'rejected'];

/** The fewest characters (字数) an essay of this kind counts with, for the rank of the term it falls in. */
export function minCharsFor(term: Term, kind: EssayKind, policy: Policy): number {
  const rule = policy.ranks[term.rank];
  return kind === 'reflection' ? rule.reflection.minChars : rule.report.minChars;
}

/** A 字数 as written: a whole number of at most seven digits, else null. */
export function readChars(raw: string): number | null {
  const text = raw.trim();
  return /^\d{1,7}$/.test(text) ? Number(text) : null;
}
