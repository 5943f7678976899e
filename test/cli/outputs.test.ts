/**
 * Every file the tool writes, as a user meets it (issue 9): --out of every
 * format and the files of --split-by department are 0600 under any umask,
 * never written through a symbolic link, never overwritten unless
 * --overwrite; --split-by writes one portable file per department carrying
 * the year or as-of date, all of them or none; rejected rows never destroy an
 * earlier file; a full disk is exit 2 naming the disk, with nothing left; the
 * temporaries of killed runs are swept and named; the help and code caches
 * are never written through a link.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_TAG } from '../../src/io/atomic-file.js';
import { binPath, repoRoot, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { fillDisk, leftIn, mountTinyDisk, tinyDiskAvailable, tinyDiskReason, unmountTinyDisk } from '../helpers/tmpfs.js';

if (!tinyDiskAvailable) console.warn(`skipped: the full-disk tests on a real tmpfs, because ${tinyDiskReason}`);

let dir: string;
let env: Record<string, string>;
const cli = (args: string[], cwd = dir, extra: Record<string, string> = {}) => runCli(args, { cwd, env: { ...env, ...extra } });
const modeOf = (p: string) => fs.statSync(p).mode & 0o777;
const LONG = '马克思主义学院'.repeat(14) + '研究中心'; // 102 characters, over 300 bytes of UTF-8
const DEPTS = ['a/b', 'a_b', 'a:b', 'a\\b', 'a?b', 'Dept', 'dept', LONG.slice(0, 100), 'CON', 'NUL.', '数学学院'];

/** `cadre ARGS` under `umask MASK`, so the modes below come from the tool, not from the caller's umask. */
function underUmask(mask: string, args: string[], cwd = dir): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', `umask ${mask} && exec "$0" "$@"`, process.execPath, binPath, ...args], {
      cwd,
      env: { ...process.env, ...env, NO_COLOR: '1', CADRE_LANG: 'en' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function csvCell(line: string, i: number): string {
  // The cells here hold no comma; a quoted cell loses its quotes.
  return (line.split(',')[i] ?? '').replace(/^"|"$/g, '').replace(/""/g, '"');
}

beforeAll(async () => {
  dir = tempDir('cadre-outputs-');
  env = { CADRE_DB: path.join(dir, 'cadre.db') };
  const rows = DEPTS.map((d, i) => `S${i + 1},人${i + 1},"${d.replace(/"/g, '""')}",division,2025-09-01`);
  fs.writeFileSync(path.join(dir, 'roster.csv'), ['staff_no,name,department,rank,appointed_on', ...rows].join('\n') + '\n');
  const r = await cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('--out', () => {
  const formats: [string, string[]][] = [
    ['audit.csv', ['--format', 'csv']],
    ['audit.json', ['--format', 'json']],
    ['audit.txt', ['--format', 'table']],
    ['audit.xlsx', ['--format', 'xlsx']],
    ['transcript.txt', ['S1-learner', '--format', 'table']],
  ];
  for (const mask of ['000', '077']) {
    it(`every format is written 0600 under umask ${mask} (audit listings name people)`, async () => {
      const sub = fs.mkdtempSync(path.join(dir, `umask${mask}-`));
      const learner = fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').split(/\r?\n/)[1].split(',')[0];
      for (const [name, args] of formats) {
        const r = await underUmask(mask, ['audit', '--as-of', '2026-06-30', ...args.map((a) => (a === 'S1-learner' ? learner : a)), '--out', name], sub);
        expect(r.code, `${name}: ${r.stderr}`).toBe(0);
        expect(modeOf(path.join(sub, name)), name).toBe(0o600);
      }
      expect(fs.readdirSync(sub).sort()).toEqual(formats.map(([n]) => n).sort());
    });
  }

  it('an existing file is refused with exit 2, left as it was, and the fix names --overwrite', async () => {
    for (const [name, args] of formats.slice(0, 4)) {
      fs.writeFileSync(path.join(dir, name), 'last week');
      const r = await cli(['audit', '--as-of', '2026-06-30', ...args, '--out', name]);
      expect(r.code, name).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`${name.replace('.', '\\.')} already exists`));
      expect(r.stderr).toContain('--overwrite');
      expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe('last week');
      const again = await cli(['audit', '--as-of', '2026-06-30', ...args, '--out', name, '--overwrite']);
      expect(again.code, again.stderr).toBe(0);
      expect(fs.readFileSync(path.join(dir, name), 'utf8')).not.toBe('last week');
      expect(modeOf(path.join(dir, name))).toBe(0o600);
    }
    expect(fs.readdirSync(dir).filter((n) => n.includes('tmp'))).toEqual([]);
  });

  for (const kind of ['dangling', 'to an existing file'] as const) {
    it(`a symbolic link at --out (${kind}) is never followed: refused, and with --overwrite replaced, its pointee untouched`, async () => {
      const sub = fs.mkdtempSync(path.join(dir, 'link-'));
      const pointee = path.join(sub, 'pointee.csv');
      if (kind === 'to an existing file') fs.writeFileSync(pointee, 'precious');
      fs.symlinkSync(pointee, path.join(sub, 'audit.csv'));
      const r = await cli(['audit', '--as-of', '2026-06-30', '--format', 'csv', '--out', 'audit.csv'], sub);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/audit\.csv already exists/);
      const check = () => {
        if (kind === 'dangling') expect(fs.existsSync(pointee)).toBe(false);
        else expect(fs.readFileSync(pointee, 'utf8')).toBe('precious');
      };
      check();
      const over = await cli(['audit', '--as-of', '2026-06-30', '--format', 'csv', '--out', 'audit.csv', '--overwrite'], sub);
      expect(over.code, over.stderr).toBe(0);
      expect(fs.lstatSync(path.join(sub, 'audit.csv')).isFile()).toBe(true);
      expect(fs.readFileSync(path.join(sub, 'audit.csv'), 'utf8')).toMatch(/learner_id/);
      check();
    });
  }

  it('is resolved against the working folder, and a folder given as --out is refused', async () => {
    const sub = fs.mkdtempSync(path.join(dir, 'cwd-'));
    fs.mkdirSync(path.join(sub, 'reports'));
    const r = await cli(['audit', '--as-of', '2026-06-30', '--format', 'csv', '--out', path.join('reports', 'a.csv')], sub);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(sub, 'reports', 'a.csv'))).toBe(true);
    const folder = await cli(['audit', '--as-of', '2026-06-30', '--format', 'csv', '--out', 'reports', '--overwrite'], sub);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/reports is a folder/);
  });

  it('the temporaries that killed runs left in the folder are removed, and named on stderr', async () => {
    const sub = fs.mkdtempSync(path.join(dir, 'stale-'));
    // A run killed half-way left its temporary: its process is gone (a pid far above any in use).
    const stale = `.audit.csv.4194000.${HOST_TAG}0badf00d.cadre-tmp`;
    fs.writeFileSync(path.join(sub, stale), 'half a file');
    const r = await cli(['audit', '--as-of', '2026-06-30', '--format', 'csv', '--out', 'audit.csv'], sub);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('removed 1 temporary file that interrupted runs had left');
    expect(r.stderr).toContain(stale);
    expect(fs.readdirSync(sub)).toEqual(['audit.csv']);
  });
});

