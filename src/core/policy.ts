/**
 * The policy: every number of the notice's rules, in exact internal units.
 * `parsePolicy` validates the JSON shipped in data/policy.json (or another
 * school's file) and converts it; the engine takes the result as an argument.
 */
import type { AnomalyRules } from './anomalies.js';
import { decimalToUnits } from './decimal.js';
import type { SimilaritySettings } from './similarity.js';
import type { ReviewSettings } from './review.js';
import { DEFAULT_TEMPLATES, TEMPLATE_FIELDS, TEMPLATE_KEYS, parseTemplate, type TemplateKey, type TemplatePart } from './reminder-templates.js';

export type Rank = 'division' | 'section';
export const RANKS: readonly Rank[] = ['division', 'section'];

export interface RankPolicy {
  /** Term total, tenths of a credit. */
  totalTenths: number;
  /** Platform hours per academic year, quarter hours. */
  hoursPerYearQ: number;
  /** Required-course hours per academic year expected by policy, quarter hours. */
  requiredHoursPerYearQ: number;
  reflection: { requiredPerYear: number; minChars: number; creditTenths: number };
  report: { requiredPerTerm: number; minChars: number; creditTenths: number };
  /** Topic-training credits per term, tenths. */
  trainingTenths: number;
}

export interface Policy {
  /** Month and day the academic year starts, e.g. [9, 1]. */
  yearStart: [number, number];
  /** Appointments on or after this month-day (within the academic year) start their first term the next year. */
  appointmentCutoff: [number, number];
  termYears: number;
  /** Learner IDs are this prefix, the two-digit year of issue and a sequence number. */
  learnerIdPrefix: string;
  /** Tenths of a credit earned by one quarter hour of platform study. */
  creditTenthsPerQuarterHour: number;
  maxQuarterHoursPerRow: number;
  trainingTenthsPerTopic: number;
  caps: { reflectionsPerYear: number; reportsPerTerm: number };
  initialPasswordDays: number;
  lockout: { attempts: number; windowMinutes: number; lockMinutes: number };
  ranks: Record<Rank, RankPolicy>;
  /** Lower-cased word → rank. */
  rankWords: Map<string, Rank>;
  refusedRankWords: Set<string>;
  /** The office's name as printed on the title row of its workbooks (policy `office`; optional, see DEFAULT_OFFICE). */
  office: { zh: string; en: string };
  /** How essays are compared with every stored essay and the registered references (src/core/similarity.ts). */
  similarity: SimilaritySettings;
  /** The review workflow (policy `essays.review`; optional, see DEFAULT_REVIEW_JSON): the score scale and the resubmission window. */
  review: ReviewSettings;
  /** How people reach the office (policy `office.contact`: phone, email), said in every reminder; '' when the policy gives none. */
  contact: string;
  /** `cadre remind`: the quiet period, the SMS length, and the office's templates, each checked (src/core/reminder-templates.ts). */
  reminders: RemindersPolicy;
  /** What an hours import flags as implausible (policy `anomalies`; optional, see DEFAULT_ANOMALIES). */
  anomalies: AnomalyRules;
}

/** The checks when the policy names none: over 12 hours a day, 3 courses in one minute, a course in less than its length. */
export const DEFAULT_ANOMALIES: AnomalyRules = { maxQuartersPerDay: 48, sameMinuteCourses: 3, minStudyPercent: 100 };

/** `anomalies: { max_hours_per_day, same_minute_courses, min_study_percent }`, each optional. */
function anomalyRules(root: Record<string, Json>): AnomalyRules {
  if (!Object.prototype.hasOwnProperty.call(root, 'anomalies')) return { ...DEFAULT_ANOMALIES };
  const path = 'policy.anomalies';
  const o = obj(root.anomalies, path);
  const has = (k: string) => Object.prototype.hasOwnProperty.call(o, k);
  for (const k of Object.keys(o)) {
    if (!k.startsWith('$') && !['max_hours_per_day', 'same_minute_courses', 'min_study_percent'].includes(k)) throw new PolicyError(`${path}.${k}`, 'is not a setting of anomalies (max_hours_per_day, same_minute_courses, min_study_percent)');
  }
  const maxQuartersPerDay = has('max_hours_per_day') ? decimal(o, 'max_hours_per_day', path, 4, 'quarter hours') : DEFAULT_ANOMALIES.maxQuartersPerDay;
  if (maxQuartersPerDay < 4 || maxQuartersPerDay > 96) throw new PolicyError(`${path}.max_hours_per_day`, 'must be from 1 to 24 hours');
  const sameMinuteCourses = has('same_minute_courses') ? count(o, 'same_minute_courses', path) : DEFAULT_ANOMALIES.sameMinuteCourses;
  if (sameMinuteCourses === 1) throw new PolicyError(`${path}.same_minute_courses`, 'must be 0 (not checked) or at least 2: one course in a minute is not implausible');
  const minStudyPercent = has('min_study_percent') ? count(o, 'min_study_percent', path) : DEFAULT_ANOMALIES.minStudyPercent;
  if (minStudyPercent > 100) throw new PolicyError(`${path}.min_study_percent`, 'must be from 0 (not checked) to 100');
  return { maxQuartersPerDay, sameMinuteCourses, minStudyPercent };
}

