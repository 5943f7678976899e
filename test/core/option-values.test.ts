/**
 * Option values as people type them: every word of each set reads to its one
 * canonical value, the words the tool itself shows (its zh and en labels) are
 * accepted back, the seed policy's rank words are the option's, academic
 * years in their written forms, and departments matched after NFKC.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { REQUIREMENT_IDS } from '../../src/core/audit.js';
import { ACCOUNT_STATES } from '../../src/core/accounts.js';
import { editDistance, matchDepartment, parseAcademicYear, RANK_WORDS, readOptionValue, valueSet, type ValueSetName } from '../../src/core/option-values.js';
import { readRank } from '../../src/core/policy.js';
import { createTranslator } from '../../src/i18n/index.js';
import { policy, policyJson } from './fixtures.js';

const SETS: ValueSetName[] = ['rank', 'essayKind', 'essayStatus', 'requirement', 'batchKind', 'accountState'];

describe('option value sets', () => {
  it('every canonical value reads to itself, in any case and width, with spaces', () => {
    for (const name of SETS) {
      for (const v of valueSet(name).values) {
        expect(readOptionValue(name, v)).toBe(v);
        expect(readOptionValue(name, ` ${v.toUpperCase()} `)).toBe(v);
        // Full-width letters, as a Chinese input method in full-width mode types them.
        const wide = [...v].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
        expect(readOptionValue(name, wide)).toBe(v);
      }
    }
  });

  it('the words of the issue: 处级 科级 正处 副科, 心得体会 调研报告, 平台学时 必修课, 通过 待审核', () => {
    expect(['处级', '正处', '副处', '处级干部', '正处级'].map((w) => readOptionValue('rank', w))).toEqual(Array(5).fill('division'));
    expect(['科级', '正科', '副科', '科级干部', '副科级'].map((w) => readOptionValue('rank', w))).toEqual(Array(5).fill('section'));
    expect(readOptionValue('essayKind', '心得体会')).toBe('reflection');
    expect(readOptionValue('essayKind', '调研报告')).toBe('report');
    expect(readOptionValue('requirement', '平台学时')).toBe('hours');
    expect(readOptionValue('requirement', '必修课')).toBe('required');
    expect(readOptionValue('essayStatus', '通过')).toBe('approved');
    expect(readOptionValue('essayStatus', '待审核')).toBe('pending');
    expect(readOptionValue('rank', '厅级')).toBeNull();
    expect(readOptionValue('rank', '')).toBeNull();
  });

  it('every label the tool shows, in zh and en, is accepted back as its value', () => {
    const labels: [ValueSetName, string, readonly string[]][] = [
      ['rank', 'rank', ['division', 'section']],
      ['essayKind', 'essay', ['reflection', 'report']],
      ['essayStatus', 'essayStatus', ['approved', 'pending', 'rejected']],
      ['requirement', 'req', REQUIREMENT_IDS],
      ['batchKind', 'ops.kind', ['hours', 'training', 'exams', 'essays']],
      ['accountState', 'auth.state', ACCOUNT_STATES],
    ];
    for (const lang of ['zh', 'en'] as const) {
      const { t } = createTranslator(lang);
      for (const [name, prefix, values] of labels) {
        for (const v of values) expect(readOptionValue(name, t(`${prefix}.${v}`)), `${lang} ${prefix}.${v}`).toBe(v);
      }
    }
  });

  it('the option reads ranks exactly as the seed policy reads a roster (rank_words)', () => {
    const optionWords = new Map<string, string>();
    for (const [rank, words] of Object.entries(RANK_WORDS)) for (const w of [rank, ...words]) optionWords.set(w, rank);
    const policyWords = new Map<string, string>();
    for (const [rank, words] of Object.entries(policyJson.rank_words as Record<string, string[]>)) for (const w of words) policyWords.set(w, rank);
    expect(new Map([...optionWords].sort())).toEqual(new Map([...policyWords].sort()));
    for (const [w, rank] of optionWords) {
      expect(readRank(w, policy)).toEqual({ ok: true, rank });
      expect(readOptionValue('rank', w)).toBe(rank);
    }
    for (const w of policyJson.refused_rank_words as string[]) expect(readOptionValue('rank', w)).toBeNull();
  });

  it('every set shows a Chinese word for each of its values', () => {
    for (const name of SETS) {
      const s = valueSet(name);
      for (const v of s.values) expect(readOptionValue(name, s.shown[v])).toBe(v);
    }
  });
});

describe('academic years as written', () => {
  it.each([
    ['2025', 2025], ['2025-2026', 2025], ['2025学年', 2025], ['2025-2026学年', 2025], ['2025—2026学年', 2025], ['2025～2026', 2025],
    ['2025至2026学年度', 2025], ['２０２５－２０２６学年', 2025], [' 2025 - 2026 ', 2025], ['2025-26', 2025], ['2099-00', 2099], ['2025年', 2025], ['2025年度', 2025],
  ])('%s → %d', (text, year) => {
    expect(parseAcademicYear(text)).toBe(year);
  });
  it.each(['25', '2025-2027', '2026-2025', '2025-27', '', '学年', '2025.5', '20256', '2025-2026-2027', '2025学年学年'])('%j is refused', (text) => {
    expect(parseAcademicYear(text)).toBeNull();
  });
  it('property: Y, Y-(Y+1), Y学年 and Y-(Y+1)学年 all read Y; Y-(Y+k) for k ≠ 1 reads nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2098 }), fc.integer({ min: -3, max: 4 }), (y, k) => {
        for (const t of [`${y}`, `${y}-${y + 1}`, `${y}学年`, `${y}-${y + 1}学年`]) expect(parseAcademicYear(t)).toBe(y);
        if (k !== 1) expect(parseAcademicYear(`${y}-${y + k}`)).toBeNull();
      }),
    );
  });
});

describe('departments', () => {
  const departments = ['财务处(计划财务)', '计算机学院', '外国语学院', '党委组织部', '计算机学院'];
  it('full-width and half-width brackets, spaces and letter width are the same department', () => {
    expect(matchDepartment('财务处（计划财务）', departments)).toEqual({ ok: true, departments: ['财务处(计划财务)'] });
    expect(matchDepartment('计算机 学院', departments)).toEqual({ ok: true, departments: ['计算机学院'] });
  });
  it('a name that matches none lists the nearest, those containing it first', () => {
    expect(matchDepartment('计算机', departments)).toEqual({ ok: false, nearest: ['计算机学院'] });
    expect(matchDepartment('外语学院', departments)).toEqual({ ok: false, nearest: ['外国语学院'] });
    expect(matchDepartment('后勤处', departments)).toEqual({ ok: false, nearest: [] });
    expect(matchDepartment('学院', departments)).toEqual({ ok: false, nearest: ['外国语学院', '计算机学院'] });
  });
  it('edit distance by code point', () => {
    expect(editDistance('外语学院', '外国语学院')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
