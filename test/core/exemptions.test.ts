/**
 * Exemptions in the pure audit: an exempt requirement shows `exempt` with its
 * reason, has no shortfall, and does not make the cadre short or behind.
 */
import { describe, expect, it } from 'vitest';
import { auditTerm, type CadreFacts, type Evaluation, type Exemption, type Requirement } from '../../src/core/audit.js';
import type { Rank } from '../../src/core/policy.js';
import { currentTerm, termHoldingYear, type ServiceRecord } from '../../src/core/terms.js';
import { policy } from './fixtures.js';

const service = (rank: Rank, appointedOn = '2025-09-01'): ServiceRecord => ({ appointments: [{ rank, appointedOn }], leftOn: null });
const yearEnd = (year: number): Evaluation => ({ asOf: `${year + 1}-09-01`, cutoff: `${year + 1}-08-31`, lastYear: year });
const asOf = (date: string): Evaluation => ({ asOf: date, cutoff: date, lastYear: Number(date.slice(0, 4)) - (date.slice(5) < '09-01' ? 1 : 0) });

/** A division cadre who met everything in 2025-2026 except what `drop` removes. */
function facts(exemptions: Exemption[], drop: { hours?: boolean; reflection?: boolean } = {}): CadreFacts {
  return {
    hours: drop.hours ? [] : Array.from({ length: 20 }, (_, i) => ({ course: `C${i}`, date: '2025-10-01', quarters: 4 })),
    essays: drop.reflection ? [] : [{ id: 1, kind: 'reflection', title: 'r', date: '2025-12-01', chars: 4000, status: 'approved' }],
    training: [],
    exemptions,
  };
}

function audit(f: CadreFacts, ev: Evaluation, rank: Rank = 'division') {
  const svc = service(rank);
  const term = ev.cutoff !== ev.asOf ? termHoldingYear(svc, policy, ev.lastYear)! : currentTerm(svc, policy, ev.asOf)!;
  return auditTerm(term, f, [], policy, ev);
}
const req = (a: ReturnType<typeof audit>, id: Requirement['id'], period: Requirement['period'] = 'term') => a.requirements.find((r) => r.id === id && r.period === period)!;

describe('exemptions in the audit', () => {
  it('a closed year with no hours is short; exempt for that year it is exempt, shortfall 0, reason kept', () => {
    const without = audit(facts([], { hours: true }), yearEnd(2025));
    expect(req(without, 'hours', 2025).status).toBe('short');
    expect(req(without, 'hours', 2025).shortfall).toBe(80);

    const a = audit(facts([{ requirement: 'hours', year: 2025, reason: '病假' }], { hours: true }), yearEnd(2025));
    const r = req(a, 'hours', 2025);
    expect(r.status).toBe('exempt');
    expect(r.shortfall).toBe(0);
    expect(r.exemptReason).toBe('病假');
    // The actual figure is still reported.
    expect(r.actual).toBe(0);
  });

  it("the cadre's status ignores exempt requirements", () => {
    // Everything of the year met but the reflection; the term requirements are still in progress at the year end.
    const short = audit(facts([], { reflection: true }), yearEnd(2025));
    expect(short.status).toBe('short');
    const exempt = audit(facts([{ requirement: 'reflection', year: 2025, reason: '出国学习' }], { reflection: true }), yearEnd(2025));
    expect(req(exempt, 'reflection', 2025).status).toBe('exempt');
    expect(exempt.status).not.toBe('short');
    expect(exempt.requirements.filter((x) => x.status === 'short')).toEqual([]);
  });

  it('an exemption for another year leaves this year alone', () => {
    const a = audit(facts([{ requirement: 'hours', year: 2026, reason: '借调' }], { hours: true }), yearEnd(2025));
    expect(req(a, 'hours', 2025).status).toBe('short');
    expect(req(a, 'hours', 2025).exemptReason).toBeUndefined();
  });

  it('a yearly exemption without a year covers every academic year of the term', () => {
    const a = audit(facts([{ requirement: 'hours', year: null, reason: '长期病假' }], { hours: true }), asOf('2027-10-15'));
    const hours = a.requirements.filter((r) => r.id === 'hours');
    expect(hours.map((r) => r.period)).toEqual([2025, 2026, 2027]);
    for (const r of hours) {
      expect(r.status).toBe('exempt');
      expect(r.shortfall).toBe(0);
    }
  });

  it('a term requirement exempted by a year of the term, or for every term', () => {
    for (const year of [2026, null]) {
      const a = audit(facts([{ requirement: 'training', year, reason: '借调' }]), asOf('2026-10-01'));
      const r = req(a, 'training');
      expect(r.status).toBe('exempt');
      expect(r.shortfall).toBe(0);
      expect(r.exemptReason).toBe('借调');
    }
    // A year outside the term does not touch it.
    const other = audit(facts([{ requirement: 'training', year: 2030, reason: '借调' }]), asOf('2026-10-01'));
    expect(req(other, 'training').status).not.toBe('exempt');
  });

  it('every requirement exempt: the cadre is never short or behind', () => {
    const all: Exemption[] = (['total', 'training', 'report', 'hours', 'required', 'reflection'] as const).map((requirement) => ({ requirement, year: null, reason: '离岗' }));
    const a = audit({ hours: [], essays: [], training: [], exemptions: all }, yearEnd(2027));
    expect(a.requirements.every((r) => r.status === 'exempt' && r.shortfall === 0)).toBe(true);
    expect(['short', 'behind']).not.toContain(a.status);
  });

  it('credits still count while exempt (the exemption only waives the requirement)', () => {
    const a = audit(facts([{ requirement: 'hours', year: 2025, reason: 'x' }]), yearEnd(2025));
    expect(req(a, 'hours', 2025).actual).toBe(80);
    expect(req(a, 'hours', 2025).met).toBe(true);
    expect(a.credits.platformTenths).toBe(80);
  });
});
