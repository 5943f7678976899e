/** The certificate's canonical content, its code's form, and how two contents differ (src/core/certificate.ts). */
import { describe, expect, it } from 'vitest';
import { canonicalJson, diffCertificates, formatCode, formatSerial, parseCode, qrText, type CertificateContent } from '../../src/core/certificate.js';

function content(over: Partial<CertificateContent> = {}): CertificateContent {
  return {
    format: 'cadre-certificate/1',
    serial: '2026-000001',
    issued_at: '2026-12-01T10:00:00+08:00',
    office: { zh: '党委组织部', en: 'Organization Department' },
    learner: { id: 'WZ250001', staff_no: 'S001', name: '张伟', department: '计算机学院', rank: 'division' },
    scope: { kind: 'term', year: null, as_of: '2026-12-01', term_from: '2025-09-01', term_to: '2028-08-31', term_years: '2025-2028' },
    status: 'behind',
    credits: { platform: 52, essays: 0, training: 60, total: 112, required: 600 },
    requirements: [{ id: 'hours', period: 2025, unit: 'hours', required: 80, actual: 52, status: 'short', exempt_reason: null }],
    records: {
      hours: [
        { date: '2025-09-16', course: 'C001', title: '概论', quarters: 8 },
        { date: '2025-09-16', course: 'C001', title: '概论', quarters: 8 },
      ],
      essays: [],
      training: [{ date: '2025-10-10', topic: '专题' }],
      exams: [],
    },
    year_closed_at: null,
    ...over,
  };
}

describe('canonicalJson', () => {
  it('sorts every object\'s keys, so the same content in another key order gives the same text', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 'é' }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":"é","z":1}]},"b":1}');
    const c = content();
    expect(canonicalJson(Object.fromEntries(Object.entries(c).reverse()))).toBe(canonicalJson(c));
  });
  it('refuses a figure that is not an integer (figures are tenths and quarters, never floats)', () => {
    expect(() => canonicalJson({ credits: 0.1 + 0.2 })).toThrow(/not an integer/);
  });
});

describe('the code', () => {
  it('is the first 20 base32 characters of the digest in groups of four', () => {
    expect(formatCode(new Uint8Array(32))).toBe('AAAA-AAAA-AAAA-AAAA-AAAA');
    expect(formatCode(new Uint8Array(32).fill(255))).toBe('7777-7777-7777-7777-7777');
    // 0x08 0x42 → 00001 00001 00001 0…: "BBB".
    expect(formatCode(Uint8Array.from([0x08, 0x42, 0x10, 0x84, 0x21, ...new Array(27).fill(0)])).slice(0, 9)).toBe('BBBB-BBBB');
  });
  it('is read back as typed, scanned or misread: any case, without dashes, 0 for O and 1 for I, the QR text', () => {
    const code = 'ABCD-EFGH-IJKL-MNOP-QRS2';
    for (const typed of [code, code.toLowerCase(), code.replace(/-/g, ''), code.replace(/-/g, ' '), ' abcd efgh ijkl mn0p qrs2 ', code.replace('I', '1')]) expect(parseCode(typed), typed).toEqual({ code, serial: null });
    expect(parseCode(qrText('2026-000123', code))).toEqual({ code, serial: '2026-000123' });
    for (const bad of ['', 'ABCD', `${code}-AAAA`, 'ABCD-EFGH-IJKL-MNOP-QRS8', 'CADRE-CERT:26-1:' + code]) expect(parseCode(bad), bad).toBeNull();
  });
  it('serials are the year of issue and a six-digit counter', () => {
    expect(formatSerial(2026, 123)).toBe('2026-000123');
  });
});

describe('diffCertificates', () => {
  it('finds nothing between a content and itself', () => {
    expect(diffCertificates(content(), content())).toEqual([]);
  });
  it('names each field, requirement, credit and record that changed; a record counted twice and now once is one record gone', () => {
    const now = content({
      status: 'met',
      credits: { platform: 60, essays: 0, training: 60, total: 120, required: 600 },
      requirements: [{ id: 'hours', period: 2025, unit: 'hours', required: 80, actual: 60, status: 'exempt', exempt_reason: '借调' }],
      records: { hours: [{ date: '2025-09-16', course: 'C001', title: '概论', quarters: 8 }, { date: '2026-03-10', course: 'C010', title: null, quarters: 4 }], essays: [], training: [{ date: '2025-10-10', topic: '专题' }], exams: [] },
      learner: { id: 'WZ250001', staff_no: 'S001', name: '张伟', department: '财务处', rank: 'division' },
    });
    const changes = diffCertificates(content(), now);
    expect(changes.map((c) => `${c.field}:${c.item}`)).toEqual(['learner:department', 'status:status', 'credits:platform', 'credits:total', 'requirement:hours:2025', 'record:hours', 'record:hours']);
    expect(changes.filter((c) => c.field === 'record').map((c) => [c.before === null ? 'new' : 'gone', (c.before ?? c.after) as { course: string }])).toEqual([
      ['gone', { date: '2025-09-16', course: 'C001', title: '概论', quarters: 8 }],
      ['new', { date: '2026-03-10', course: 'C010', title: null, quarters: 4 }],
    ]);
  });
});
