/**
 * The year-end report for leadership, as numbers: one model that the HTML,
 * PDF and workbook renderers (src/report/report-*.ts) draw, so every figure
 * is defined once, here, with its denominator.
 *
 * Pure: built from the audited cadres of year Y and Y-1 (the year-end
 * views), the records' hours by month, the policy and the facts of where
 * the view came from (a close, or the database's state). Counts are
 * integers, hours quarter hours, credits tenths; a rate is an exact
 * fraction (`num / den`), rounded only when it is rendered.
 *
 * The definitions (the report's 口径, written out in its appendix):
 * - 在册 (in view): the cadres whose term holds year Y (the year-end view).
 * - 全部免修 (exempt): in view, with every requirement exempt; outside every
 *   denominator below, and counted on their own.
 * - 应学人数 (the denominator): in view and not wholly exempt.
 * - 参学 (participating): of those, the ones with at least one hour of
 *   platform study counted in year Y.
 * - 达标 (in good standing): of those, the ones with no requirement short or
 *   behind, and none unrecorded (audit status met or on_track): every
 *   requirement of year Y met or exempt, and the term's met or on pace.
 * - 学时 (hours): the platform hours the audit counts for year Y, over the
 *   cadres of the denominator; 人均 is that total over the denominator.
 * A department's or a rank's rate is its own count over its own
 * denominator; the office's rate is the office's count over the office's
 * denominator (weighted by cadres), never an average of percentages, and
 * never capped.
 */
import type { ExamFact, Requirement, RequirementId, Status } from './audit.js';
import type { Policy, Rank } from './policy.js';
import { RANKS } from './policy.js';

/** A requirement as the report reads it: what it counts and how it stands (an office's 20,000 cadres' are held until the model is built). */
export type ReportRequirement = Pick<Requirement, 'id' | 'period' | 'unit' | 'required' | 'actual' | 'shortfall' | 'status'>;

/** One audited cadre as the report reads it (structurally, src/report's AuditedCadre fits). */
export interface ReportCadre {
  learnerId: string;
  name: string;
  department: string;
  rank: Rank;
  status: Status;
  requirements: ReportRequirement[];
  credits: { totalTenths: number; requiredTenths: number };
  latestExam: ExamFact | null;
}

/** An exact fraction. `den` 0 is "no one to count" (rendered as a dash). */
export interface Rate {
  num: number;
  den: number;
}

/** Where the figures come from: a close of the year, or the database as it is now. */
export interface ReportSource {
  kind: 'close' | 'state';
  /** The close's result hash (sha256 of its stored view), or the hash of the database's record state. */
  sha256: string;
  closedAt?: string;
  /** For a close: the year has been amended since (an amendment recorded): the monthly series is read from today's records. */
  changedSinceClose?: boolean;
  /** For a close: the year before is not closed, so its figures (the comparison) are read from today's records. */
  previousOpen?: boolean;
  policySha256: string;
}

export interface YearFigures {
  year: number;
  inView: number;
  exempt: number;
  denominator: number;
  participants: Rate;
  met: Rate;
  metByRank: Record<Rank, Rate>;
  /** Not in good standing: a requirement short or behind. */
  shortfall: number;
  unrecorded: number;
  totalQ: number;
  /** Per capita hours: totalQ quarter hours over `den` cadres. */
  perCapita: Rate;
}

export interface DepartmentFigures {
  department: string;
  all: Rate;
  byRank: Record<Rank, Rate>;
  participants: Rate;
  totalQ: number;
}

export interface Histogram {
  rank: Rank;
  /** The term's total, tenths (60 or 40 credits by the notice). */
  thresholdTenths: number;
  /** Bin edges in tenths: bin i holds [edges[i], edges[i+1]); the last is open-ended. */
  edges: number[];
  counts: number[];
  atOrAbove: number;
  below: number;
}

export interface MonthSeries {
  /** 'YYYY-MM', the academic year's twelve months in order. */
  months: string[];
  /** Cumulative quarter hours at the end of each month. */
  cumulativeQ: number[];
}

export type StatusCounts = Record<Status, number>;

