/**
 * `cadre report`: the year-end report of the sample office as HTML, PDF and
 * a workbook, its cover figures compared with numbers computed from the
 * audit JSON, the HTML self-contained and escaped, the anonymized report
 * naming no one; and, where installed, the HTML opened in headless
 * Chromium at desktop and phone widths and the PDF's pages drawn by
 * pdftoppm, its Chinese text read back by pdftotext.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { cadreIn } from '../helpers/run.js';

const sample = path.join(repoRoot, 'data', 'sample');
const AFTER = '2026-12-01T10:00:00';
let dir: string;
let cadre: ReturnType<typeof cadreIn>;

async function ok(args: string[], now = AFTER, lang: 'zh' | 'en' = 'zh') {
  const r = await cadre(args, { now, lang });
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

const which = (p: string) => (fs.existsSync(p) ? p : null);
const chromium = which('/usr/bin/chromium');
const pdftoppm = which('/usr/bin/pdftoppm');
const pdftotext = which('/usr/bin/pdftotext');
const pdffonts = which('/usr/bin/pdffonts');
if (!chromium) console.warn('skipped: the browser checks of test/cli/report.test.ts need chromium, which is not installed here');
if (!chromium || !pdffonts) console.warn('skipped: the printed-font check of test/cli/report.test.ts needs chromium and pdffonts (poppler-utils), not installed here');
if (!pdftoppm || !pdftotext) console.warn('skipped: the page checks of test/cli/report.test.ts need pdftoppm and pdftotext (poppler-utils), not installed here');

beforeAll(async () => {
  dir = tempDir('cadre-report-');
  for (const f of fs.readdirSync(sample)) if (f.endsWith('.csv')) fs.copyFileSync(path.join(sample, f), path.join(dir, f));
  fs.cpSync(path.join(sample, 'essays'), path.join(dir, 'essays'), { recursive: true });
  cadre = cadreIn({ cwd: dir, operator: 'office' });
  await ok(['issue-accounts', 'roster.csv', '--out', 'cred.csv'], '2025-10-01T09:00:00');
  await ok(['import-hours', 'hours-2025-w38.csv', '学时-2025-w45.csv'], '2025-11-20T09:00:00');
  await ok(['import-training', 'training.csv'], '2026-06-01T09:00:00');
  await ok(['import-exams', 'exams.csv'], '2026-07-01T09:00:00');
  // Seven essays, three of them with a file: those three compared.
  await ok(['import-essays', 'essays.csv'], '2026-07-02T09:00:00');
  await ok(['report', '--year', '2025', '--out', 'r.html']);
  await ok(['report', '--year', '2025', '--out', 'r.pdf']);
  await ok(['report', '--year', '2025', '--out', 'anon.pdf', '--anonymize']);
}, 120_000);

/** The cover's figures, computed from `audit --year 2025 --format json`. */
async function fromAudit() {
  const audit = JSON.parse((await ok(['audit', '--year', '2025', '--format', 'json'])).stdout) as { status: string; requirements: { id: string; period: unknown; actual: number }[] }[];
  const counted = audit.filter((a) => a.status !== 'exempt');
  const hours = counted.map((a) => a.requirements.find((r) => r.id === 'hours' && r.period === 2025)?.actual ?? 0);
  const met = counted.filter((a) => a.status === 'met' || a.status === 'on_track').length;
  return { counted: counted.length, met, participants: hours.filter((h) => h > 0).length, total: hours.reduce((a, h) => a + h, 0) };
}