export interface RemindersPolicy {
  /** The same reminder (cadre and gap) is not produced again within this many days of the last one. */
  quietDays: number;
  /** Characters of one SMS; a longer message is warned about (sent in parts). */
  smsChars: number;
  templates: Record<TemplateKey, { text: string; parts: TemplatePart[] }>;
}

export const DEFAULT_QUIET_DAYS = 14;
export const DEFAULT_SMS_CHARS = 70;

/** The office's name when the policy names none. */
export const DEFAULT_OFFICE = { zh: '党委组织部', en: 'Organisation Department of the Party Committee' } as const;

/** `office: { name_zh, name_en }`, both optional (a missing one takes the default); each a one-line text of at most 60 characters. */
function officeNames(root: Record<string, Json>): { zh: string; en: string } {
  if (!Object.prototype.hasOwnProperty.call(root, 'office')) return { ...DEFAULT_OFFICE };
  const o = obj(root.office, 'policy.office');
  const name = (key: 'name_zh' | 'name_en', fallback: string): string => {
    if (!Object.prototype.hasOwnProperty.call(o, key)) return fallback;
    const v = o[key];
    // eslint-disable-next-line no-control-regex
    if (typeof v !== 'string' || v.trim() === '' || v.length > 60 || /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(v)) {
      throw new PolicyError(`policy.office.${key}`, 'must be a one-line name of 1 to 60 characters');
    }
    return v.trim();
  };
  return { zh: name('name_zh', DEFAULT_OFFICE.zh), en: name('name_en', DEFAULT_OFFICE.en) };
}

/** A one-line text of at most `max` characters, or a PolicyError naming `path`. */
function oneLine(v: Json, path: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  if (typeof v !== 'string' || v.trim() === '' || v.length > max || /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(v)) {
    throw new PolicyError(path, `must be a one-line text of 1 to ${max} characters`);
  }
  return v.trim();
}

/** `office.contact`: optional, one line (a phone number and an email address). */
function officeContact(root: Record<string, Json>): string {
  if (!Object.prototype.hasOwnProperty.call(root, 'office')) return '';
  const o = obj(root.office, 'policy.office');
  if (!Object.prototype.hasOwnProperty.call(o, 'contact')) return '';
  return oneLine(o.contact, 'policy.office.contact', 120);
}

/**
 * `reminders: { quiet_days, sms_chars, templates: { sms_zh, … } }`, every part optional; each
 * template's placeholders checked here, at start: an unknown one is refused, named with its path.
 */
function remindersPolicy(root: Record<string, Json>): RemindersPolicy {
  const r = Object.prototype.hasOwnProperty.call(root, 'reminders') ? obj(root.reminders, 'policy.reminders') : {};
  const has = (o: Record<string, Json>, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  const quietDays = has(r, 'quiet_days') ? count(r, 'quiet_days', 'policy.reminders') : DEFAULT_QUIET_DAYS;
  const smsChars = has(r, 'sms_chars') ? count(r, 'sms_chars', 'policy.reminders', 20) : DEFAULT_SMS_CHARS;
  const given = has(r, 'templates') ? obj(r.templates, 'policy.reminders.templates') : {};
  for (const k of Object.keys(given)) {
    if (!(TEMPLATE_KEYS as readonly string[]).includes(k)) throw new PolicyError(`policy.reminders.templates.${k}`, `is not a template; the templates are ${TEMPLATE_KEYS.join(', ')}`);
  }
  const templates = {} as RemindersPolicy['templates'];
  for (const key of TEMPLATE_KEYS) {
    const path = `policy.reminders.templates.${key}`;
    const text = has(given, key) ? oneLine(given[key], path, 1000) : DEFAULT_TEMPLATES[key];
    const check = parseTemplate(text, TEMPLATE_FIELDS[key]);
    if (!check.ok) throw new PolicyError(path, check.problem);
    templates[key] = { text, parts: check.parts };
  }
  return { quietDays, smsChars, templates };
}

export class PolicyError extends Error {
  constructor(readonly path: string, readonly problem: string) {
    super(`${path}: ${problem}`);
  }
}

type Json = unknown;

function obj(v: Json, path: string): Record<string, Json> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new PolicyError(path, 'must be an object');
  return v as Record<string, Json>;
}

