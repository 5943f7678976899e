/**
 * The report model's figures, checked against the same figures computed a
 * second way: straight from audit JSON objects (SPEC's field names), with
 * floating point and rounding to one decimal at the end.
 */
import { describe, expect, it } from 'vitest';
import type { Requirement, Status } from '../../src/core/audit.js';
import { buildReportModel, initialsOf, perCapitaTenths, permille, rateChange, rateText, type ReportCadre } from '../../src/core/report-model.js';
import { policy } from './fixtures.js';


function req(id: Requirement['id'], period: Requirement['period'], status: Status, actual: number, required: number): Requirement {
  return { id, period, unit: id === 'total' || id === 'training' ? 'credits' : id === 'hours' || id === 'required' ? 'hours' : 'essays', required, actual, shortfall: Math.max(0, required - actual), met: actual >= required, status, periodStart: '2025-09-01', periodEnd: '2026-08-31' };
}

/** A small office: mixed statuses, ranks and departments, one wholly exempt, one with no hours. */
function office(seed: number, n: number): ReportCadre[] {
  const statuses: Status[] = ['met', 'on_track', 'behind', 'short', 'exempt', 'unrecorded', 'met', 'short'];
  const out: ReportCadre[] = [];
  for (let i = 0; i < n; i++) {
    const s = statuses[(i * 7 + seed) % statuses.length];
    const q = ((i * 13 + seed) % 9) * 7; // some zero
    out.push({
      learnerId: `WZ25${String(i).padStart(4, '0')}`,
      name: `干部${i}`,
      department: `部门${(i * 3 + seed) % 5}`,
      rank: i % 3 === 0 ? 'division' : 'section',
      status: s,
      requirements: [req('hours', 2025, s === 'short' ? 'short' : 'met', q, 200), req('total', 'term', s, (i * 37) % 900, 600)],
      credits: { totalTenths: (i * 37) % 900, requiredTenths: 600 },
      latestExam: i % 4 ? { exam: 'e', date: '2026-01-01', scoreTenths: 500 + ((i * 53) % 500) } : null,
    });
  }
  return out;
}

/** The audit JSON of a cadre, as `audit --format json` writes it (only the fields used). */
const asJson = (c: ReportCadre) => ({ department: c.department, rank: c.rank, status: c.status, requirements: c.requirements.map((r) => ({ id: r.id, period: r.period, actual: r.unit === 'hours' ? r.actual / 4 : r.actual })) });

const oneDecimal = (x: number) => (Math.round(x * 10 + 1e-9) / 10).toFixed(1);

