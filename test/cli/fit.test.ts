/**
 * The terminal listings on the sample data fit 80 and 120 columns in zh and
 * en: no line wider, each cadre's ID and status shown, the first missing item
 * in the plain audit, the shortfall list one block per cadre; times local and
 * to the minute, hashes short; CSV and JSON keep the data whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { widestLine } from '../../src/shell/fit.js';
import { localMinute } from '../../src/local-time.js';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { cadreIn } from '../helpers/run.js';
import { JOURNAL_COUNTS, countsInWords } from '../../src/commands/log.js';
import { catalogueKeys, createTranslator } from '../../src/i18n/index.js';

const dir = tempDir();
const cadre = cadreIn({ cwd: dir, operator: 'demo', now: '2026-09-15T09:00:00' });
const IDS = Array.from({ length: 8 }, (_, i) => `WZ26000${i + 1}`);

async function ok(argv: string[], more: Parameters<typeof cadre>[1] = {}) {
  const r = await cadre(argv, more);
  expect(r.code, `${argv.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

beforeAll(async () => {
  fs.cpSync(path.join(repoRoot, 'data', 'sample'), dir, { recursive: true });
  await ok(['issue-accounts', 'roster.csv', '--out', 'credentials.csv'], { now: '2026-01-04T09:00:00' });
  await ok(['issue-accounts', 'roster-2026.csv'], { now: '2026-01-05T09:00:00' });
  await ok(['require', '--year', '2025', '--rank', 'division', 'C001', 'C002', 'C003', 'C004', 'C005', '--hours', '2']);
  await ok(['require', '--year', '2025', '--rank', 'section', 'C006']);
  await ok(['require', '--year', '2025', '--rank', 'section', 'C001', 'C002']);
  await ok(['import-hours', 'hours-2025-w38.csv', '学时-2025-w45.csv', 'hours-2026-w10.csv']);
  await ok(['import-essays', 'essays.csv']);
  await ok(['import-training', 'training.csv']);
  await ok(['import-exams', 'exams.csv']);
  await ok(['exempt', 'WZ260006', '--requirement', 'training', '--reason', '2026年3月至8月借调省委组织部，经部务会研究同意免修专题培训']);
}, 120_000);

const LISTINGS: string[][] = [
  ['audit', '--as-of', '2026-06-30', '--format', 'table'],
  ['audit', '--year', '2025', '--shortfall', '--format', 'table'],
  ['audit', '--year', '2025', '--format', 'table'],
  ['audit', '--as-of', '2026-06-30', '--format', 'table', 'WZ260003'],
  ['audit', '--as-of', '2026-06-30', '--format', 'table', 'WZ260006'],
  ['log', '--format', 'table'],
  ['imports', '--format', 'table'],
  ['accounts', '--format', 'table'],
  ['courses', '--format', 'table'],
  ['exemptions', '--format', 'table'],
];

describe('every terminal listing fits the width', () => {
  for (const lang of ['zh', 'en'] as const) {
    for (const columns of [80, 120]) {
      it(`${lang} at ${columns} columns`, async () => {
        for (const argv of LISTINGS) {
          const r = await ok(argv, { lang, columns });
          expect(r.stdout.length, argv.join(' ')).toBeGreaterThan(0);
          expect(widestLine(r.stdout), `${argv.join(' ')} (${lang}, ${columns})\n${r.stdout}`).toBeLessThanOrEqual(columns);
        }
      }, 60_000);
    }
  }

  it('the audit shows every cadre\'s ID and status, at 80 and at 120', async () => {
    for (const lang of ['zh', 'en'] as const) {
      for (const columns of [80, 120]) {
        const r = await ok(['audit', '--as-of', '2026-06-30', '--format', 'table'], { lang, columns });
        const status = lang === 'zh' ? /达标|进度正常|进度落后|未达标|免修/ : /met|on track|behind|short|exempt/;
        for (const id of IDS) {
          const line = r.stdout.split('\n').find((l) => l.includes(id));
          expect(line, `${id} ${lang} ${columns}`).toMatch(status);
        }
      }
    }
  });

  it('uses a wider terminal: more of the figures are shown at 120 than at 80', async () => {
    const narrow = await ok(['audit', '--as-of', '2026-06-30', '--format', 'table'], { lang: 'zh', columns: 80 });
    const wide = await ok(['audit', '--as-of', '2026-06-30', '--format', 'table'], { lang: 'zh', columns: 120 });
    expect(narrow.stdout).not.toMatch(/│ +17\/20 │/);
    expect(wide.stdout).toMatch(/│ +17\/20 │/);
    expect(narrow.stdout).toContain('未显示');
    expect(widestLine(wide.stdout)).toBeGreaterThan(100);
  });
});

describe('the audit on a terminal', () => {
  it('says the academic year once, above the table, instead of on every row', async () => {
    const r = await ok(['audit', '--as-of', '2026-06-30', '--format', 'table'], { lang: 'zh', columns: 120 });
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('学年：2025-2026学年');
    expect(lines.slice(1).join('\n')).not.toContain('2025-2026学年 │');
  });

  it('shows why a cadre is not met: the first missing item, without --shortfall', async () => {
    for (const [lang, first] of [['zh', '2024-2025学年 平台学时 0/20，缺 20 学时'], ['en', '2024-2025 platform hours 0/20, 20 hours missing']] as const) {
      const r = await ok(['audit', '--as-of', '2026-06-30', '--format', 'table'], { lang, columns: 120 });
      // 李娜 (WZ260003) is short: her first short item, then how many more; the cell may wrap inside its column.
      const block = r.stdout.split('\n').filter((l) => l.startsWith('│')).map((l) => l.split('│').at(-2)!.trim());
      const start = r.stdout.split('\n').filter((l) => l.startsWith('│')).findIndex((l) => l.includes('WZ260003'));
      const cell = block.slice(start, start + 4).join(' ');
      expect(cell.replace(/\s+/g, ' '), lang).toContain(first.split(' ').slice(0, 3).join(' '));
      expect(cell.replace(/ /g, ''), lang).toContain(first.replace(/ /g, ''));
      expect(cell, lang).toMatch(lang === 'zh' ? /另 4 项/ : /\+4 more/);
    }
  });

  it('lists the shortfall as one block per cadre: ID, name, department, then one line per missing item', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const r = await ok(['audit', '--year', '2025', '--shortfall', '--format', 'table'], { lang, columns: 80 });
      expect(r.stdout).not.toContain('┌');
      const blocks = r.stdout.trim().split(/\n\n+/).slice(1);
      expect(blocks.length).toBeGreaterThan(3);
      const li = blocks.find((b) => b.startsWith('WZ260003'))!;
      const [head, ...items] = li.split('\n');
      expect(head).toMatch(lang === 'zh' ? /^WZ260003 +李娜 +财务处 +处级 +未达标$/ : /^WZ260003 +李娜 +财务处 +division +short$/);
      expect(items.length).toBeGreaterThanOrEqual(4);
      for (const item of items) expect(item).toMatch(/^ {2}- |^ {4}\S/);
      expect(items.join('\n')).toContain(lang === 'zh' ? '2025-2026学年 平台学时 8/20，缺 12 学时' : '2025-2026 platform hours 8/20, 12 hours missing');
    }
  });

  it('keeps the data columns of CSV as they were: staff number, term, year and the whole 缺口 text', async () => {
    const r = await ok(['audit', '--year', '2025', '--shortfall', '--format', 'csv'], { lang: 'zh', columns: 80 });
    const [head, ...rows] = r.stdout.trim().split('\n');
    expect(head).toContain('工号');
    expect(head).toContain('任期');
    expect(head).toContain('学年');
    expect(head).toContain('缺口');
    expect(rows.find((l) => l.startsWith('WZ260003'))).toContain('2024-2025学年 平台学时 0/20，缺 20 学时；2024-2025学年 心得体会 未提交');
  });
});

describe('log and imports read well', () => {
  it('has words for every count a journal entry carries, in zh and en; an unknown one is shown as name=value', () => {
    for (const lang of ['zh', 'en'] as const) {
      const keys = new Set(catalogueKeys(lang));
      expect([...JOURNAL_COUNTS].filter((k) => !keys.has(`fit.count.${k}`))).toEqual([]);
    }
    expect(countsInWords('{"issued":8,"already":0,"surprise":3}', createTranslator('zh'))).toBe('新发账号 8，已在册 0，surprise=3');
    expect(countsInWords('{"removed":7,"kept":0}', createTranslator('en'))).toBe('7 removed, 0 kept');
    expect(countsInWords(null, createTranslator('en'))).toBe('');
  });

  it('show times local and to the minute, hashes short, and the counts in words; CSV and JSON keep them whole', async () => {
    const log = await ok(['log', '--format', 'json'], { columns: 200 });
    const entries = JSON.parse(log.stdout);
    const hoursEntry = entries.find((e: { command: string }) => e.command === 'import-hours');
    expect(hoursEntry.input_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(hoursEntry.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    const shown = localMinute(new Date(hoursEntry.at));
    for (const lang of ['zh', 'en'] as const) {
      const table = await ok(['log', '--format', 'table'], { lang, columns: 200 });
      expect(table.stdout).toContain(shown);
      expect(table.stdout).not.toMatch(/\d\dT\d\d:\d\d/);
      expect(table.stdout).toContain(hoursEntry.input_sha256.slice(0, 12));
      expect(table.stdout).not.toContain(hoursEntry.input_sha256);
      expect(table.stdout).not.toMatch(/\bread=\d/);
      expect(table.stdout).toContain(lang === 'zh' ? '读取 29 行，新增 29，重复 0，拒绝 0' : '29 read, 29 new, 0 duplicate, 0 rejected');
    }
    const csv = await ok(['log', '--format', 'csv'], { columns: 80 });
    expect(csv.stdout).toContain(hoursEntry.input_sha256);
    // CSV has the time local to the second, as a spreadsheet reads a date and time; JSON keeps it whole, with its offset.
    expect(csv.stdout).toContain(hoursEntry.at.slice(0, 19).replace('T', ' '));
    expect(csv.stdout).toContain('read=29 new=29 duplicate=0 rejected=0');

    const batches = JSON.parse((await ok(['imports', '--format', 'json'])).stdout);
    const first = batches[0];
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const lang of ['zh', 'en'] as const) {
      const table = await ok(['imports', '--format', 'table'], { lang, columns: 200 });
      expect(table.stdout).toContain(localMinute(new Date(first.imported_at)));
      expect(table.stdout).not.toMatch(/\d\dT\d\d:\d\d/);
      expect(table.stdout).toContain(first.sha256.slice(0, 12));
      expect(table.stdout).not.toContain(first.sha256);
      expect(table.stdout).toContain(lang === 'zh' ? '29 行：新增 29，重复 0，拒绝 0' : '29 rows: 29 new, 0 duplicate, 0 rejected');
    }
    const csvImports = await ok(['imports', '--format', 'csv']);
    expect(csvImports.stdout).toContain(first.sha256);
    expect(csvImports.stdout).toContain(first.imported_at.slice(0, 19).replace('T', ' '));
  });

  it('messages name a batch\'s time local and to the minute: a file imported before, a batch undone before', async () => {
    const batches = JSON.parse((await ok(['imports', '--format', 'json'])).stdout);
    for (const lang of ['zh', 'en'] as const) {
      const again = await ok(['import-hours', 'hours-2025-w38.csv'], { lang });
      expect(again.stderr).toContain(localMinute(new Date(batches[0].imported_at)));
      expect(again.stderr).not.toMatch(/\d\dT\d\d:\d\d/);
    }
    await ok(['undo-import', String(batches[5].id)]);
    const undone = JSON.parse((await ok(['imports', '--format', 'json'])).stdout)[5].undone_at;
    const twice = await cadre(['undo-import', String(batches[5].id)], { lang: 'zh' });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(localMinute(new Date(undone)));
    expect(twice.stderr).not.toMatch(/\d\dT\d\d:\d\d/);
  });

  it('exemptions show when they were granted local and to the minute', async () => {
    const list = JSON.parse((await ok(['exemptions', '--format', 'json'])).stdout);
    const table = await ok(['exemptions', '--format', 'table'], { lang: 'zh', columns: 200 });
    expect(table.stdout).toContain(localMinute(new Date(list[0].granted_at)));
    expect(table.stdout).not.toMatch(/\d\dT\d\d:\d\d/);
  });
});
