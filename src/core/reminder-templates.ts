/**
 * The office's reminder templates (policy `reminders.templates`): texts with
 * placeholders in braces, each accepted in Chinese or English (`{姓名}` or
 * `{name}`). Which placeholders a template may use depends on what it is
 * filled with: a cadre's message knows the cadre, a department's notice
 * knows the department. A template is checked when the policy is read, so a
 * mistyped placeholder stops the tool at start, not half-way through a run.
 */

export type TemplateField = 'name' | 'gaps' | 'deadline' | 'contact' | 'office' | 'department' | 'as_of' | 'count';

/** Each field's Chinese placeholder (the English one is the field's own name). */
export const FIELD_ZH: Record<TemplateField, string> = {
  name: '姓名',
  gaps: '缺口',
  deadline: '截止日期',
  contact: '联系方式',
  office: '单位',
  department: '部门',
  as_of: '日期',
  count: '人数',
};

export type TemplateKey = 'sms_zh' | 'sms_en' | 'notice_title_zh' | 'notice_title_en' | 'notice_body_zh' | 'notice_body_en';
export const TEMPLATE_KEYS: readonly TemplateKey[] = ['sms_zh', 'sms_en', 'notice_title_zh', 'notice_title_en', 'notice_body_zh', 'notice_body_en'];

const SMS: TemplateField[] = ['name', 'gaps', 'deadline', 'contact', 'office', 'department', 'as_of'];
const TITLE: TemplateField[] = ['department', 'as_of', 'office'];
const BODY: TemplateField[] = ['department', 'as_of', 'office', 'contact', 'count', 'deadline'];

/** The placeholders each template may use. */
export const TEMPLATE_FIELDS: Record<TemplateKey, readonly TemplateField[]> = {
  sms_zh: SMS,
  sms_en: SMS,
  notice_title_zh: TITLE,
  notice_title_en: TITLE,
  notice_body_zh: BODY,
  notice_body_en: BODY,
};

/** The templates when the policy has none (each replaced one by one by the policy's own). */
export const DEFAULT_TEMPLATES: Record<TemplateKey, string> = {
  sms_zh: '{姓名}同志：截至{日期}，您的干部网络学习尚有以下缺口：{缺口}。请于{截止日期}前完成。如有疑问请联系{单位}，{联系方式}。',
  sms_en: 'Dear {name}: as of {as_of}, your cadre online learning still lacks: {gaps}. Please complete it by {deadline}. Questions: {office}, {contact}.',
  notice_title_zh: '{部门}干部网络学习督办单',
  notice_title_en: 'Cadre online learning: notice to {department}',
  notice_body_zh: '{部门}负责同志：截至{日期}，贵单位有{人数}名干部的网络学习进度落后或未达标（明细如下），请督促其于{截止日期}前完成。联系方式：{单位}，{联系方式}。',
  notice_body_en: 'To the head of {department}: as of {as_of}, {count} of your cadres are behind pace or short in their online learning (listed below). Please see that they complete it by {deadline}. Contact: {office}, {contact}.',
};

export type TemplatePart = { text: string } | { field: TemplateField };

export type TemplateCheck = { ok: true; parts: TemplatePart[] } | { ok: false; problem: string };

function fieldOf(name: string): TemplateField | null {
  for (const [field, zh] of Object.entries(FIELD_ZH) as [TemplateField, string][]) if (name === field || name === zh) return field;
  return null;
}

/**
 * Splits a template into text and placeholders, refusing a placeholder it
 * does not know or may not use (named, with those it may) and an unmatched
 * brace. `problem` is English: the policy's errors are (PolicyError).
 */
export function parseTemplate(text: string, allowed: readonly TemplateField[]): TemplateCheck {
  const parts: TemplatePart[] = [];
  const re = /\{([^{}]*)\}/g;
  let at = 0;
  const accepted = () => allowed.map((f) => `{${FIELD_ZH[f]}}/{${f}}`).join(', ');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const before = text.slice(at, m.index);
    if (/[{}]/.test(before)) return { ok: false, problem: `has an unmatched brace near "${before.slice(-20)}"; placeholders are written {姓名}` };
    if (before) parts.push({ text: before });
    const name = m[1].trim();
    const field = fieldOf(name);
    if (!field || !allowed.includes(field)) return { ok: false, problem: `has the placeholder {${m[1]}}, which ${field ? 'this template cannot fill' : 'is not known'}; it may use ${accepted()}` };
    parts.push({ field });
    at = m.index + m[0].length;
  }
  const rest = text.slice(at);
  if (/[{}]/.test(rest)) return { ok: false, problem: `has an unmatched brace near "${rest.slice(0, 20)}"; placeholders are written {姓名}` };
  if (rest) parts.push({ text: rest });
  return { ok: true, parts };
}

/** A checked template filled with the values of its placeholders. */
export function fillTemplate(parts: readonly TemplatePart[], values: Partial<Record<TemplateField, string>>): string {
  return parts.map((p) => ('text' in p ? p.text : (values[p.field] ?? ''))).join('');
}

/** Characters of a text as a phone counts them (code points, not UTF-16 units). */
export function smsLength(text: string): number {
  return [...text].length;
}

/**
 * How many SMS a text is sent as: one up to `single` characters, else parts
 * of `single - 3` (the part header takes the rest: 70 → 67 for Chinese).
 */
export function smsParts(text: string, single: number): number {
  const n = smsLength(text);
  return n <= single ? 1 : Math.ceil(n / (single - 3));
}
