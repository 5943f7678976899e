/** Who gets which reminder (src/core/reminders.ts) and the office's templates (src/core/reminder-templates.ts, checked by parsePolicy). */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Requirement } from '../../src/core/audit.js';
import { parsePolicy, PolicyError } from '../../src/core/policy.js';
import { planReminders, type PastReminder } from '../../src/core/reminders.js';
import { fillTemplate, parseTemplate, smsLength, smsParts, TEMPLATE_FIELDS } from '../../src/core/reminder-templates.js';
import { repoRoot } from '../helpers/cli.js';

const req = (id: Requirement['id'], period: Requirement['period'], status: Requirement['status'], periodEnd: string): Requirement => ({
  id, period, unit: 'credits', required: 60, actual: 10, shortfall: 50, met: false, status, periodStart: '2025-09-01', periodEnd,
});

const cadre = (requirements: Requirement[]) => ({ cadre: 'A', cadreId: 1, termStart: 2025, termEnd: '2028-08-31', requirements });
const both = new Set(['behind', 'short'] as const);
const past = (asOf: string, over: Partial<PastReminder> = {}): PastReminder => ({ cadreId: 1, requirement: 'hours', period: '2025', termStart: 2025, status: 'behind', asOf, ...over });

describe('planReminders', () => {
  const hours = req('hours', 2025, 'behind', '2026-08-31');
  const total = req('total', 'term', 'behind', '2028-08-31');
  const short = req('reflection', 2024, 'short', '2025-08-31');

  it('gives each gap the end of its period as its deadline, and the cadre the earliest still to come', () => {
    const plan = planReminders([cadre([total, hours, short, req('report', 'term', 'met', '2028-08-31')])], [], { asOf: '2026-05-15', statuses: both, quietDays: 14, again: false });
    expect(plan.reminders).toHaveLength(1);
    const r = plan.reminders[0];
    expect(r.gaps.map((g) => [g.requirement.id, g.period, g.deadline])).toEqual([['total', 'term', '2028-08-31'], ['hours', '2025', '2026-08-31'], ['reflection', '2024', '2025-08-31']]);
    expect(r.deadline).toBe('2026-08-31');
  });

  it('with only gaps whose periods have ended, the deadline is the end of the term while it runs', () => {
    expect(planReminders([cadre([short])], [], { asOf: '2026-05-15', statuses: both, quietDays: 14, again: false }).reminders[0].deadline).toBe('2028-08-31');
    expect(planReminders([{ ...cadre([short]), termEnd: '2026-01-31' }], [], { asOf: '2026-05-15', statuses: both, quietDays: 14, again: false }).reminders[0].deadline).toBeNull();
  });

  it('holds back a gap reminded fewer than quiet_days days before, and only that gap', () => {
    const opts = { statuses: both, quietDays: 14, again: false };
    const held = planReminders([cadre([total, hours])], [past('2026-05-15')], { ...opts, asOf: '2026-05-28' });
    expect(held.reminders[0].gaps.map((g) => g.requirement.id)).toEqual(['total']);
    expect(held.held).toBe(1);
    expect(held.heldCadres).toBe(0);
    // 14 days on: produced again.
    expect(planReminders([cadre([hours])], [past('2026-05-15')], { ...opts, asOf: '2026-05-29' }).reminders).toHaveLength(1);
    // Every gap held: no reminder, one cadre held.
    const none = planReminders([cadre([hours])], [past('2026-05-15')], { ...opts, asOf: '2026-05-16' });
    expect(none.reminders).toEqual([]);
    expect(none.heldCadres).toBe(1);
    // A reminder of a later as-of date than this run's also holds it back.
    expect(planReminders([cadre([hours])], [past('2026-06-01')], { ...opts, asOf: '2026-05-16' }).reminders).toEqual([]);
    // --again: produced whatever came before.
    expect(planReminders([cadre([hours])], [past('2026-05-15')], { ...opts, asOf: '2026-05-16', again: true }).reminders).toHaveLength(1);
  });

  it('another gap, status, term or cadre is another reminder', () => {
    const opts = { asOf: '2026-05-16', statuses: both, quietDays: 14, again: false };
    for (const over of [{ period: '2024' }, { requirement: 'required' }, { status: 'short' }, { termStart: 2022 }, { cadreId: 2 }]) {
      expect(planReminders([cadre([hours])], [past('2026-05-15', over)], opts).reminders, JSON.stringify(over)).toHaveLength(1);
    }
  });

  it('--behind or --short keeps only those gaps', () => {
    const opts = { asOf: '2026-05-15', quietDays: 14, again: false };
    expect(planReminders([cadre([hours, short])], [], { ...opts, statuses: new Set(['short'] as const) }).reminders[0].gaps.map((g) => g.status)).toEqual(['short']);
    expect(planReminders([cadre([hours, short])], [], { ...opts, statuses: new Set(['behind'] as const) }).reminders[0].gaps.map((g) => g.status)).toEqual(['behind']);
  });
});