describe('the report model', () => {
  const current = office(1, 97);
  const previous = office(4, 83);
  const model = buildReportModel({
    year: 2025,
    department: null,
    asOf: '2026-09-01',
    cutoff: '2026-08-31',
    source: { kind: 'state', sha256: 'x', policySha256: 'y' },
    current,
    previous,
    hoursByMonth: { current: new Map([['2025-09', 8], ['2026-02', 4]]), previous: new Map() },
    policy,
  });

  it('counts, rates and hours equal the ones computed from the audit JSON', () => {
    const json = current.map(asJson);
    const counted = json.filter((a) => a.status !== 'exempt');
    const met = counted.filter((a) => a.status === 'met' || a.status === 'on_track');
    const hours = counted.map((a) => a.requirements.find((r) => r.id === 'hours' && r.period === 2025)!.actual);
    expect(model.current.denominator).toBe(counted.length);
    expect(model.current.exempt).toBe(json.length - counted.length);
    expect(model.current.met.num).toBe(met.length);
    expect(model.current.participants.num).toBe(hours.filter((h) => h > 0).length);
    expect(model.current.totalQ / 4).toBe(hours.reduce((a, h) => a + h, 0));
    expect(rateText(model.current.met)).toBe(`${oneDecimal((met.length / counted.length) * 100)}%`);
    expect((perCapitaTenths(model.current.perCapita)! / 10).toFixed(1)).toBe(oneDecimal(hours.reduce((a, h) => a + h, 0) / counted.length));
    for (const rank of ['division', 'section'] as const) {
      const r = counted.filter((a) => a.rank === rank);
      expect(model.current.metByRank[rank]).toEqual({ num: r.filter((a) => a.status === 'met' || a.status === 'on_track').length, den: r.length });
    }
  });

  it('weights the office rate by cadres, never averaging department percentages', () => {
    const sumNum = model.departments.reduce((a, d) => a + d.all.num, 0);
    const sumDen = model.departments.reduce((a, d) => a + d.all.den, 0);
    expect({ num: sumNum, den: sumDen }).toEqual({ num: model.current.met.num, den: model.current.met.den });
    // Two departments of 1/1 and 1/9: the office is 2/10 = 20%, not the 55.6% an average would say.
    const two = buildReportModel({ ...baseInput(), current: [cadre('A', 'met'), cadre('B', 'met'), ...Array.from({ length: 8 }, () => cadre('B', 'short'))] });
    expect(rateText(two.current.met)).toBe('20.0%');
    expect(two.top[0].department).toBe('A');
    expect(two.bottom[0].department).toBe('B');
  });

  it('gives the change from the year before in points, from the exact fractions', () => {
    const d = rateChange(model.current.met, model.previous!.met)!;
    const json0 = previous.map(asJson).filter((a) => a.status !== 'exempt');
    const r0 = json0.filter((a) => a.status === 'met' || a.status === 'on_track').length / json0.length;
    const r1 = model.current.met.num / model.current.met.den;
    expect(Math.abs(d / 10 - (r1 - r0) * 100)).toBeLessThanOrEqual(0.05 + 1e-9);
  });

  it('rounds half up, exactly: 1/8 = 12.5%, 1/3 = 33.3%, 2/3 = 66.7%, none is a dash', () => {
    expect(permille({ num: 1, den: 8 })).toBe(125);
    expect(rateText({ num: 1, den: 3 })).toBe('33.3%');
    expect(rateText({ num: 2, den: 3 })).toBe('66.7%');
    expect(rateText({ num: 0, den: 0 })).toBe('—');
    expect(rateChange({ num: 1, den: 3 }, { num: 2, den: 3 })).toBe(-333);
  });

  it('bins term credits against the threshold and accumulates hours by month', () => {
    const h = model.histograms.find((x) => x.rank === 'division')!;
    const div = current.filter((c) => c.rank === 'division' && c.status !== 'exempt');
    expect(h.counts.reduce((a, n) => a + n, 0)).toBe(div.length);
    expect(h.atOrAbove).toBe(div.filter((c) => c.credits.totalTenths >= policy.ranks.division.totalTenths).length);
    expect(model.monthly.current.months[0]).toBe('2025-09');
    expect(model.monthly.current.cumulativeQ[11]).toBe(12);
    expect(model.monthly.current.cumulativeQ[4]).toBe(8);
  });

  it('lists every cadre short or behind, by department, with what is missing', () => {
    const bad = current.filter((c) => c.status === 'short' || c.status === 'behind');
    expect(model.shortfall.reduce((a, d) => a + d.cadres.length, 0)).toBe(bad.length);
    for (const d of model.shortfall) for (const c of d.cadres) expect(c.missing.every((r) => r.status === 'short' || r.status === 'behind')).toBe(true);
  });

  it('shortens names for wide circulation', () => {
    expect(initialsOf('张三')).toBe('张某');
    expect(initialsOf('欧阳娜娜')).toBe('欧某');
    expect(initialsOf('Li Wei')).toBe('L. W.');
  });
});

function cadre(department: string, status: Status): ReportCadre {
  return { learnerId: `X${Math.random()}`, name: 'n', department, rank: 'section', status, requirements: [req('hours', 2025, 'met', 4, 4)], credits: { totalTenths: 0, requiredTenths: 400 }, latestExam: null };
}
function baseInput() {
  return { year: 2025, department: null, asOf: '2026-09-01', cutoff: '2026-08-31', source: { kind: 'state' as const, sha256: 'x', policySha256: 'y' }, previous: null, hoursByMonth: { current: new Map(), previous: null }, policy };
}