describe('--split-by department', () => {
  it('gives every department its own portable file, 0600 in a 0700 folder, named with the as-of date', async () => {
    const r = await underUmask('000', ['audit', '--as-of', '2026-06-30', '--split-by', 'department', '--format', 'csv', '--out-dir', path.join('split', 'csv')]);
    expect(r.code, r.stderr).toBe(0);
    const out = path.join(dir, 'split', 'csv');
    expect(modeOf(path.join(dir, 'split'))).toBe(0o700);
    expect(modeOf(out)).toBe(0o700);
    const files = fs.readdirSync(out);
    expect(files).toHaveLength(DEPTS.length);
    expect(new Set(files.map((f) => f.toLowerCase())).size).toBe(DEPTS.length);
    const seen = new Map<string, string>();
    for (const f of files) {
      expect(Buffer.byteLength(f), f).toBeLessThan(255);
      expect(f).not.toMatch(/[<>:"/\\|?*\u0000-\u001f]/);
      expect(f).toMatch(/^audit-.+_as-of-2026-06-30\.csv$/);
      expect(modeOf(path.join(out, f))).toBe(0o600);
      const lines = fs.readFileSync(path.join(out, f), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
      const col = lines[0].split(',').indexOf('department');
      // One department per file, each with its own cadre.
      expect(lines).toHaveLength(2);
      seen.set(csvCell(lines[1], col), f);
    }
    expect([...seen.keys()].sort()).toEqual([...DEPTS].sort());
    expect(seen.get('数学学院')).toBe('audit-数学学院_as-of-2026-06-30.csv');
    expect(seen.get('CON')).toBe('audit-CON_as-of-2026-06-30.csv');
    expect(r.stderr).toContain(`${DEPTS.length} departments, one file each, written to ${path.join('split', 'csv')}`);
  });

  it('a department name too long for a file name no longer stops the run half-way: xlsx for all, the long one cut', async () => {
    const r = await cli(['audit', '--year', '2025', '--split-by', 'department', '--out-dir', 'xlsx']);
    expect(r.code, r.stderr).toBe(0);
    const files = fs.readdirSync(path.join(dir, 'xlsx'));
    expect(files).toHaveLength(DEPTS.length);
    const long = files.find((f) => f.startsWith('audit-马克思主义学院'))!;
    expect(long).toMatch(/\([0-9a-f]{6}\)_2025-2026\.xlsx$/);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(240);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'xlsx', long));
    expect(String(wb.worksheets[0].getRow(4).getCell(4).value)).toBe(LONG.slice(0, 100));
  });

  it('a second run without --overwrite is refused before anything is written, listing the files that exist', async () => {
    const out = path.join(dir, 'again');
    const first = await cli(['audit', '--year', '2025', '--split-by', 'department', '--format', 'csv', '--out-dir', 'again']);
    expect(first.code, first.stderr).toBe(0);
    // One department's file was moved away: the other ten still stop the run, and the missing one is not written either.
    const files = fs.readdirSync(out).sort();
    fs.renameSync(path.join(out, files[0]), path.join(dir, 'moved-away.csv'));
    const before = new Map(fs.readdirSync(out).map((f) => [f, fs.readFileSync(path.join(out, f), 'utf8')]));
    for (const f of before.keys()) fs.writeFileSync(path.join(out, f), 'kept');
    const second = await cli(['audit', '--year', '2025', '--split-by', 'department', '--format', 'csv', '--out-dir', 'again']);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`${files.length - 1} of the files already exist in again`);
    for (const f of files.slice(1)) expect(second.stderr).toContain(path.join('again', f));
    expect(second.stderr).toContain('--overwrite');
    expect(fs.readdirSync(out).sort()).toEqual(files.slice(1));
    for (const f of files.slice(1)) expect(fs.readFileSync(path.join(out, f), 'utf8')).toBe('kept');
    const over = await cli(['audit', '--year', '2025', '--split-by', 'department', '--format', 'csv', '--out-dir', 'again', '--overwrite']);
    expect(over.code, over.stderr).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(files);
    for (const f of files) expect(fs.readFileSync(path.join(out, f), 'utf8')).toMatch(/learner_id/);
  });

  it("last year's files are not met by this year's: the names carry the year", async () => {
    const zh = await cli(['audit', '--year', '2025', '--split-by', 'department', '--shortfall', '--out-dir', 'zh'], dir, { CADRE_LANG: 'zh' });
    expect(zh.code, zh.stderr).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'zh'))).toContain('缺口清单-数学学院_2025-2026学年.xlsx');
    const asOf = await cli(['audit', '--as-of', '2026-06-30', '--split-by', 'department', '--out-dir', 'zh'], dir, { CADRE_LANG: 'zh' });
    expect(asOf.code, asOf.stderr).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'zh'))).toContain('学分核算-数学学院_截至2026-06-30.xlsx');
  });

  it('one file per department or none: a target that cannot be written stops the run with no file written', async () => {
    const out = path.join(dir, 'blocked');
    fs.mkdirSync(out);
    // Where one department's file would go there is a folder.
    fs.mkdirSync(path.join(out, 'audit-数学学院_2025-2026.csv'));
    const r = await cli(['audit', '--year', '2025', '--split-by', 'department', '--format', 'csv', '--out-dir', 'blocked', '--overwrite']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is a folder/);
    expect(fs.readdirSync(out)).toEqual(['audit-数学学院_2025-2026.csv']);
  });

  it('--out-dir that is a file is refused', async () => {
    fs.writeFileSync(path.join(dir, 'plain-file'), 'x');
    const r = await cli(['audit', '--year', '2025', '--split-by', 'department', '--out-dir', 'plain-file']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out-dir plain-file is a file, not a folder/);
  });
});