export interface RequirementSummary {
  id: RequirementId;
  period: 'term' | 'year';
  counts: StatusCounts;
  /** Cadres (of the denominator) that carry this requirement. */
  total: number;
}

export interface ExamSummary {
  /** Cadres of the denominator with an exam on file up to the year's end. */
  taken: Rate;
  /** Mean of their latest scores, tenths over cadres. */
  meanTenths: Rate;
  /** Score bands of the latest exam: <60, 60–79.9, 80–89.9, ≥90. */
  bands: [number, number, number, number];
}

export interface ShortfallEntry {
  learnerId: string;
  name: string;
  rank: Rank;
  status: Status;
  /** The requirements short or behind, as the audit gives them. */
  missing: ReportRequirement[];
}

export interface ReportModel {
  year: number;
  department: string | null;
  /** Names as initials and learner IDs as short codes (`--anonymize`). */
  anonymized: boolean;
  asOf: string;
  cutoff: string;
  /** What the report was made from; null while the record state is still being hashed (gatherReportLate). */
  source: ReportSource | null;
  current: YearFigures;
  previous: YearFigures | null;
  departments: DepartmentFigures[];
  /** Departments ranked by their rate (best first); top and bottom are cut from it. */
  top: DepartmentFigures[];
  bottom: DepartmentFigures[];
  histograms: Histogram[];
  monthly: { current: MonthSeries; previous: MonthSeries | null };
  requirements: RequirementSummary[];
  exams: ExamSummary;
  /** The named shortfall list, by department (departments in name order, cadres by learner ID). */
  shortfall: { department: string; cadres: ShortfallEntry[] }[];
  /** The year's essays as the similarity check left them: the whole and per department (name order, departments with essays). */
  similarity: SimilaritySummary;
  policy: {
    ranks: Record<Rank, { totalTenths: number; hoursPerYearQ: number; requiredHoursPerYearQ: number; reflectionsPerYear: number; reportsPerTerm: number; trainingTenths: number }>;
  };
}

const GOOD: ReadonlySet<Status> = new Set(['met', 'on_track']);
const BAD: ReadonlySet<Status> = new Set(['short', 'behind']);

const emptyRanks = (): Record<Rank, Rate> => ({ division: { num: 0, den: 0 }, section: { num: 0, den: 0 } });

/** The year's counted platform hours (quarters) of a cadre: its `hours` requirement of period `year`. */
export function yearHoursQ(c: ReportCadre, year: number): number {
  const r = c.requirements.find((x) => x.id === 'hours' && x.period === year);
  return r ? r.actual : 0;
}

/** The year's figures over the cadres given (the year-end view of `year`). */
export function yearFigures(cadres: readonly ReportCadre[], year: number): YearFigures {
  const f: YearFigures = {
    year,
    inView: cadres.length,
    exempt: 0,
    denominator: 0,
    participants: { num: 0, den: 0 },
    met: { num: 0, den: 0 },
    metByRank: emptyRanks(),
    shortfall: 0,
    unrecorded: 0,
    totalQ: 0,
    perCapita: { num: 0, den: 0 },
  };
  for (const c of cadres) {
    if (c.status === 'exempt') {
      f.exempt++;
      continue;
    }
    f.denominator++;
    const q = yearHoursQ(c, year);
    f.totalQ += q;
    if (q > 0) f.participants.num++;
    const good = GOOD.has(c.status);
    if (good) f.met.num++;
    if (BAD.has(c.status)) f.shortfall++;
    if (c.status === 'unrecorded') f.unrecorded++;
    f.metByRank[c.rank].den++;
    if (good) f.metByRank[c.rank].num++;
  }
  f.participants.den = f.denominator;
  f.met.den = f.denominator;
  f.perCapita = { num: f.totalQ, den: f.denominator };
  return f;
}

/** Compares two rates exactly: negative when a < b. A rate with no one to count sorts last. */
export function compareRates(a: Rate, b: Rate): number {
  if (a.den === 0 || b.den === 0) return (a.den === 0 ? 1 : 0) - (b.den === 0 ? 1 : 0);
  return a.num * b.den - b.num * a.den;
}

