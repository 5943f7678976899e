/**
 * The review workflow's rules, pure: the policy's score scale, how the
 * verdicts of an essay's reviewers decide its status, the date a
 * resubmission counts on, and the balanced assignment of essays to
 * reviewers.
 */
import { addDays, type IsoDate } from './dates.js';
import { departmentKey } from './option-values.js';
import type { EssayStatus } from './essays.js';

/** A score as the policy allows it: one of its grades, or a whole number within its range. */
export type ReviewScale = { kind: 'grades'; grades: readonly string[] } | { kind: 'range'; min: number; max: number };

export interface ReviewSettings {
  scale: ReviewScale;
  /** A returned essay resubmitted within this many days of its return counts on the original's date. */
  resubmitDays: number;
}

export type Verdict = 'approve' | 'reject' | 'return';
export const VERDICTS: readonly Verdict[] = ['approve', 'reject', 'return'];

/** A score as typed, checked against the scale: the stored text, or null when the scale does not hold it. */
export function readScore(raw: string, scale: ReviewScale): string | null {
  const text = raw.normalize('NFKC').trim();
  if (scale.kind === 'grades') return scale.grades.find((g) => g.normalize('NFKC') === text) ?? null;
  if (!/^\d{1,4}$/.test(text)) return null;
  const n = Number(text);
  return n >= scale.min && n <= scale.max ? String(n) : null;
}

/** The scale as help and errors name it: `优秀/合格/不合格` or `0-100`. */
export function scaleText(scale: ReviewScale): string {
  return scale.kind === 'grades' ? scale.grades.join('/') : `${scale.min}-${scale.max}`;
}

/**
 * The status an essay's assigned reviewers decide, from each one's latest
 * verdict: undefined while any of them has not reviewed (the essay stays
 * pending); any 退回修改 returns it; otherwise the majority, and a tie leaves
 * it pending for the office to decide.
 */
export function combinedStatus(assigned: number, verdicts: readonly Verdict[]): EssayStatus | undefined {
  if (verdicts.length < assigned || verdicts.length === 0) return undefined;
  if (verdicts.includes('return')) return 'returned';
  const approve = verdicts.filter((v) => v === 'approve').length;
  const reject = verdicts.length - approve;
  return approve > reject ? 'approved' : reject > approve ? 'rejected' : 'pending';
}

/** The status a single decisive verdict (the office's) sets. */
export function statusOfVerdict(v: Verdict): EssayStatus {
  return v === 'approve' ? 'approved' : v === 'reject' ? 'rejected' : 'returned';
}

/**
 * The date a resubmission counts on: the original's counted date when it was
 * resubmitted within `days` of the day the original was returned, else its own.
 */
export function countedOn(original: { countedOn: IsoDate; returnedOn: IsoDate }, resubmittedOn: IsoDate, days: number): IsoDate {
  return resubmittedOn <= addDays(original.returnedOn, days) ? original.countedOn : resubmittedOn;
}

export interface AssignEssay {
  id: number;
  department: string;
  /** Reviewers (by id) already assigned to it and not withdrawn. */
  assigned: readonly number[];
}

export interface AssignReviewer {
  id: number;
  department: string;
  /** Its assignments already on file (the year's essays). */
  load: number;
}

export type AssignResult =
  | { ok: true; pairs: { essay: number; reviewer: number }[]; loads: Map<number, number> }
  | { ok: false; short: { essay: number; need: number; eligible: number }[] };

/**
 * Assigns each essay to as many more reviewers as it lacks of `perEssay`,
 * never to one of the essay's cadre's department nor twice to one reviewer.
 * Balanced: the essays with the fewest eligible reviewers first, each to the
 * least loaded eligible reviewers (ties: the order given); then single
 * moves of a new assignment from a reviewer to one loaded two or more less
 * until none is left, so no new assignment can move to lower a difference of
 * two. With no department in the way every load then differs by at most one
 * (existing assignments stay). Deterministic: the same input gives the same
 * assignment. When an essay has fewer eligible reviewers than it lacks,
 * nothing is assigned and every such essay is named.
 */
export function assignEssays(essays: readonly AssignEssay[], reviewers: readonly AssignReviewer[], perEssay: number): AssignResult {
  const order = new Map(reviewers.map((r, i) => [r.id, i]));
  // Departments compared as everywhere (NFKC, spaces and case ignored): 计算机学院 and ＂计算机学院 ＂ are one.
  const keyOf = new Map(reviewers.map((r) => [r.id, departmentKey(r.department)]));
  const eligibleOf = (e: AssignEssay) => {
    const own = departmentKey(e.department);
    return reviewers.filter((r) => keyOf.get(r.id) !== own && !e.assigned.includes(r.id));
  };
  const work = essays.map((e) => ({ e, need: Math.max(0, perEssay - e.assigned.length), eligible: eligibleOf(e) })).filter((w) => w.need > 0);
  const short = work.filter((w) => w.eligible.length < w.need).map((w) => ({ essay: w.e.id, need: w.need, eligible: w.eligible.length }));
  if (short.length) return { ok: false, short };
  const loads = new Map(reviewers.map((r) => [r.id, r.load]));
  const chosen = new Map<number, Set<number>>();
  work.sort((a, b) => a.eligible.length - a.need - (b.eligible.length - b.need) || a.e.id - b.e.id);
  for (const w of work) {
    const picks = [...w.eligible].sort((a, b) => loads.get(a.id)! - loads.get(b.id)! || order.get(a.id)! - order.get(b.id)!).slice(0, w.need);
    const set = new Set<number>();
    for (const r of picks) {
      set.add(r.id);
      loads.set(r.id, loads.get(r.id)! + 1);
    }
    chosen.set(w.e.id, set);
  }
  // Improving moves: each lowers the sum of squared loads, so the loop ends.
  const byId = new Map(work.map((w) => [w.e.id, w]));
  for (let moved = true; moved; ) {
    moved = false;
    const ranked = [...reviewers].sort((a, b) => loads.get(b.id)! - loads.get(a.id)! || order.get(a.id)! - order.get(b.id)!);
    outer: for (const from of ranked) {
      for (const to of [...ranked].reverse()) {
        if (loads.get(from.id)! - loads.get(to.id)! < 2) break;
        for (const [essay, set] of [...chosen].sort((a, b) => a[0] - b[0])) {
          if (!set.has(from.id) || set.has(to.id)) continue;
          if (!byId.get(essay)!.eligible.some((r) => r.id === to.id)) continue;
          set.delete(from.id);
          set.add(to.id);
          loads.set(from.id, loads.get(from.id)! - 1);
          loads.set(to.id, loads.get(to.id)! + 1);
          moved = true;
          break outer;
        }
      }
    }
  }
  const pairs = [...chosen]
    .sort((a, b) => a[0] - b[0])
    .flatMap(([essay, set]) => [...set].sort((a, b) => order.get(a)! - order.get(b)!).map((reviewer) => ({ essay, reviewer })));
  return { ok: true, pairs, loads };
}