function field(o: Record<string, Json>, key: string, path: string): Json {
  if (!Object.prototype.hasOwnProperty.call(o, key)) throw new PolicyError(`${path}.${key}`, 'is missing');
  return o[key];
}

function decimal(o: Record<string, Json>, key: string, path: string, unitsPerOne: number, unitName: string): number {
  const v = field(o, key, path);
  const text = typeof v === 'number' ? String(v) : v;
  if (typeof text !== 'string') throw new PolicyError(`${path}.${key}`, 'must be a decimal number written as a string, e.g. "0.4"');
  const units = decimalToUnits(text, unitsPerOne);
  if (units === null) throw new PolicyError(`${path}.${key}`, `"${text}" is not a whole number of ${unitName}`);
  return units;
}

function count(o: Record<string, Json>, key: string, path: string, min = 0): number {
  const v = field(o, key, path);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new PolicyError(`${path}.${key}`, `must be a whole number ≥ ${min}`);
  }
  return v;
}

function monthDay(o: Record<string, Json>, key: string, path: string): [number, number] {
  const v = field(o, key, path);
  const m = typeof v === 'string' ? /^(\d{2})-(\d{2})$/.exec(v) : null;
  const month = m ? Number(m[1]) : 0;
  const day = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12 || day < 1 || day > 28) {
    throw new PolicyError(`${path}.${key}`, 'must be "MM-DD" with a day from 01 to 28');
  }
  return [month, day];
}

function words(o: Record<string, Json>, key: string, path: string): string[] {
  const v = field(o, key, path);
  if (!Array.isArray(v) || v.some((w) => typeof w !== 'string' || w.trim() === '')) {
    throw new PolicyError(`${path}.${key}`, 'must be a list of words');
  }
  return (v as string[]).map((w) => w.trim().toLowerCase());
}

function rankPolicy(v: Json, path: string): RankPolicy {
  const o = obj(v, path);
  const reflection = obj(field(o, 'reflection', path), `${path}.reflection`);
  const report = obj(field(o, 'report', path), `${path}.report`);
  return {
    totalTenths: decimal(o, 'total_credits', path, 10, 'tenths of a credit'),
    hoursPerYearQ: decimal(o, 'hours_per_year', path, 4, 'quarter hours'),
    requiredHoursPerYearQ: decimal(o, 'required_hours_per_year', path, 4, 'quarter hours'),
    reflection: {
      requiredPerYear: count(reflection, 'required_per_year', `${path}.reflection`),
      minChars: count(reflection, 'min_chars', `${path}.reflection`, 1),
      creditTenths: decimal(reflection, 'credits', `${path}.reflection`, 10, 'tenths of a credit'),
    },
    report: {
      requiredPerTerm: count(report, 'required_per_term', `${path}.report`),
      minChars: count(report, 'min_chars', `${path}.report`, 1),
      creditTenths: decimal(report, 'credits', `${path}.report`, 10, 'tenths of a credit'),
    },
    trainingTenths: decimal(o, 'training_credits', path, 10, 'tenths of a credit'),
  };
}

function flag(o: Record<string, Json>, key: string, path: string): boolean {
  const v = field(o, key, path);
  if (typeof v !== 'boolean') throw new PolicyError(`${path}.${key}`, 'must be true or false');
  return v;
}

/**
 * The similarity settings as shipped in data/policy.json: a policy file
 * written before essays were compared (another school's) has no `essays`
 * section and takes these.
 */
export const DEFAULT_SIMILARITY_JSON = { k: 6, window: 12, common_percent: 1, common_min_essays: 10, min_passage: 8, max_gap: 12, candidates: 20, keep_text: true, hold_copied_percent: '30', hold_self_percent: '30' } as const;