function departmentFigures(cadres: readonly ReportCadre[], year: number): DepartmentFigures[] {
  const by = new Map<string, DepartmentFigures>();
  for (const c of cadres) {
    if (c.status === 'exempt') continue;
    let d = by.get(c.department);
    if (!d) by.set(c.department, (d = { department: c.department, all: { num: 0, den: 0 }, byRank: emptyRanks(), participants: { num: 0, den: 0 }, totalQ: 0 }));
    const good = GOOD.has(c.status) ? 1 : 0;
    d.all.den++;
    d.all.num += good;
    d.byRank[c.rank].den++;
    d.byRank[c.rank].num += good;
    const q = yearHoursQ(c, year);
    d.totalQ += q;
    d.participants.den++;
    if (q > 0) d.participants.num++;
  }
  return [...by.values()].sort((a, b) => cmpText(a.department, b.department));
}

const cmpText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Departments best first: by rate, then the larger, then by name. */
export function rankDepartments(list: readonly DepartmentFigures[]): DepartmentFigures[] {
  return [...list].sort((a, b) => -compareRates(a.all, b.all) || b.all.den - a.all.den || cmpText(a.department, b.department));
}

/** Bin width of the credit histogram: 5 credits. */
export const HISTOGRAM_BIN_TENTHS = 50;

function histogram(cadres: readonly ReportCadre[], rank: Rank, thresholdTenths: number): Histogram {
  const edges: number[] = [];
  // From 0 to 20 credits past the threshold, then one open-ended bin.
  for (let e = 0; e <= thresholdTenths + 200; e += HISTOGRAM_BIN_TENTHS) edges.push(e);
  const counts = edges.map(() => 0);
  let atOrAbove = 0;
  let below = 0;
  for (const c of cadres) {
    if (c.rank !== rank || c.status === 'exempt') continue;
    const t = c.credits.totalTenths;
    const i = Math.min(edges.length - 1, Math.floor(Math.max(0, t) / HISTOGRAM_BIN_TENTHS));
    counts[i]++;
    if (t >= thresholdTenths) atOrAbove++;
    else below++;
  }
  return { rank, thresholdTenths, edges, counts, atOrAbove, below };
}

/** The twelve months of academic year `year`, starting in the policy's first month. */
export function yearMonths(year: number, policy: Pick<Policy, 'yearStart'>): string[] {
  const out: string[] = [];
  const [m0] = policy.yearStart;
  for (let i = 0; i < 12; i++) {
    const m = ((m0 - 1 + i) % 12) + 1;
    const y = year + (m0 - 1 + i >= 12 ? 1 : 0);
    out.push(`${y}-${String(m).padStart(2, '0')}`);
  }
  return out;
}

/** Cumulative quarter hours through each month of the year, from the hours recorded per month. */
export function monthSeries(year: number, policy: Pick<Policy, 'yearStart'>, byMonth: ReadonlyMap<string, number>): MonthSeries {
  const months = yearMonths(year, policy);
  let sum = 0;
  const cumulativeQ = months.map((m) => (sum += byMonth.get(m) ?? 0));
  return { months, cumulativeQ };
}

const STATUSES: readonly Status[] = ['met', 'on_track', 'behind', 'short', 'exempt', 'unrecorded'];
const zeroCounts = (): StatusCounts => Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;

/** The requirements summarised: the year's required courses and reflections; the term's reports and training. */
export const SUMMARY_REQUIREMENTS: readonly { id: RequirementId; period: 'term' | 'year' }[] = [
  { id: 'hours', period: 'year' },
  { id: 'required', period: 'year' },
  { id: 'reflection', period: 'year' },
  { id: 'report', period: 'term' },
  { id: 'training', period: 'term' },
  { id: 'total', period: 'term' },
];

function requirementSummaries(cadres: readonly ReportCadre[], year: number): RequirementSummary[] {
  return SUMMARY_REQUIREMENTS.map(({ id, period }) => {
    const counts = zeroCounts();
    let total = 0;
    for (const c of cadres) {
      if (c.status === 'exempt') continue;
      const r = c.requirements.find((x) => x.id === id && (period === 'term' ? x.period === 'term' : x.period === year));
      if (!r) continue;
      counts[r.status]++;
      total++;
    }
    return { id, period, counts, total };
  });
}