describe('report', () => {
  it('is refused for a year not yet ended, and for an --out it cannot tell the format of', async () => {
    const open = await cadre(['report', '--year', '2025', '--out', 'x.html'], { now: '2026-08-30T10:00:00', lang: 'en' });
    expect(open.code).toBe(2);
    expect(fs.existsSync(path.join(dir, 'x.html'))).toBe(false);
    const bad = await cadre(['report', '--year', '2025', '--out', 'x.docx'], { now: AFTER, lang: 'en' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('.html, .pdf or .xlsx');
    const again = await cadre(['report', '--year', '2025', '--out', 'r.html'], { now: AFTER, lang: 'en' });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('--overwrite');
  });

  it('gives the cover figures the audit JSON gives, in the workbook as numbers', async () => {
    const want = await fromAudit();
    await ok(['report', '--year', '2025', '--out', 'r.xlsx']);
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'r.xlsx'));
    const cover = wb.worksheets[0];
    const value = (label: string) => {
      let v: unknown;
      cover.eachRow((row) => {
        if (row.getCell(1).value === label) v = row.getCell(2).value;
      });
      return v;
    };
    expect(value('应学人数')).toBe(want.counted);
    expect(value('参学人数')).toBe(want.participants);
    expect(value('达标人数')).toBe(want.met);
    expect(value('总学时')).toBe(want.total);
    expect(value('参学率 (%)')).toBe(Math.round((want.participants / want.counted) * 1000) / 10);
    expect(wb.worksheets.map((w) => w.name)).toContain('未达标名单');
    // The similarity sheet: the whole office's row first, its counts as numbers.
    const sim = wb.getWorksheet('查重')!;
    const all = sim.getRow(3).values as unknown[];
    expect(all.slice(1)).toEqual(['全部', 7, 3, 0, 0, 0, 0]);
  }, 60_000);

  it('writes one self-contained HTML file: no script, nothing fetched, names escaped, the definitions and the hash', async () => {
    const html = fs.readFileSync(path.join(dir, 'r.html'), 'utf8');
    const want = await fromAudit();
    // The only url() is the font it carries, as data (nothing is fetched).
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\((?!#|data:font\/ttf;base64,)/i);
    expect(html.match(/(?:src|href)="(?!#)/gi)).toBeNull();
    expect(html).toContain('<svg');
    expect(html).toContain(`<td class="n">${want.counted}</td>`);
    expect(html).toContain('附录：统计口径');
    expect(html).toMatch(/数据库记录哈希（SHA-256）<\/td><td>[0-9a-f]{64}</);
    // The essays' similarity checks, counted as the essay listing counts them.
    expect(html).toContain('本学年提交心得体会和调研报告 7 篇，已查重比对 3 篇；其中 0 篇达到暂扣阈值');
    // Names and departments come from files: none reaches the page as markup.
    expect(html).not.toMatch(/<(?!\/?(?:html|head|meta|title|style|body|header|h1|h2|h3|p|div|table|thead|tbody|tr|th|td|figure|svg|g|path|rect|text|tspan|defs|clipPath|style|circle|polyline|polygon|line)\b)[a-z]/i);
  });

  it('of one department: its own cadres only, the department named, a mistyped one refused with the nearest', async () => {
    const audit = JSON.parse((await ok(['audit', '--year', '2025', '--department', '财务处', '--format', 'json'])).stdout) as { status: string }[];
    await ok(['report', '--year', '2025', '--department', '财务处', '--out', 'dept.html']);
    const html = fs.readFileSync(path.join(dir, 'dept.html'), 'utf8');
    expect(html).toContain('部门：财务处');
    expect(html).toContain(`<tr><td>应学人数</td><td class="n">${audit.filter((a) => a.status !== 'exempt').length}</td>`);
    expect(html).not.toContain('<td>外国语学院</td>');
    const bad = await cadre(['report', '--year', '2025', '--department', '财务', '--out', 'nope.html'], { now: AFTER, lang: 'zh' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('财务处');
    expect(fs.existsSync(path.join(dir, 'nope.html'))).toBe(false);
  });

  it('anonymized: initials and short codes, no learner ID or staff number', async () => {
    await ok(['report', '--year', '2025', '--out', 'anon.html', '--anonymize']);
    const html = fs.readFileSync(path.join(dir, 'anon.html'), 'utf8');
    const roster = fs.readFileSync(path.join(dir, 'roster.csv'), 'utf8');
    const ids = [...fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').matchAll(/WZ\d{6}/g)].map((m) => m[0]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(html).not.toContain(id);
    expect(html).toMatch(/R[0-9A-F]{8}/);
    expect(html).toContain('本报告已匿名');
    // No full name of the roster (its second column) appears.
    for (const line of roster.split(/\r?\n/).slice(1).filter(Boolean)) {
      const name = line.split(',')[1];
      if (name && [...name].length > 1) expect(html).not.toContain(name);
    }
    // The same data gives the same codes: a second run writes the same file.
    await ok(['report', '--year', '2025', '--out', 'anon2.html', '--anonymize']);
    expect(fs.readFileSync(path.join(dir, 'anon2.html'), 'utf8')).toBe(html);
  });

  it.runIf(!!chromium)('renders in Chromium at desktop and phone widths, with no sideways scrolling on a phone', () => {
    for (const [w, name] of [[1280, 'desk.png'], [390, 'phone.png']] as const) {
      execFileSync(chromium!, ['--headless', '--no-sandbox', '--disable-gpu', `--screenshot=${path.join(dir, name)}`, `--window-size=${w},1800`, path.join(dir, 'r.html')], { stdio: 'ignore', timeout: 60_000 });
      const png = fs.readFileSync(path.join(dir, name));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.length).toBeGreaterThan(20_000); // a blank page compresses to a few kilobytes
    }
    // The page's width laid out 390 pixels wide (headless windows have a minimum width, so the page is held
    // to 390): no element reaches past it but inside a table's own scrolling box, measured by a copy of the
    // report that writes the widest right edge into its DOM.
    const probe = fs.readFileSync(path.join(dir, 'r.html'), 'utf8').replace(/<meta http-equiv[^>]*>/, '').replace('</head>', '<style>html{width:390px}</style></head>').replace('</body>', '<script>let w=0;for(const e of document.querySelectorAll("body *")){const box=e.closest(".scroll");if(!box||box===e)w=Math.max(w,Math.ceil(e.getBoundingClientRect().right))}document.body.setAttribute("data-width",String(w))</script></body>');
    fs.writeFileSync(path.join(dir, 'probe.html'), probe);
    const dom = execFileSync(chromium!, ['--headless', '--no-sandbox', '--disable-gpu', '--window-size=390,1800', '--dump-dom', path.join(dir, 'probe.html')], { encoding: 'utf8', timeout: 60_000 });
    const width = Number(/data-width="(\d+)"/.exec(dom)?.[1]);
    expect(width).toBeGreaterThan(0);
    expect(width).toBeLessThanOrEqual(390);
  }, 120_000);

  it.runIf(!!chromium && !!pdffonts)('printed from Chromium, draws its Chinese in the font it carries (a machine without a Chinese font shows boxes otherwise)', () => {
    const pdf = path.join(dir, 'printed.pdf');
    // The virtual time lets the page's fonts load before it is printed, as a person's print does.
    execFileSync(chromium!, ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=10000', '--no-pdf-header-footer', `--print-to-pdf=${pdf}`, path.join(dir, 'r.html')], { stdio: 'ignore', timeout: 60_000 });
    const fonts = execFileSync(pdffonts!, [pdf], { encoding: 'utf8', timeout: 60_000 });
    expect(fonts).toMatch(/\+NotoSansSC-Regular/);
    expect(fs.readFileSync(path.join(dir, 'r.html'), 'utf8')).toMatch(/font-src data:/);
  }, 120_000);

  it.runIf(!!pdftoppm && !!pdftotext)('writes a PDF whose pages draw and whose Chinese reads back', () => {
    const pdf = path.join(dir, 'r.pdf');
    execFileSync(pdftoppm!, ['-r', '40', '-png', '-f', '1', '-l', '3', pdf, path.join(dir, 'page')], { timeout: 60_000 });
    const pages = fs.readdirSync(dir).filter((f) => /^page-\d+\.png$/.test(f));
    expect(pages.length).toBe(3);
    for (const p of pages) expect(fs.statSync(path.join(dir, p)).size).toBeGreaterThan(3_000);
    const text = execFileSync(pdftotext!, [pdf, '-'], { encoding: 'utf8', timeout: 60_000 });
    for (const words of ['总体情况', '各部门达标情况', '任期学分分布', '附录：统计口径', '参学率']) expect(text).toContain(words);
    // The record state's hash, made while the pages are drawn and drawn last, is the one the HTML names;
    // an anonymized PDF (whose codes are keyed by the state, so it waits for it first) names it too.
    const state = /数据库记录哈希（SHA-256）<\/td><td>([0-9a-f]{64})</.exec(fs.readFileSync(path.join(dir, 'r.html'), 'utf8'))![1];
    expect(text.match(/\b[0-9a-f]{64}\b/g)).toContain(state);
    const anon = execFileSync(pdftotext!, [path.join(dir, 'anon.pdf'), '-'], { encoding: 'utf8', timeout: 60_000 });
    expect(anon.match(/\b[0-9a-f]{64}\b/g)).toContain(state);
    expect(anon).toMatch(/R[0-9A-F]{8}/);
  }, 120_000);

  // Last: it closes the year the other tests report on.
  it('of a closed year: made from the close, names its result hash, and regenerates byte for byte', async () => {
    await ok(['close-year', '2025']);
    const close = (JSON.parse((await ok(['closes', '--format', 'json'])).stdout) as { type: string; result_sha256: string }[]).find((c) => c.type === 'close')!;
    await ok(['report', '--year', '2025', '--out', 'closed.html']);
    await ok(['report', '--year', '2025', '--out', 'closed.pdf']);
    const html = fs.readFileSync(path.join(dir, 'closed.html'), 'utf8');
    expect(html).toContain(`关账结果校验值（SHA-256）</td><td>${close.result_sha256}<`);
    await ok(['report', '--year', '2025', '--out', 'closed.html', '--overwrite'], '2027-01-15T10:00:00');
    await ok(['report', '--year', '2025', '--out', 'closed2.pdf'], '2027-01-15T10:00:00');
    expect(fs.readFileSync(path.join(dir, 'closed.html'), 'utf8')).toBe(html);
    expect(fs.readFileSync(path.join(dir, 'closed2.pdf')).equals(fs.readFileSync(path.join(dir, 'closed.pdf')))).toBe(true);
    // The workbook too: exceljs stamps the time it writes (the workbook's and each zip entry's, to two
    // seconds); the report's are the view's date.
    await ok(['report', '--year', '2025', '--out', 'closed.xlsx']);
    await new Promise((r) => setTimeout(r, 2100));
    await ok(['report', '--year', '2025', '--out', 'closed2.xlsx'], '2027-01-15T10:00:00');
    expect(fs.readFileSync(path.join(dir, 'closed2.xlsx')).equals(fs.readFileSync(path.join(dir, 'closed.xlsx')))).toBe(true);
    // A change that is no amendment of the closed year (hours of the next year imported) leaves its report as it was.
    fs.writeFileSync(path.join(dir, 'next-year.csv'), '学员姓名,工号,课程编号,学习日期,学时\n张伟,S001,C010,2026-10-10,1\n');
    await ok(['import-hours', 'next-year.csv'], '2026-12-01T11:00:00');
    await ok(['report', '--year', '2025', '--out', 'closed3.html'], '2027-01-15T10:00:00');
    await ok(['report', '--year', '2025', '--out', 'closed3.pdf'], '2027-01-15T10:00:00');
    await ok(['report', '--year', '2025', '--out', 'closed3.xlsx'], '2027-01-15T10:00:00');
    expect(fs.readFileSync(path.join(dir, 'closed3.html'), 'utf8')).toBe(html);
    expect(fs.readFileSync(path.join(dir, 'closed3.pdf')).equals(fs.readFileSync(path.join(dir, 'closed.pdf')))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'closed3.xlsx')).equals(fs.readFileSync(path.join(dir, 'closed.xlsx')))).toBe(true);
    expect(html).not.toContain('有修订');
    // An amendment of the year is said in the report.
    fs.writeFileSync(path.join(dir, 'amend.csv'), '学员姓名,工号,课程编号,学习日期,学时\n张伟,S001,C010,2026-05-11,1\n');
    await ok(['import-hours', 'amend.csv', '--amend', '--reason', '平台补报'], '2026-12-01T11:30:00');
    await ok(['report', '--year', '2025', '--out', 'amended.html'], '2027-01-15T10:00:00');
    expect(fs.readFileSync(path.join(dir, 'amended.html'), 'utf8')).toContain('关账之后该学年的记录有修订');
  }, 120_000);
});