/** `essays.similarity`, or the defaults when the policy has no such section. */
function essaySimilarity(root: Record<string, Json>): SimilaritySettings {
  if (!Object.prototype.hasOwnProperty.call(root, 'essays')) return similarityPolicy({ ...DEFAULT_SIMILARITY_JSON }, 'policy.essays.similarity');
  const essays = obj(root.essays, 'policy.essays');
  if (!Object.prototype.hasOwnProperty.call(essays, 'similarity')) return similarityPolicy({ ...DEFAULT_SIMILARITY_JSON }, 'policy.essays.similarity');
  return similarityPolicy(essays.similarity, 'policy.essays.similarity');
}

/** The review settings when the policy names none: the grades 优秀/合格/不合格, 30 days to resubmit. */
export const DEFAULT_REVIEW_JSON = { scale: ['优秀', '合格', '不合格'], resubmit_days: 30 } as const;

/** `essays.review`: `scale` a list of grades or {min, max} whole numbers; `resubmit_days` a count of days. */
function essayReview(root: Record<string, Json>): ReviewSettings {
  const essays = Object.prototype.hasOwnProperty.call(root, 'essays') ? obj(root.essays, 'policy.essays') : {};
  const path = 'policy.essays.review';
  const o = Object.prototype.hasOwnProperty.call(essays, 'review') ? obj(essays.review, path) : (JSON.parse(JSON.stringify(DEFAULT_REVIEW_JSON)) as Record<string, Json>);
  const raw = field(o, 'scale', path);
  let scale: ReviewSettings['scale'];
  if (Array.isArray(raw)) {
    const grades = raw.map((g) => (typeof g === 'string' ? g.normalize('NFC').trim() : ''));
    if (!grades.length || grades.some((g) => !g || g.length > 20)) throw new PolicyError(`${path}.scale`, 'must list the grades as non-empty texts (at most 20 characters), e.g. ["优秀", "合格", "不合格"]');
    if (new Set(grades.map((g) => g.normalize('NFKC'))).size !== grades.length) throw new PolicyError(`${path}.scale`, 'names a grade twice');
    scale = { kind: 'grades', grades };
  } else {
    const r = obj(raw, `${path}.scale`);
    const min = count(r, 'min', `${path}.scale`, 0);
    const max = count(r, 'max', `${path}.scale`, 1);
    if (max > 9999 || min >= max) throw new PolicyError(`${path}.scale`, 'must be a list of grades or {"min": 0, "max": 100}, min below max, max at most 9999');
    scale = { kind: 'range', min, max };
  }
  const resubmitDays = count(o, 'resubmit_days', path, 0);
  if (resubmitDays > 3660) throw new PolicyError(`${path}.resubmit_days`, 'must be at most 3660');
  return { scale, resubmitDays };
}

function similarityPolicy(v: Json, path: string): SimilaritySettings {
  const o = obj(v, path);
  const percent = (key: string): number => {
    const permille = decimal(o, key, path, 10, 'tenths of a percent');
    if (permille > 1000) throw new PolicyError(`${path}.${key}`, 'must be a percent from 0 to 100');
    return permille;
  };
  const s: SimilaritySettings = {
    k: count(o, 'k', path, 2),
    window: count(o, 'window', path, 1),
    commonPercent: count(o, 'common_percent', path, 0),
    commonMinEssays: count(o, 'common_min_essays', path, 1),
    minPassage: count(o, 'min_passage', path, 1),
    maxGap: count(o, 'max_gap', path, 0),
    candidates: count(o, 'candidates', path, 1),
    keepText: flag(o, 'keep_text', path),
    holdOthersPermille: percent('hold_copied_percent'),
    holdSelfPermille: percent('hold_self_percent'),
  };
  if (s.k > 32) throw new PolicyError(`${path}.k`, 'must be at most 32');
  if (s.window > 100) throw new PolicyError(`${path}.window`, 'must be at most 100');
  if (s.commonPercent > 100) throw new PolicyError(`${path}.common_percent`, 'must be a percent from 0 to 100');
  return s;
}

function learnerIdPrefix(v: Json): string {
  if (typeof v !== 'string' || !/^[A-Z]{1,6}$/.test(v)) {
    throw new PolicyError('policy.learner_id_prefix', 'must be 1 to 6 upper-case letters');
  }
  return v;
}