describe('templates', () => {
  it('fills Chinese and English placeholders alike', () => {
    const t = parseTemplate('{姓名}：{gaps}，{ 截止日期 }前', TEMPLATE_FIELDS.sms_zh);
    expect(t.ok).toBe(true);
    if (t.ok) expect(fillTemplate(t.parts, { name: '李娜', gaps: '缺 4 学时', deadline: '2026-08-31' })).toBe('李娜：缺 4 学时，2026-08-31前');
  });

  it('refuses an unknown placeholder, one the template cannot fill, and an unmatched brace', () => {
    const bad = parseTemplate('{姓名}：{缺项}', TEMPLATE_FIELDS.sms_zh);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problem).toContain('{缺项}');
    const cannot = parseTemplate('{部门}：{姓名}', TEMPLATE_FIELDS.notice_title_zh);
    expect(cannot.ok || cannot.problem).toContain('cannot fill');
    for (const text of ['{姓名：', '姓名}', '{{姓名}}']) expect(parseTemplate(text, TEMPLATE_FIELDS.sms_zh).ok, text).toBe(false);
  });

  it('counts characters as a phone does, and the parts a long message is sent in', () => {
    expect(smsLength('学习𠀀')).toBe(3);
    expect(smsParts('学'.repeat(70), 70)).toBe(1);
    expect(smsParts('学'.repeat(71), 70)).toBe(2);
    expect(smsParts('学'.repeat(135), 70)).toBe(3);
  });
});

describe('the policy checks its reminder templates when it is read', () => {
  const shipped = JSON.parse(fs.readFileSync(path.join(repoRoot, 'data', 'policy.json'), 'utf8'));

  it('reads the shipped policy: contact, quiet period, templates', () => {
    const p = parsePolicy(shipped);
    expect(p.contact).toContain('电话');
    expect(p.reminders.quietDays).toBe(14);
    expect(p.reminders.templates.sms_zh.text).toContain('{缺口}');
  });

  it('refuses a template with an unknown placeholder, naming it and the path', () => {
    const bad = structuredClone(shipped);
    bad.reminders.templates.notice_body_zh = '{部门}：{人数}名，{负责人}';
    let err: unknown;
    try {
      parsePolicy(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as PolicyError).path).toBe('policy.reminders.templates.notice_body_zh');
    expect((err as PolicyError).problem).toContain('{负责人}');
  });

  it('refuses a template it does not know and a quiet period that is not a whole number of days', () => {
    const unknown = structuredClone(shipped);
    unknown.reminders.templates.sms_fr = 'x';
    expect(() => parsePolicy(unknown)).toThrow(/policy\.reminders\.templates\.sms_fr/);
    const days = structuredClone(shipped);
    days.reminders.quiet_days = 1.5;
    expect(() => parsePolicy(days)).toThrow(/policy\.reminders\.quiet_days/);
  });

  it('without a reminders section or contact, takes the defaults', () => {
    const bare = structuredClone(shipped);
    delete bare.reminders;
    delete bare.office.contact;
    const p = parsePolicy(bare);
    expect(p.contact).toBe('');
    expect(p.reminders.quietDays).toBe(14);
    expect(p.reminders.templates.sms_en.text).toContain('{name}');
  });
});