function examSummary(cadres: readonly ReportCadre[]): ExamSummary {
  let den = 0;
  let taken = 0;
  let sum = 0;
  const bands: [number, number, number, number] = [0, 0, 0, 0];
  for (const c of cadres) {
    if (c.status === 'exempt') continue;
    den++;
    const e = c.latestExam;
    if (!e) continue;
    taken++;
    sum += e.scoreTenths;
    bands[e.scoreTenths < 600 ? 0 : e.scoreTenths < 800 ? 1 : e.scoreTenths < 900 ? 2 : 3]++;
  }
  return { taken: { num: taken, den }, meanTenths: { num: sum, den: taken }, bands };
}

function shortfallList(cadres: readonly ReportCadre[]): ReportModel['shortfall'] {
  const by = new Map<string, ShortfallEntry[]>();
  for (const c of cadres) {
    if (!BAD.has(c.status)) continue;
    const missing = c.requirements.filter((r) => BAD.has(r.status));
    let list = by.get(c.department);
    if (!list) by.set(c.department, (list = []));
    list.push({ learnerId: c.learnerId, name: c.name, rank: c.rank, status: c.status, missing });
  }
  return [...by]
    .sort(([a], [b]) => cmpText(a, b))
    .map(([department, list]) => ({ department, cadres: list.sort((a, b) => cmpText(a.learnerId, b.learnerId)) }));
}

/** Essays of the year and their similarity checks, over some cadres (a department, or all). */
export interface SimilarityCounts {
  essays: number;
  compared: number;
  over: number;
  held: number;
  overridden: number;
}

export interface SimilaritySummary {
  total: SimilarityCounts;
  departments: (SimilarityCounts & { department: string })[];
  /** The hold thresholds, per mille: copied from others, repeated from the cadre's own. */
  othersPermille: number;
  selfPermille: number;
}

/** The share of compared essays at or over a threshold (exact; rendered as a rate). */
export const overShare = (c: SimilarityCounts): Rate => ({ num: c.over, den: c.compared });

/** The summary of the per-department counts given (any order; departments named once). */
export function similaritySummary(rows: readonly (SimilarityCounts & { department: string })[], othersPermille: number, selfPermille: number): SimilaritySummary {
  const total: SimilarityCounts = { essays: 0, compared: 0, over: 0, held: 0, overridden: 0 };
  for (const r of rows) for (const k of ['essays', 'compared', 'over', 'held', 'overridden'] as const) total[k] += r[k];
  const departments = rows
    .filter((r) => r.essays > 0)
    .map((r) => ({ department: r.department, essays: r.essays, compared: r.compared, over: r.over, held: r.held, overridden: r.overridden }))
    .sort((a, b) => cmpText(a.department, b.department));
  return { total, departments, othersPermille, selfPermille };
}

export interface ReportInput {
  year: number;
  department: string | null;
  anonymized?: boolean;
  asOf: string;
  cutoff: string;
  source: ReportSource | null;
  current: readonly ReportCadre[];
  /** The year before's view, or null when it has no cadres on file. */
  previous: readonly ReportCadre[] | null;
  hoursByMonth: { current: ReadonlyMap<string, number>; previous: ReadonlyMap<string, number> | null };
  policy: Policy;
  /** How many departments the top and bottom lists hold (default 5). */
  topCount?: number;
  /** The year's essays and their similarity checks per department (db/report.ts `similarityByDepartment`); none when absent. */
  similarity?: readonly (SimilarityCounts & { department: string })[];
}

