/**
 * Workbooks as an office saves them: the sample roster and a weekly export
 * converted to .xlsx by LibreOffice (where it is installed) pass the archive
 * bound and import exactly as their CSV originals do. The tool itself never
 * needs LibreOffice; this only checks that a real spreadsheet program's files
 * are not refused by the checks made for hostile ones.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkArchive } from '../../src/io/zip-guard.js';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';

function findSoffice(): string | null {
  for (const p of ['/usr/bin/soffice', '/usr/bin/libreoffice', '/usr/local/bin/soffice']) if (fs.existsSync(p)) return p;
  return null;
}
const soffice = findSoffice();
if (!soffice) console.warn('skipped: test/io/office-saved.test.ts needs LibreOffice (soffice), which is not installed here');

/** Converts a UTF-8 CSV into .xlsx with LibreOffice, as an office would re-save it. */
function toXlsx(csv: string, dir: string): string {
  const profile = path.join(dir, 'lo-profile');
  execFileSync(soffice!, [`-env:UserInstallation=file://${profile}`, '--headless', '--infilter=CSV:44,34,76,1', '--convert-to', 'xlsx', '--outdir', dir, csv], { stdio: 'ignore', timeout: 120_000 });
  const out = path.join(dir, path.basename(csv).replace(/\.csv$/, '.xlsx'));
  expect(fs.existsSync(out)).toBe(true);
  return out;
}

const env = { CADRE_NOW: '2026-06-30T10:00:00' };

function hoursOf(db: string): unknown[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT c.staff_no, h.course_code, h.completed_on, h.quarters FROM hours h JOIN cadres c ON c.id = h.cadre_id ORDER BY 1, 2, 3').raw().all();
  } finally {
    d.close();
  }
}

describe.runIf(soffice)('workbooks saved by LibreOffice', () => {
  it('pass the archive bound and import the same records as their CSV originals', async () => {
    const dir = tempDir('cadre-office-');
    const sample = path.join(repoRoot, 'data', 'sample');
    for (const f of ['roster.csv', 'hours-2025-w38.csv']) fs.copyFileSync(path.join(sample, f), path.join(dir, f));
    const roster = toXlsx(path.join(dir, 'roster.csv'), dir);
    const hours = toXlsx(path.join(dir, 'hours-2025-w38.csv'), dir);
    for (const f of [roster, hours]) await expect(checkArchive(f, 'xlsx', path.basename(f))).resolves.not.toThrow();

    const run = async (args: string[]) => {
      const r = await runCli(args, { cwd: dir, env });
      expect(r.code, r.stderr).toBe(0);
      return r;
    };
    await run(['issue-accounts', 'roster.xlsx', '--db', 'x.db', '--out', 'cred-x.csv']);
    const imported = await run(['import-hours', 'hours-2025-w38.xlsx', '--db', 'x.db']);
    expect(imported.stderr).toMatch(/rows read 29: new 29/);
    await run(['issue-accounts', 'roster.csv', '--db', 'c.db', '--out', 'cred-c.csv']);
    await run(['import-hours', 'hours-2025-w38.csv', '--db', 'c.db']);
    expect(hoursOf(path.join(dir, 'x.db'))).toEqual(hoursOf(path.join(dir, 'c.db')));
  }, 300_000);
});
