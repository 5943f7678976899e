/**
 * A certificate of study (学时证明): what it states, as a canonical JSON that
 * the verification code is an HMAC over, and how two such contents differ.
 * Pure: the HMAC itself, the key and the serial counter live in db/ and
 * report/; this module only builds, serialises, compares and formats.
 *
 * Every figure is an integer in the engine's own unit (credits in tenths,
 * hours in quarter hours, essays as counts, scores in tenths), never a float,
 * so the same records give the same text on every machine.
 */
import type { CadreAudit, RequirementId, Status, Unit } from './audit.js';
import type { IsoDate } from './dates.js';

export const CERTIFICATE_FORMAT = 'cadre-certificate/1';

export type CertificateScope = { kind: 'term'; asOf: IsoDate } | { kind: 'year'; year: number };

export interface CertificateRequirement {
  id: RequirementId;
  period: 'term' | number;
  unit: Unit;
  required: number;
  actual: number;
  status: Status;
  exempt_reason: string | null;
}

export interface CertificateContent {
  format: string;
  serial: string;
  issued_at: string;
  office: { zh: string; en: string };
  learner: { id: string; staff_no: string; name: string; department: string; rank: string };
  scope: { kind: 'term' | 'year'; year: number | null; as_of: IsoDate; term_from: IsoDate; term_to: IsoDate; term_years: string };
  status: Status;
  /** Term credits, tenths. */
  credits: { platform: number; essays: number; training: number; total: number; required: number };
  requirements: CertificateRequirement[];
  records: {
    hours: { date: IsoDate; course: string; title: string | null; quarters: number }[];
    essays: { date: IsoDate; kind: 'reflection' | 'report'; title: string; chars: number }[];
    training: { date: IsoDate; topic: string }[];
    exams: { date: IsoDate; exam: string; score_tenths: number }[];
  };
  /** When the certificate's year was closed (`cadre close-year`), or null: the certificate is of today's records either way. */
  year_closed_at: string | null;
}

export interface CertificateInput {
  serial: string;
  issuedAt: string;
  office: { zh: string; en: string };
  learner: { id: string; staffNo: string; name: string; department: string };
  scope: CertificateScope;
  /** The view's date: the day of issue for a term certificate, the year's last day for a year's. */
  asOf: IsoDate;
  audit: CadreAudit;
  yearClosedAt: string | null;
  /** A year's certificate: the year's first and last day (its exams are those dated in it). */
  yearSpan: { from: IsoDate; to: IsoDate } | null;
  /** Course code → its title in the catalogue (null or absent: none recorded). */
  courseTitles: ReadonlyMap<string, string | null>;
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The certificate's content: the cadre, the scope, each requirement in view
 * (a year's certificate: that year's and the term's as at the year's end),
 * the term credits, and the records counted (a year's: those of that year).
 */
export function buildCertificate(input: CertificateInput): CertificateContent {
  const { audit, scope } = input;
  const year = scope.kind === 'year' ? scope.year : null;
  const inScope = (y: number) => year === null || y === year;
  const reqs = audit.requirements.filter((r) => r.period === 'term' || inScope(r.period));
  const status = worst(reqs.map((r) => r.status), audit.status, year !== null);
  return {
    format: CERTIFICATE_FORMAT,
    serial: input.serial,
    issued_at: input.issuedAt,
    office: { zh: input.office.zh, en: input.office.en },
    learner: { id: input.learner.id, staff_no: input.learner.staffNo, name: input.learner.name, department: input.learner.department, rank: audit.rank },
    scope: { kind: scope.kind, year, as_of: input.asOf, term_from: audit.term.windowStart, term_to: audit.term.windowEnd, term_years: `${audit.term.startYear}-${audit.term.endYear + 1}` },
    status,
    credits: {
      platform: audit.credits.platformTenths,
      essays: audit.credits.essaysTenths,
      training: audit.credits.trainingTenths,
      total: audit.credits.totalTenths,
      required: audit.credits.requiredTenths,
    },
    requirements: reqs.map((r) => ({ id: r.id, period: r.period, unit: r.unit, required: r.required, actual: r.actual, status: r.status, exempt_reason: r.exemptReason ?? null })),
    records: {
      hours: audit.hours.filter((h) => h.counts && inScope(h.year)).map((h) => ({ date: h.date, course: h.course, title: input.courseTitles.get(h.course) ?? null, quarters: h.quarters })),
      essays: audit.essays.filter((e) => e.counts && inScope(e.year)).map((e) => ({ date: e.date, kind: e.kind, title: e.title, chars: e.chars })),
      training: audit.training.filter((t) => t.counts && inScope(t.year)).map((t) => ({ date: t.date, topic: t.topic })),
      exams: audit.exams.filter((x) => !input.yearSpan || (x.date >= input.yearSpan.from && x.date <= input.yearSpan.to)).map((x) => ({ date: x.date, exam: x.exam, score_tenths: x.scoreTenths })),
    },
    year_closed_at: input.yearClosedAt,
  };
}

/** A year's certificate: the worst status of its requirements; a term's: the audit's own. */
function worst(statuses: Status[], overall: Status, ofYear: boolean): Status {
  if (!ofYear) return overall;
  const rank: Record<Status, number> = { exempt: 0, met: 1, unrecorded: 2, on_track: 3, behind: 4, short: 5 };
  let w: Status = statuses.length && statuses.every((s) => s === 'exempt') ? 'exempt' : 'met';
  for (const s of statuses) if (s !== 'exempt' && rank[s] > rank[w]) w = s;
  return w;
}

/** JSON with every object's keys sorted and no spaces: one text for one content, whatever built it. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isInteger(value)) throw new Error(`canonicalJson: not an integer: ${value}`);
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => byKey(a, b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Characters of the code (5 groups of 4: 100 bits of the HMAC). */
export const CODE_CHARS = 20;

/** The first CODE_CHARS base32 characters of a digest, in groups of four: `ABCD-EFGH-IJKL-MNOP-QRST`. */
export function formatCode(digest: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < CODE_CHARS) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length >= CODE_CHARS) break;
  }
  return out.match(/.{4}/g)!.join('-');
}