export function parsePolicy(json: Json): Policy {
  const root = obj(json, 'policy');
  if (field(root, 'version', 'policy') !== 1) throw new PolicyError('policy.version', 'must be 1');
  const creditTenthsPerHour = decimal(root, 'credits_per_hour', 'policy', 10, 'tenths of a credit');
  if (creditTenthsPerHour % 4 !== 0) {
    throw new PolicyError('policy.credits_per_hour', 'a quarter hour must earn a whole number of tenths of a credit (a multiple of 0.4)');
  }
  const step = decimal(root, 'hour_step', 'policy', 4, 'quarter hours');
  if (step !== 1) throw new PolicyError('policy.hour_step', 'only "0.25" is supported');
  const ranksObj = obj(field(root, 'ranks', 'policy'), 'policy.ranks');
  const caps = obj(field(root, 'caps', 'policy'), 'policy.caps');
  const lockout = obj(field(root, 'lockout', 'policy'), 'policy.lockout');
  const wordsObj = obj(field(root, 'rank_words', 'policy'), 'policy.rank_words');
  const rankWords = new Map<string, Rank>();
  for (const rank of RANKS) {
    for (const w of words(wordsObj, rank, 'policy.rank_words')) {
      const seen = rankWords.get(w);
      if (seen && seen !== rank) throw new PolicyError(`policy.rank_words.${rank}`, `"${w}" is also a word for ${seen}`);
      rankWords.set(w, rank);
    }
  }
  const policy: Policy = {
    yearStart: monthDay(root, 'academic_year_start', 'policy'),
    appointmentCutoff: monthDay(root, 'appointment_cutoff', 'policy'),
    termYears: count(root, 'term_years', 'policy', 1),
    learnerIdPrefix: learnerIdPrefix(field(root, 'learner_id_prefix', 'policy')),
    creditTenthsPerQuarterHour: creditTenthsPerHour / 4,
    maxQuarterHoursPerRow: decimal(root, 'max_hours_per_row', 'policy', 4, 'quarter hours'),
    trainingTenthsPerTopic: decimal(root, 'training_credits_per_topic', 'policy', 10, 'tenths of a credit'),
    caps: {
      reflectionsPerYear: count(caps, 'reflections_per_year', 'policy.caps'),
      reportsPerTerm: count(caps, 'reports_per_term', 'policy.caps'),
    },
    initialPasswordDays: count(root, 'initial_password_days', 'policy', 1),
    lockout: {
      attempts: count(lockout, 'attempts', 'policy.lockout', 1),
      windowMinutes: count(lockout, 'window_minutes', 'policy.lockout', 1),
      lockMinutes: count(lockout, 'lock_minutes', 'policy.lockout', 1),
    },
    ranks: {
      division: rankPolicy(field(ranksObj, 'division', 'policy.ranks'), 'policy.ranks.division'),
      section: rankPolicy(field(ranksObj, 'section', 'policy.ranks'), 'policy.ranks.section'),
    },
    rankWords,
    refusedRankWords: new Set(words(root, 'refused_rank_words', 'policy')),
    office: officeNames(root),
    similarity: essaySimilarity(root),
    review: essayReview(root),
    contact: officeContact(root),
    reminders: remindersPolicy(root),
    anomalies: { ...DEFAULT_ANOMALIES },
  };
  policy.anomalies = anomalyRules(root);
  return policy;
}

export type RankReading = { ok: true; rank: Rank } | { ok: false; refused: boolean };

/** Reads a rank as written in a roster (处级, 正处级干部, division …). */
export function readRank(text: string, policy: Policy): RankReading {
  const w = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const rank = policy.rankWords.get(w);
  if (rank) return { ok: true, rank };
  return { ok: false, refused: policy.refusedRankWords.has(w) };
}

/**
 * The seed's components add up to the term total (3 × 8 + 21 + 15 = 60 for
 * division). Returns the sum of a rank's components in tenths so a policy
 * whose components no longer cover its total can be flagged.
 */
export function componentSumTenths(policy: Policy, rank: Rank): number {
  const r = policy.ranks[rank];
  const yearly = r.hoursPerYearQ * policy.creditTenthsPerQuarterHour + r.reflection.requiredPerYear * r.reflection.creditTenths;
  return policy.termYears * yearly + r.report.requiredPerTerm * r.report.creditTenths + r.trainingTenths;
}