export function buildReportModel(input: ReportInput): ReportModel {
  const { year, policy } = input;
  const current = yearFigures(input.current, year);
  const previous = input.previous && input.previous.length ? yearFigures(input.previous, year - 1) : null;
  const departments = departmentFigures(input.current, year);
  const ranked = rankDepartments(departments.filter((d) => d.all.den > 0));
  const n = Math.min(input.topCount ?? 5, Math.floor(ranked.length / 2));
  const ranks = {} as ReportModel['policy']['ranks'];
  for (const r of RANKS) {
    const p = policy.ranks[r];
    ranks[r] = { totalTenths: p.totalTenths, hoursPerYearQ: p.hoursPerYearQ, requiredHoursPerYearQ: p.requiredHoursPerYearQ, reflectionsPerYear: p.reflection.requiredPerYear, reportsPerTerm: p.report.requiredPerTerm, trainingTenths: p.trainingTenths };
  }
  return {
    year,
    department: input.department,
    anonymized: !!input.anonymized,
    asOf: input.asOf,
    cutoff: input.cutoff,
    source: input.source,
    current,
    previous,
    departments,
    top: ranked.slice(0, n),
    bottom: n ? ranked.slice(-n).reverse() : [],
    histograms: RANKS.map((r) => histogram(input.current, r, policy.ranks[r].totalTenths)),
    monthly: {
      current: monthSeries(year, policy, input.hoursByMonth.current),
      previous: input.hoursByMonth.previous && previous ? monthSeries(year - 1, policy, input.hoursByMonth.previous) : null,
    },
    requirements: requirementSummaries(input.current, year),
    exams: examSummary(input.current),
    shortfall: shortfallList(input.current),
    similarity: similaritySummary(input.similarity ?? [], policy.similarity.holdOthersPermille, policy.similarity.holdSelfPermille),
    policy: { ranks },
  };
}

// ---------------------------------------------------------------- rendering the exact numbers

/** A rate in tenths of a percent, rounded half up (exact integer arithmetic); null when no one is counted. */
export function permille(r: Rate): number | null {
  if (r.den === 0) return null;
  return Math.floor((2 * r.num * 1000 + r.den) / (2 * r.den));
}

/** `87.5%`, or `—` for no one. */
export function rateText(r: Rate): string {
  const p = permille(r);
  return p === null ? '—' : `${tenthsText(p)}%`;
}

/** Tenths as a decimal with one place: 875 → "87.5", -3 → "-0.3". */
export function tenthsText(t: number): string {
  const sign = t < 0 ? '-' : '';
  const a = Math.abs(t);
  return `${sign}${Math.floor(a / 10)}.${a % 10}`;
}

/** The change of a rate in tenths of a percentage point, rounded half away from zero from the exact difference; null if either is empty. */
export function rateChange(now: Rate, before: Rate | undefined | null): number | null {
  if (!before || now.den === 0 || before.den === 0) return null;
  const num = (now.num * before.den - before.num * now.den) * 1000;
  const den = now.den * before.den;
  const a = Math.abs(num);
  const v = Math.floor((2 * a + den) / (2 * den));
  return num < 0 ? -v : v;
}

/** Quarter hours over a count, as hours in tenths rounded half up: the per-capita figure. */
export function perCapitaTenths(r: Rate): number | null {
  if (r.den === 0) return null;
  // quarters / 4 hours = quarters * 10 / 4 tenths of an hour.
  return Math.floor((2 * r.num * 10 + 4 * r.den) / (2 * 4 * r.den));
}

/** Quarter hours as hours: 30 → "7.5", 31 → "7.75". */
export function quartersText(q: number): string {
  const sign = q < 0 ? '-' : '';
  const a = Math.abs(q);
  const whole = Math.floor(a / 4);
  const frac = ['', '.25', '.5', '.75'][a % 4];
  return `${sign}${whole}${frac}`;
}

/** A signed change: "+3", "-1.5", "±0". */
export function signed(text: string, zero: boolean): string {
  if (zero) return '±0';
  return text.startsWith('-') ? `−${text.slice(1)}` : `+${text}`;
}

/**
 * A name shortened for wide circulation: the first character of a Chinese
 * name followed by 某 (张三 → 张某), the initials of a Latin one (Li Wei → L. W.).
 */
export function initialsOf(name: string): string {
  const n = name.normalize('NFKC').trim();
  if (n === '') return '—';
  const first = [...n][0];
  if (/\p{Script=Han}/u.test(first)) return `${first}某`;
  return n
    .split(/[\s·.\-]+/u)
    .filter(Boolean)
    .map((w) => `${[...w][0].toUpperCase()}.`)
    .join(' ');
}
