import { describe, expect, it } from 'vitest';
import { diffClosed, type ClosedFigures } from '../../src/core/close-diff.js';

const cadre = (learnerId: string, status: string, hours: number, total = 100): ClosedFigures => ({
  learnerId,
  name: `N${learnerId}`,
  department: 'D',
  status,
  requirements: [
    { id: 'total', period: 'term', unit: 'credits', actual: total, required: 600, status: 'behind' },
    { id: 'hours', period: 2025, unit: 'hours', actual: hours, required: 80, status: hours >= 80 ? 'met' : 'short' },
  ],
});

describe('diffClosed', () => {
  it('finds nothing when the views are equal', () => {
    const v = [cadre('A', 'short', 40), cadre('B', 'met', 80)];
    expect(diffClosed(v, structuredClone(v))).toEqual([]);
  });

  it('names the status and each requirement that changed, before and after, in learner-ID order', () => {
    const before = [cadre('B', 'short', 40), cadre('A', 'short', 40)];
    const after = [cadre('A', 'short', 40), cadre('B', 'behind', 80, 120)];
    const d = diffClosed(before, after);
    expect(d.map((c) => [c.learnerId, c.what.kind === 'requirement' ? c.what.id : c.what.kind])).toEqual([
      ['B', 'status'],
      ['B', 'total'],
      ['B', 'hours'],
    ]);
    expect(d[0]).toMatchObject({ before: { status: 'short' }, after: { status: 'behind' } });
    expect(d[2]).toMatchObject({ before: { actual: 40, required: 80, status: 'short' }, after: { actual: 80, required: 80, status: 'met' } });
  });

  it('says who was added to or is gone from the year-end view', () => {
    const d = diffClosed([cadre('A', 'short', 0)], [cadre('B', 'met', 80)]);
    expect(d.map((c) => [c.learnerId, c.what.kind, c.before, c.after])).toEqual([
      ['A', 'removed', { status: 'short' }, null],
      ['B', 'added', null, { status: 'met' }],
    ]);
  });
});
