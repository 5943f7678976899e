/**
 * Certificates of study: issued (PDF, serial, code, journal), verified by
 * code and by file, found changed when the records change (with what
 * changed), refused when the code is altered or comes from another
 * database, and the key never shown anywhere.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { cadreIn, type RunResult } from '../helpers/run.js';
import { createTranslator } from '../../src/i18n/index.js';

const sample = path.join(repoRoot, 'data', 'sample');
const NOW = '2026-12-01T10:00:00';
let dir: string;
let cadre: ReturnType<typeof cadreIn>;
/** Everything every run printed, to look for the key in. */
let printed: string[];

async function run(args: string[], now = NOW, lang: 'zh' | 'en' = 'en'): Promise<RunResult> {
  const r = await cadre(args, { now, lang });
  printed.push(r.stdout, r.stderr);
  return r;
}

async function ok(args: string[], now = NOW, lang: 'zh' | 'en' = 'en'): Promise<RunResult> {
  const r = await run(args, now, lang);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

function db(folder = dir): Database.Database {
  return new Database(path.join(folder, 'cadre.db'), { readonly: true });
}

async function setUp(folder: string): Promise<ReturnType<typeof cadreIn>> {
  for (const f of fs.readdirSync(sample)) if (f.endsWith('.csv')) fs.copyFileSync(path.join(sample, f), path.join(folder, f));
  const c = cadreIn({ cwd: folder, operator: 'office' });
  for (const [args, now] of [
    [['issue-accounts', 'roster.csv', '--out', 'cred.csv'], '2025-10-01T09:00:00'],
    [['import-hours', 'hours-2025-w38.csv', '学时-2025-w45.csv'], '2025-11-20T09:00:00'],
    [['import-training', 'training.csv'], '2026-06-01T09:00:00'],
  ] as const) {
    const r = await c([...args], { now });
    expect(r.code, r.stderr).toBe(0);
  }
  return c;
}

/** Issues a certificate and gives its serial and code (stdout: `serial<TAB>code`). */
async function issue(args: string[], now = NOW): Promise<{ serial: string; code: string }> {
  const r = await ok(['certificate', ...args], now);
  const [serial, code] = r.stdout.trim().split('\t');
  return { serial, code };
}

beforeEach(async () => {
  dir = tempDir('cadre-cert-');
  printed = [];
  cadre = await setUp(dir);
});

describe('certificate', { timeout: 60_000 }, () => {
  it('writes a PDF (0600) with the serial and code in its keywords, stores and journals it, and verifies by code and by file', async () => {
    const { serial, code } = await issue(['WZ250001', '--out', 'cert.pdf']);
    expect(serial).toBe('2026-000001');
    expect(code).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){4}$/);
    const file = path.join(dir, 'cert.pdf');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const bytes = fs.readFileSync(file);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.toString('latin1')).toContain(`CADRE-CERT:${serial}:${code}`);

    const d = db();
    const row = d.prepare('SELECT serial, code, learner_id, scope, operator, journal_id FROM certificates').get() as Record<string, unknown>;
    const journal = d.prepare('SELECT command, args, learner_ids FROM journal WHERE id = ?').get(row.journal_id) as Record<string, string>;
    d.close();
    expect(row).toMatchObject({ serial, code, learner_id: 'WZ250001', scope: 'term:2026-12-01', operator: 'office' });
    expect(journal.command).toBe('certificate');
    expect(JSON.parse(journal.args)).toMatchObject({ learner_id: 'WZ250001', serial, code, out: 'cert.pdf' });
    expect(journal.learner_ids).toBe(',WZ250001,');

    for (const arg of [code, code.toLowerCase().replace(/-/g, ' '), `CADRE-CERT:${serial}:${code}`, 'cert.pdf']) {
      const r = await run(['verify-certificate', arg]);
      expect([r.code, r.stdout], arg).toEqual([0, expect.stringContaining(`matches: certificate ${serial} (张伟 WZ250001, term 2025-2028 as of 2026-12-01`)]);
    }
    // A code typed in groups with spaces, unquoted, arrives as five words.
    expect((await run(['verify-certificate', ...code.split('-')])).code).toBe(0);
    // What the certificate states, to compare with the paper in hand.
    expect((await run(['verify-certificate', code])).stdout).toContain('as issued: result short, term credits 11.2/60, records counted: 8 hours, 0 essays, 6 training');
    const zh = await run(['verify-certificate', code], NOW, 'zh');
    expect(zh.stdout).toContain('一致：证明 2026-000001');
  });

  it('draws the same content on the same date as the same bytes', async () => {
    await issue(['WZ250001', '--out', 'cert.pdf']);
    const d = db();
    const row = d.prepare('SELECT content, code FROM certificates').get() as { content: string; code: string };
    d.close();
    const { renderCertificatePdf } = await import('../../src/report/certificate-pdf.js');
    const ctx = { tr: createTranslator('zh') } as Parameters<typeof renderCertificatePdf>[0];
    const date = new Date('2026-12-01T10:00:00');
    const a = await renderCertificatePdf(ctx, JSON.parse(row.content), row.code, date);
    const b = await renderCertificatePdf(ctx, JSON.parse(row.content), row.code, date);
    expect(a.equals(b)).toBe(true);
    expect(a.toString('latin1')).toContain(`CADRE-CERT:2026-000001:${row.code}`);
  });

  it('takes serials from a counter per year of issue, and an existing file is refused before any serial is taken', async () => {
    expect((await issue(['WZ250001', '--out', 'a.pdf'])).serial).toBe('2026-000001');
    expect((await issue(['WZ250002', '--out', 'b.pdf'])).serial).toBe('2026-000002');
    const refused = await run(['certificate', 'WZ250003', '--out', 'a.pdf']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--overwrite');
    expect((await issue(['WZ250003', '--out', 'a.pdf', '--overwrite'])).serial).toBe('2026-000003');
    expect((await issue(['WZ250001', '--out', 'c.pdf'], '2027-01-05T09:00:00')).serial).toBe('2027-000001');
    const d = db();
    expect(d.prepare("SELECT COUNT(*) FROM journal WHERE command = 'certificate'").pluck().get()).toBe(4);
    d.close();
  });

  it('refuses a file that is not a PDF and a cadre with no term, and writes nothing', async () => {
    const notPdf = await run(['certificate', 'WZ250001', '--out', 'cert.xlsx']);
    expect(notPdf.code).toBe(2);
    expect(notPdf.stderr).toContain('only as a PDF');
    const unknown = await run(['certificate', 'WZ999999', '--out', 'x.pdf']);
    expect(unknown.code).not.toBe(0);
    expect(fs.existsSync(path.join(dir, 'x.pdf'))).toBe(false);
    const d = db();
    expect(d.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'certificates'").pluck().get()).toBe(1);
    expect(d.prepare('SELECT COUNT(*) FROM certificates').pluck().get()).toBe(0);
    d.close();
  });

  it('after more hours are imported, verify says what changed (exit 1): the records counted since, the hours and credits before → after', async () => {
    const { code } = await issue(['WZ250001', '--out', 'cert.pdf']);
    await ok(['import-hours', 'hours-2026-w10.csv'], '2026-12-01T11:00:00');
    const r = await run(['verify-certificate', 'cert.pdf'], '2026-12-01T12:00:00');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^changed: certificate 2026-000001 .* 8 changes:/);
    expect(r.stdout).toContain('platform hours 2025-2026: 13/20 hours (short) → 17/20 hours (short)');
    expect(r.stdout).toContain('counted since issue: hours 2026-03-10 C010');
    expect(r.stdout).toContain('total credits: 11.2 → 12.8 credits');
    const json = JSON.parse((await run(['verify-certificate', code, '--format', 'json'])).stdout);
    expect(json.result).toBe('changed');
    expect(json.changes.filter((c: { field: string }) => c.field === 'record')).toHaveLength(4);
    // Records dated after the certificate's date do not change it.
    const later = await issue(['WZ250002', '--out', 'later.pdf'], '2026-12-01T13:00:00');
    expect((await run(['verify-certificate', later.code], '2026-12-20T09:00:00')).code).toBe(0);
  });

  it('after an exemption, verify names the requirement whose status changed (exit 1)', async () => {
    const { code } = await issue(['WZ250001', '--out', 'cert.pdf']);
    await ok(['exempt', 'WZ250001', '--requirement', 'training', '--reason', '挂职']);
    const r = await run(['verify-certificate', code], NOW, 'zh');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('有变化');
    expect(r.stdout).toMatch(/专题培训 本任期：6\/15 学分（进度落后） → .*（免修：挂职）/);
  });

  it('a code altered by one character, or a serial given with another code, is not verified (exit 2)', async () => {
    const { serial, code } = await issue(['WZ250001', '--out', 'cert.pdf']);
    const other = code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A');
    const unknown = await run(['verify-certificate', other]);
    expect([unknown.code, unknown.stdout]).toEqual([2, expect.stringContaining('not found')]);
    const forged = await run(['verify-certificate', `CADRE-CERT:${serial}:${other}`]);
    expect([forged.code, forged.stdout]).toEqual([2, expect.stringContaining(`is not the code of certificate ${serial}`)]);
    expect((await run(['verify-certificate', 'not-a-code'])).code).toBe(2);
    // A PDF whose code was edited in place.
    const bytes = fs.readFileSync(path.join(dir, 'cert.pdf')).toString('latin1').replace(code, other);
    fs.writeFileSync(path.join(dir, 'edited.pdf'), Buffer.from(bytes, 'latin1'));
    expect((await run(['verify-certificate', 'edited.pdf'])).code).toBe(2);
    // The stored content altered behind the tool's back: its code no longer matches it.
    const w = new Database(path.join(dir, 'cadre.db'));
    w.prepare("UPDATE certificates SET content = replace(content, '\"total\":112', '\"total\":612')").run();
    w.close();
    expect((await run(['verify-certificate', code])).code).toBe(2);
  });

  it('a certificate of another database (another key) is not verified, even over the same records', async () => {
    const mine = await issue(['WZ250001', '--out', 'cert.pdf']);
    const otherDir = tempDir('cadre-cert-other-');
    const other = await setUp(otherDir);
    const theirs = await other(['certificate', 'WZ250001', '--out', 'cert.pdf'], { now: NOW });
    expect(theirs.code, theirs.stderr).toBe(0);
    const [, theirCode] = theirs.stdout.trim().split('\t');
    // The same records, the same serial and time: only the key differs.
    expect(theirCode).not.toBe(mine.code);
    const r = await other(['verify-certificate', path.join(dir, 'cert.pdf')], { now: NOW });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('is not the code of certificate 2026-000001');
    expect((await other(['verify-certificate', mine.code], { now: NOW })).code).toBe(2);
  });

  it('a restored backup carries the key: its certificates still verify', async () => {
    const { code } = await issue(['WZ250001', '--out', 'cert.pdf']);
    await ok(['backup', 'b.db']);
    const otherDir = tempDir('cadre-cert-restored-');
    fs.copyFileSync(path.join(dir, 'b.db'), path.join(otherDir, 'b.db'));
    const restored = cadreIn({ cwd: otherDir, operator: 'office' });
    const r1 = await restored(['restore', 'b.db'], { now: NOW });
    expect(r1.code, r1.stderr).toBe(0);
    const r = await restored(['verify-certificate', code], { now: NOW });
    expect([r.code, r.stderr]).toEqual([0, '']);
  });

  it('never shows the key: not in any output, the journal or the PDF', async () => {
    const { code } = await issue(['WZ250001', '--out', 'cert.pdf']);
    await ok(['import-hours', 'hours-2026-w10.csv']);
    await run(['verify-certificate', code]);
    await run(['verify-certificate', code, '--format', 'json']);
    await ok(['log', '--format', 'json']);
    await ok(['log', '--command', 'certificate']);
    await ok(['backup', 'b.db']);
    const d = db();
    const key = d.prepare("SELECT value FROM secrets WHERE name = 'certificate_key'").pluck().get() as Buffer;
    const journal = JSON.stringify(d.prepare('SELECT * FROM journal').all());
    d.close();
    expect(key.length).toBe(32);
    const forms = [key.toString('hex'), key.toString('hex').toUpperCase(), key.toString('base64'), key.toString('base64url')];
    const pdf = fs.readFileSync(path.join(dir, 'cert.pdf'));
    for (const f of forms) {
      for (const text of [...printed, journal, pdf.toString('latin1')]) expect(text).not.toContain(f);
    }
    expect(pdf.includes(key)).toBe(false);
  });

  it("a year's certificate: that year's requirements and records, naming the close when the year is closed", async () => {
    await ok(['close-year', '2025']);
    const { code } = await issue(['WZ250001', '--year', '2025-2026', '--out', 'year.pdf']);
    const d = db();
    const content = JSON.parse(d.prepare('SELECT content FROM certificates').pluck().get() as string);
    d.close();
    expect(content.scope).toMatchObject({ kind: 'year', year: 2025, as_of: '2026-08-31' });
    expect(content.year_closed_at).toMatch(/^2026-12-01T10:00/);
    expect(content.requirements.every((r: { period: unknown }) => r.period === 'term' || r.period === 2025)).toBe(true);
    expect(content.records.hours.every((h: { date: string }) => h.date >= '2025-09-01' && h.date <= '2026-08-31')).toBe(true);
    expect((await run(['verify-certificate', code])).code).toBe(0);
    // An amendment of the closed year changes what the certificate stated.
    await ok(['import-hours', 'hours-2026-w10.csv', '--amend', '--reason', 'March hours exported late'], '2026-12-01T11:00:00');
    expect((await run(['verify-certificate', code], '2026-12-01T12:00:00')).code).toBe(1);
    // A year still running has no year-end view to certify.
    const open = await run(['certificate', 'WZ250001', '--year', '2026', '--out', 'open.pdf']);
    expect(open.code).toBe(2);
  });
});

