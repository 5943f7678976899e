/**
 * What changed in a closed year since it was closed: the year-end view as
 * frozen against the same view today, cadre by cadre, the status and each
 * requirement (before → after). Pure: both views are given.
 */

/** The parts of one cadre's year-end result a close compares. */
export interface ClosedFigures {
  learnerId: string;
  name: string;
  department: string;
  status: string;
  requirements: { id: string; period: 'term' | number; unit: string; actual: number; required: number; status: string }[];
}

export type ChangeWhat = { kind: 'status' } | { kind: 'requirement'; id: string; period: 'term' | number; unit: string } | { kind: 'added' } | { kind: 'removed' };

export interface CloseChange {
  learnerId: string;
  name: string;
  department: string;
  what: ChangeWhat;
  /** Before and after: a status, or a requirement's actual/required and status; null where the cadre was not in that view. */
  before: { status: string; actual?: number; required?: number } | null;
  after: { status: string; actual?: number; required?: number } | null;
}

const reqKey = (r: { id: string; period: 'term' | number }) => `${r.id}@${r.period}`;

/** Every difference, in learner-ID order; within a cadre the status first, then requirements in the order of the view. */
export function diffClosed(before: readonly ClosedFigures[], after: readonly ClosedFigures[]): CloseChange[] {
  const was = new Map(before.map((c) => [c.learnerId, c]));
  const now = new Map(after.map((c) => [c.learnerId, c]));
  const ids = [...new Set([...was.keys(), ...now.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const changes: CloseChange[] = [];
  for (const id of ids) {
    const b = was.get(id);
    const a = now.get(id);
    const who = a ?? b!;
    const base = { learnerId: id, name: who.name, department: who.department };
    if (!b) {
      changes.push({ ...base, what: { kind: 'added' }, before: null, after: { status: a!.status } });
      continue;
    }
    if (!a) {
      changes.push({ ...base, what: { kind: 'removed' }, before: { status: b.status }, after: null });
      continue;
    }
    if (a.status !== b.status) changes.push({ ...base, what: { kind: 'status' }, before: { status: b.status }, after: { status: a.status } });
    const bReq = new Map(b.requirements.map((r) => [reqKey(r), r]));
    const aReq = new Map(a.requirements.map((r) => [reqKey(r), r]));
    const keys = [...new Set([...bReq.keys(), ...aReq.keys()])];
    for (const k of keys) {
      const x = bReq.get(k);
      const y = aReq.get(k);
      if (x && y && x.actual === y.actual && x.required === y.required && x.status === y.status) continue;
      const r = (y ?? x)!;
      changes.push({
        ...base,
        what: { kind: 'requirement', id: r.id, period: r.period, unit: r.unit },
        before: x ? { status: x.status, actual: x.actual, required: x.required } : null,
        after: y ? { status: y.status, actual: y.actual, required: y.required } : null,
      });
    }
  }
  return changes;
}
