import { describe, expect, it } from 'vitest';
import { Lookalikes, personKey, planAppointment, withoutLeadingZeros, type RosterAppointment, type ServiceAppointment } from '../../src/core/roster.js';

describe('names compare without whitespace of any kind', () => {
  it.each([
    ['张三', '张三'],
    ['张 三', '张三'],
    ['张\u3000三', '张三'],
    ['张\u00a0三', '张三'],
    [' 张  三\t', '张三'],
    ['王\u3000芳', '王芳'],
  ])('%j → %j', (raw, key) => {
    expect(personKey(raw)).toBe(key);
  });
  it('keeps every other character', () => {
    expect(personKey('欧阳·娜娜')).toBe('欧阳·娜娜');
    expect(personKey('计算机 学院')).toBe(personKey('计算机学院'));
  });
});

describe('staff numbers without their leading zeros', () => {
  it.each([
    ['00120012', '120012'],
    ['120012', '120012'],
    ['0', '0'],
    ['000', '0'],
    ['T0012', 'T0012'],
    ['0T12', 'T12'],
  ])('%s → %s', (raw, stripped) => {
    expect(withoutLeadingZeros(raw)).toBe(stripped);
  });
});

describe('a new row that looks like a cadre on file', () => {
  const onFile = [
    { staffNo: '00120012', name: '王芳', department: '财务处', learnerId: 'WZ250001' },
    { staffNo: '120099', name: '李娜', department: '图书馆', learnerId: 'WZ250002' },
    { staffNo: 'T7', name: '张 伟', department: '计算机学院', learnerId: 'WZ250003' },
  ];
  const near = new Lookalikes(onFile);
  it('the number lost its zeros, same name and department: the same person', () => {
    expect(near.of({ staffNo: '120012', name: '王　芳', department: '财务处' })).toEqual({ kind: 'zeros', cadre: onFile[0], samePerson: true });
  });
  it('the number on file lost its zeros and the new one has them', () => {
    expect(near.of({ staffNo: '00120099', name: '李娜', department: '图书馆' })).toEqual({ kind: 'zeros', cadre: onFile[1], samePerson: true });
  });
  it('the same number without zeros, another name: a look-alike, not certain', () => {
    expect(near.of({ staffNo: '120012', name: '赵六', department: '财务处' })).toEqual({ kind: 'zeros', cadre: onFile[0], samePerson: false });
  });
  it('another number, same name and department (spaces ignored)', () => {
    expect(near.of({ staffNo: 'T8', name: '张伟', department: '计算机 学院' })).toEqual({ kind: 'name', cadre: onFile[2] });
  });
  it('nothing alike', () => {
    expect(near.of({ staffNo: '120013', name: '王芳', department: '文学院' })).toBeNull();
    expect(near.byZeros('00120012')).toEqual([]);
  });
});

describe('planAppointment: a roster row against the service on file', () => {
  const svc = (appointments: ServiceAppointment[], leftOn: string | null = null) => ({ appointments, leftOn });
  const row = (appointedOn: string, leftOn: string | null = null, leftColumn = true, rank: 'division' | 'section' = 'section'): RosterAppointment => ({ rank, appointedOn, leftOn, leftColumn });
  const A = [{ rank: 'section' as const, appointedOn: '2020-09-01' }];
  it.each([
    // [what, service, row, expected]
    ['same appointment, nothing about leaving', svc(A), row('2020-09-01', null, false), { newAppointment: false, closeLatestOn: null, leftOn: null, leaving: null }],
    ['same appointment, left', svc(A), row('2020-09-01', '2024-06-30'), { newAppointment: false, closeLatestOn: null, leftOn: '2024-06-30', leaving: 'set' }],
    ['same appointment, another leaving date', svc(A, '2024-06-30'), row('2020-09-01', '2024-07-31'), { newAppointment: false, closeLatestOn: null, leftOn: '2024-07-31', leaving: 'changed' }],
    ['same appointment, 离任日期 emptied: a leaving entered by mistake is cleared', svc(A, '2024-06-30'), row('2020-09-01'), { newAppointment: false, closeLatestOn: null, leftOn: null, leaving: 'cleared' }],
    ['same appointment, no 离任日期 column: the leaving stays', svc(A, '2024-06-30'), row('2020-09-01', null, false), { newAppointment: false, closeLatestOn: null, leftOn: '2024-06-30', leaving: null }],
    ['left, then appointed again: a re-appointment closes the series on the leaving', svc(A, '2024-06-30'), row('2025-09-01'), { newAppointment: true, closeLatestOn: '2024-06-30', leftOn: null, leaving: 'reappointed' }],
    ['re-appointment from a roster without the column', svc(A, '2024-06-30'), row('2025-09-01', null, false), { newAppointment: true, closeLatestOn: '2024-06-30', leftOn: null, leaving: 'reappointed' }],
    ['re-appointed and left again', svc(A, '2024-06-30'), row('2025-09-01', '2026-01-31'), { newAppointment: true, closeLatestOn: '2024-06-30', leftOn: '2026-01-31', leaving: 'reappointed' }],
    ['a promotion in office', svc(A), row('2023-03-01', null, true, 'division'), { newAppointment: true, closeLatestOn: null, leftOn: null, leaving: null }],
    ['a promotion before a leaving on file, 离任日期 emptied', svc(A, '2024-06-30'), row('2023-03-01'), { newAppointment: true, closeLatestOn: null, leftOn: null, leaving: 'cleared' }],
    ['a promotion before a leaving on file, no column', svc(A, '2024-06-30'), row('2023-03-01', null, false), { newAppointment: true, closeLatestOn: null, leftOn: '2024-06-30', leaving: null }],
  ] as const)('%s', (_what, service, r, expected) => {
    expect(planAppointment(service, r)).toEqual({ ok: true, leftBefore: service.leftOn, ...expected });
  });

  const two = [
    { rank: 'section' as const, appointedOn: '2018-09-01' },
    { rank: 'division' as const, appointedOn: '2022-09-01' },
  ];
  it('a row of an earlier appointment changes nothing, and an empty 离任日期 on it clears nothing', () => {
    expect(planAppointment(svc(two, '2025-06-30'), row('2018-09-01'))).toEqual({ ok: true, newAppointment: false, closeLatestOn: null, leftOn: '2025-06-30', leaving: null, leftBefore: '2025-06-30' });
  });
  it('refuses what cannot be read', () => {
    expect(planAppointment(svc(two), row('2022-09-01', null, true, 'section'))).toEqual({ ok: false, why: 'rankChangedSameDate', latest: '2022-09-01' });
    expect(planAppointment(svc(two), row('2020-01-01'))).toEqual({ ok: false, why: 'appointmentEarlier', latest: '2022-09-01' });
    expect(planAppointment(svc(two), row('2018-09-01', '2019-06-30'))).toEqual({ ok: false, why: 'leftBeforeLatest', latest: '2022-09-01' });
  });
});