const pdftotext = ['/usr/bin/pdftotext', '/usr/local/bin/pdftotext'].find((p) => fs.existsSync(p));
if (!pdftotext) console.warn('skipped: the certificate text check in test/cli/certificate.test.ts needs pdftotext (poppler-utils), which is not installed here');

describe.runIf(pdftotext)('the certificate as a PDF reader reads it', { timeout: 60_000 }, () => {
  it('has its Chinese text, serial, code, requirements and records, on A4', async () => {
    const r = await cadre(['certificate', 'WZ250001', '--out', '证明.pdf'], { now: NOW, lang: 'zh' });
    expect(r.code, r.stderr).toBe(0);
    const [serial, code] = r.stdout.trim().split('\t');
    const file = path.join(dir, '证明.pdf');
    const text = execFileSync(pdftotext!, ['-layout', file, '-'], { encoding: 'utf8' });
    for (const s of ['学时证明', '党委组织部', '张伟', 'WZ250001', '计算机学院', '处级', '学习要求', '平台学时', '习近平新时代中国特色社会主义思想概论', '专题培训', serial, code, '验证码']) expect(text).toContain(s);
    const info = execFileSync(pdftotext!.replace('pdftotext', 'pdfinfo'), [file], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    expect(info).toContain(`Keywords:        CADRE-CERT:${serial}:${code}`);
  });
});