describe('rejected rows (--skip-invalid)', () => {
  it('an earlier NAME.rejected.csv is kept: the new rows go to NAME.rejected-2.csv, and the summary says so; --overwrite replaces it', async () => {
    const sub = fs.mkdtempSync(path.join(dir, 'rejected-'));
    const learner = fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').split(/\r?\n/)[1].split(',')[0];
    const week = (bad: string) => `learner_id,course_code,completed_on\n${learner},K1,2025-10-0${bad.length}\nNOBODY,${bad},2025-10-01\n`;
    fs.writeFileSync(path.join(sub, 'week.csv'), week('K1'));
    const first = await underUmask('000', ['import-hours', 'week.csv', '--skip-invalid'], sub);
    expect(first.code, first.stderr).toBe(0);
    expect(modeOf(path.join(sub, 'week.rejected.csv'))).toBe(0o600);
    const firstRejected = fs.readFileSync(path.join(sub, 'week.rejected.csv'), 'utf8');
    // The office corrects part of the file under the same name and imports it again.
    fs.writeFileSync(path.join(sub, 'week.csv'), week('K22'));
    const second = await cli(['import-hours', 'week.csv', '--skip-invalid'], sub);
    expect(second.code, second.stderr).toBe(0);
    expect(fs.readFileSync(path.join(sub, 'week.rejected.csv'), 'utf8')).toBe(firstRejected);
    expect(fs.readFileSync(path.join(sub, 'week.rejected-2.csv'), 'utf8')).toContain('K22');
    expect(second.stderr).toContain('week.rejected.csv already exists (an earlier import left it) and was kept; the rows rejected this time are in week.rejected-2.csv');
    fs.writeFileSync(path.join(sub, 'week.csv'), week('K333'));
    const third = await cli(['import-hours', 'week.csv', '--skip-invalid', '--overwrite'], sub);
    expect(third.code, third.stderr).toBe(0);
    expect(fs.readFileSync(path.join(sub, 'week.rejected.csv'), 'utf8')).toContain('K333');
    expect(fs.readdirSync(sub).sort()).toEqual(['week.csv', 'week.rejected-2.csv', 'week.rejected.csv']);
  });
});