/** What the QR code and the PDF's keywords carry: `CADRE-CERT:2026-000123:ABCD-…`. */
export function qrText(serial: string, code: string): string {
  return `CADRE-CERT:${serial}:${code}`;
}

const SERIAL = /^\d{4}-\d{6}$/;

/**
 * A code as a person typed or scanned it: the QR's `CADRE-CERT:serial:code`,
 * or the code alone, in any case, with or without its dashes and spaces, O
 * for 0 and I/L for 1 mistaken (base32 has neither 0 nor 1, so those are
 * read as the letters). Null when it cannot be a code.
 */
export function parseCode(raw: string): { code: string; serial: string | null } | null {
  let s = raw.normalize('NFKC').trim().toUpperCase();
  let serial: string | null = null;
  const m = /^CADRE-CERT:(\d{4}-\d{6}):(.+)$/.exec(s);
  if (m) {
    serial = m[1];
    s = m[2];
  }
  s = s.replace(/[\s-]/g, '').replace(/0/g, 'O').replace(/[1]/g, 'I');
  if (s.length !== CODE_CHARS || /[^A-Z2-7]/.test(s)) return null;
  if (serial !== null && !SERIAL.test(serial)) return null;
  return { code: s.match(/.{4}/g)!.join('-'), serial };
}

/** `2026-000123`: the year of issue and its counter. */
export function formatSerial(year: number, n: number): string {
  return `${year}-${String(n).padStart(6, '0')}`;
}

/** One difference between the certificate and today's records. */
export interface CertificateChange {
  /** `status`, `requirement`, `credits`, `record`, `learner`, `scope`, `year_closed_at` */
  field: string;
  /** Which: a requirement's `hours:2025`, a credit's `total`, a record's kind, a learner field's name. */
  item: string;
  before: unknown;
  after: unknown;
}

const recordKey = (kind: string, r: Record<string, unknown>) => `${kind}:${canonicalJson(r)}`;

/**
 * What differs between the content issued and the content today's records
 * give (the serial, the issue time and the office's name are the
 * certificate's own and not compared): each field, each requirement, each
 * credit, each record counted then and not now (before) or now and not then
 * (after). Empty: the certificate matches.
 */
export function diffCertificates(issued: CertificateContent, today: CertificateContent): CertificateChange[] {
  const out: CertificateChange[] = [];
  for (const k of ['id', 'staff_no', 'name', 'department', 'rank'] as const) {
    if (issued.learner[k] !== today.learner[k]) out.push({ field: 'learner', item: k, before: issued.learner[k], after: today.learner[k] });
  }
  for (const k of ['term_from', 'term_to', 'term_years'] as const) {
    if (issued.scope[k] !== today.scope[k]) out.push({ field: 'scope', item: k, before: issued.scope[k], after: today.scope[k] });
  }
  if (issued.status !== today.status) out.push({ field: 'status', item: 'status', before: issued.status, after: today.status });
  for (const k of ['platform', 'essays', 'training', 'total', 'required'] as const) {
    if (issued.credits[k] !== today.credits[k]) out.push({ field: 'credits', item: k, before: issued.credits[k], after: today.credits[k] });
  }
  const reqKey = (r: CertificateRequirement) => `${r.id}:${r.period}`;
  const now = new Map(today.requirements.map((r) => [reqKey(r), r]));
  const then = new Map(issued.requirements.map((r) => [reqKey(r), r]));
  for (const r of issued.requirements) {
    const t = now.get(reqKey(r));
    if (!t) out.push({ field: 'requirement', item: reqKey(r), before: r, after: null });
    else if (canonicalJson(r) !== canonicalJson(t)) out.push({ field: 'requirement', item: reqKey(r), before: r, after: t });
  }
  for (const t of today.requirements) if (!then.has(reqKey(t))) out.push({ field: 'requirement', item: reqKey(t), before: null, after: t });
  for (const kind of ['hours', 'essays', 'training', 'exams'] as const) {
    const a = (issued.records[kind] as Record<string, unknown>[]).map((r) => recordKey(kind, r));
    const b = (today.records[kind] as Record<string, unknown>[]).map((r) => recordKey(kind, r));
    const left = multiset(b);
    const gone: Record<string, unknown>[] = [];
    (issued.records[kind] as Record<string, unknown>[]).forEach((r, i) => {
      if (!take(left, a[i])) gone.push(r);
    });
    const right = multiset(a);
    const added: Record<string, unknown>[] = [];
    (today.records[kind] as Record<string, unknown>[]).forEach((r, i) => {
      if (!take(right, b[i])) added.push(r);
    });
    for (const r of gone) out.push({ field: 'record', item: kind, before: r, after: null });
    for (const r of added) out.push({ field: 'record', item: kind, before: null, after: r });
  }
  if (issued.year_closed_at !== today.year_closed_at) out.push({ field: 'year_closed_at', item: 'year_closed_at', before: issued.year_closed_at, after: today.year_closed_at });
  return out;
}

function multiset(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

function take(m: Map<string, number>, k: string): boolean {
  const n = m.get(k) ?? 0;
  if (!n) return false;
  m.set(k, n - 1);
  return true;
}