describe.runIf(tinyDiskAvailable)('a full disk (a tiny tmpfs)', () => {
  let disk: string;
  beforeAll(() => {
    disk = mountTinyDisk(64);
  });
  afterAll(() => unmountTinyDisk(disk));

  it('--out: exit 2 naming the file and the disk, no file and no temporary left', async () => {
    const filler = fillDisk(disk);
    try {
      for (const [name, format] of [['a.csv', 'csv'], ['a.json', 'json'], ['a.xlsx', 'xlsx']]) {
        const r = await cli(['audit', '--as-of', '2026-06-30', '--format', format, '--out', path.join(disk, name)]);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toContain(`${path.join(disk, name)} was not written: the disk of ${disk} is full`);
        expect(r.stderr).not.toMatch(/unexpected/i);
        expect(leftIn(disk)).toEqual([]);
      }
    } finally {
      fs.rmSync(filler);
    }
  });

  it('--split-by: when the disk fills half-way, no department file is left, and exit 2 says which disk', async () => {
    // About 7 KB a workbook, eleven of them: the disk holds some, not all.
    const out = path.join(disk, 'split');
    const r = await cli(['audit', '--year', '2025', '--split-by', 'department', '--out-dir', out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`was not written: the disk of ${disk} is full`));
    expect(leftIn(disk)).toEqual([]);
  });

  it('the rejected rows of an import: exit 2, the import refused (the database unchanged), no temporary left', async () => {
    const learner = fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').split(/\r?\n/)[1].split(',')[0];
    const input = path.join(disk, 'full.csv');
    const bad = Array.from({ length: 400 }, (_, i) => `NOBODY${i},K${i},2025-10-01`);
    fs.writeFileSync(input, ['learner_id,course_code,completed_on', `${learner},FULLDISK,2025-10-01`, ...bad].join('\n') + '\n');
    const filler = fillDisk(disk);
    try {
      const before = await cli(['imports', '--format', 'json']);
      const r = await cli(['import-hours', input, '--skip-invalid']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${path.join(disk, 'full.rejected.csv')} was not written: the disk of ${disk} is full`);
      expect(r.stderr).toMatch(/not imported|refused/);
      expect((await cli(['imports', '--format', 'json'])).stdout).toBe(before.stdout);
      expect(leftIn(disk)).toEqual(['full.csv']);
    } finally {
      fs.rmSync(filler);
    }
  });

  it('the database: exit 2, never 70, naming its disk; nothing changed', async () => {
    const dbDisk = mountTinyDisk(1024);
    const db = path.join(dbDisk, 'small.db');
    const small = (args: string[]) => cli(args, dir, { CADRE_DB: db });
    fs.writeFileSync(path.join(dir, 'tiny-roster.csv'), 'staff_no,name,department,rank,appointed_on\nT1,某,数学学院,division,2025-09-01\n');
    const made = await small(['issue-accounts', 'tiny-roster.csv', '--out', 'tiny-cred.csv']);
    expect(made.code, made.stderr).toBe(0);
    const learner = fs.readFileSync(path.join(dir, 'tiny-cred.csv'), 'utf8').split(/\r?\n/)[1].split(',')[0];
    const rows = Array.from({ length: 3000 }, (_, i) => `${learner},COURSE-WITH-A-LONG-CODE-${i},2025-10-01`);
    fs.writeFileSync(path.join(dir, 'many.csv'), ['learner_id,course_code,completed_on', ...rows].join('\n') + '\n');
    try {
      // Full before the import opens the database, and full half-way through its transaction.
      for (const leaveKiB of [0, 160]) {
        const filler = fillDisk(dbDisk, leaveKiB);
        const r = await small(['import-hours', 'many.csv']);
        expect(r.code, `${leaveKiB} KiB left: ${r.stderr}`).toBe(2);
        expect(r.stderr).toContain(`the disk holding ${dbDisk} is full: this command's changes to the database ${db} could not be written and were rolled back; nothing was changed`);
        fs.rmSync(filler);
        const after = await small(['imports', '--format', 'json']);
        expect(after.code, after.stderr).toBe(0);
        expect(JSON.parse(after.stdout)).toEqual([]);
      }
    } finally {
      unmountTinyDisk(dbDisk);
    }
  });
});

describe('the help and code caches', () => {
  let root: string;
  let bin: string;
  beforeAll(() => {
    // A copy of the installed program, so that its caches are its own.
    root = tempDir('cadre-caches-');
    fs.cpSync(path.join(repoRoot, 'dist'), path.join(root, 'dist'), { recursive: true, filter: (src) => !src.includes('.code-cache') && !src.includes('.help-cache') });
    fs.cpSync(path.join(repoRoot, 'bin'), path.join(root, 'bin'), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(root, 'package.json'));
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    fs.symlinkSync(path.join(repoRoot, 'data'), path.join(root, 'data'), 'dir');
    bin = path.join(root, 'bin', 'cadre.js');
    // The copy's modules have their own times (to the copy's precision): stamp the bundle's build with them, so it runs.
    const buildFile = path.join(root, 'dist', 'bundle', 'build.json');
    const build = JSON.parse(fs.readFileSync(buildFile, 'utf8'));
    fs.writeFileSync(buildFile, JSON.stringify({ ...build, modules: fs.statSync(path.join(root, 'dist', 'cli', 'main.js')).mtimeMs }));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const run = (args: string[], mask = '022') =>
    new Promise<CliResult>((resolve) => {
      const child = spawn('/bin/sh', ['-c', `umask ${mask} && exec "$0" "$@"`, process.execPath, bin, ...args], {
        cwd: dir,
        env: { ...process.env, ...env, NO_COLOR: '1', CADRE_LANG: 'en' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });

  it('a symbolic link planted at the help cache is neither read nor written through; the cache becomes a 0644 file', async () => {
    const { helpCachePath } = await import(path.join(root, 'dist', 'cli', 'help-cache.js'));
    const cacheEnv = { ...process.env, ...env, NO_COLOR: '1', CADRE_LANG: 'en' };
    const cache = helpCachePath(cacheEnv, { isTTY: false }) as string;
    fs.mkdirSync(path.dirname(cache), { recursive: true });
    const pointee = path.join(root, 'pointee.txt');
    fs.writeFileSync(pointee, 'not the help\n');
    fs.symlinkSync(pointee, cache);
    const r = await run(['--help'], '077');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: cadre/);
    expect(fs.readFileSync(pointee, 'utf8')).toBe('not the help\n');
    expect(fs.lstatSync(cache).isFile()).toBe(true);
    expect(modeOf(cache)).toBe(0o644);
    const again = await run(['--help']);
    expect(again.stdout).toBe(r.stdout);
    expect(fs.readdirSync(path.dirname(cache)).filter((n) => !n.endsWith('.txt'))).toEqual([]);
  });

  it('the code cache is 0644 under umask 077, and a cache folder that is a link is not written into', async () => {
    const cacheDir = path.join(root, 'dist', '.code-cache');
    const first = await run(['courses', '--format', 'json'], '077');
    expect(first.code, first.stderr).toBe(0);
    const files = fs.readdirSync(cacheDir);
    expect(files.filter((f) => f.endsWith('-courses.bin'))).toHaveLength(1);
    for (const f of files) expect(modeOf(path.join(cacheDir, f)), f).toBe(0o644);
    expect(files.filter((f) => !f.endsWith('.bin'))).toEqual([]);
    // Someone replaces the cache folder with a link to a folder of theirs.
    fs.rmSync(cacheDir, { recursive: true });
    const elsewhere = path.join(root, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.symlinkSync(elsewhere, cacheDir);
    const second = await run(['courses', '--format', 'json']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });
});
