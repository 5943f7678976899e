/**
 * Issue 5, item 4: bad input changes nothing. Every broken file of
 * test/fixtures/bad (made by make-bad.mjs there) goes through the real
 * `cadre import-hours`: exit 2, the database byte-for-byte unchanged (hash
 * after a checkpoint), the message names the file and, where there is one,
 * the line and column, and no stack trace. The files that must be accepted
 * (CR-only line endings, UTF-16 with a BOM, hostile extra column names) are
 * imported and their values checked. Then the paths that are not files: a
 * folder, an unreadable file, a read-only database, a database that is not
 * SQLite. Each case runs on its own copy of the database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cadre, checkpoint, copyDb, dbHash, isRoot, keepForRemoval, NO_CRASH, NOBODY, otherUserCanRun, removeScratch, repoRoot, sha256, tempDir } from './lib/cadre.js';

const fixtures = path.join(repoRoot, 'test/fixtures/bad');
const fixture = (name: string): string => path.join(fixtures, name);

let base: string;
let baseHash: string;

beforeAll(async () => {
  const dir = tempDir('cadre-bad-');
  base = path.join(dir, 'cadre.db');
  const r = await cadre(['--db', base, 'issue-accounts', fixture('roster.csv'), '--out', 'cred.csv'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  const ids = fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').match(/WZ26000\d/g);
  // The fixtures name these learner IDs (the clock is fixed to 2026).
  expect(ids).toEqual(['WZ260001', 'WZ260002']);
  checkpoint(base);
  baseHash = dbHash(base);
}, 60_000);

afterAll(removeScratch);

/** A fresh folder with its own copy of the database, owned by `uid` when given. */
function caseDir(owner?: number): { dir: string; db: string } {
  const dir = owner === undefined ? tempDir('cadre-bad-case-') : keepForRemoval(fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-bad-other-')));
  const db = path.join(dir, 'cadre.db');
  copyDb(base, db);
  if (owner !== undefined) {
    fs.chmodSync(dir, 0o755);
    fs.chownSync(dir, owner, owner);
    fs.chownSync(db, owner, owner);
  }
  return { dir, db };
}

interface Refusal {
  file: string;
  /** Each place the message must name: [line] or [line, column]. */
  at?: [number, number?][];
  says: RegExp;
}

const refusals: Refusal[] = [
  { file: 'empty.csv', says: /is empty/ },
  { file: 'header-only.csv', says: /no (data )?rows|no records|only (a|the|its) header|header only|nothing to import/i },
  { file: 'duplicate-header.csv', at: [[1, 4]], says: /same as column 1/ },
  { file: 'proto-header.csv', at: [[1]], says: /missing column 学员编号 \(learner_id.* 工号 \(staff_no/ },
  { file: 'missing-column.csv', at: [[1]], says: /missing column 完成日期 \(completed_on/ },
  { file: 'unclosed-quote.csv', at: [[3, 2]], says: /never closed/ },
  { file: 'bare-quote.csv', at: [[3, 2]], says: /double quote " appears inside a cell that is not in quotes/ },
  { file: 'nul.csv', at: [[3, 12]], says: /NUL byte/ },
  { file: 'invalid-encoding.csv', at: [[3]], says: /neither UTF-8 nor GBK\/GB18030/ },
  { file: 'big5.csv', at: [[1]], says: /garbled.*Big5/s },
  { file: 'xlsx-renamed.csv', says: /really an Excel \(\.xlsx\)/ },
  { file: 'ragged.csv', at: [[3], [4]], says: /3 fields but the header has 4 columns[\s\S]*5 fields but the header has 4 columns/ },
  { file: 'long-field.csv', at: [[3, 2]], says: /longer than 1 MB/ },
  { file: 'hours-decimal-comma.csv', at: [[3, 4]], says: /"2,5" uses a comma as the decimal mark/ },
  { file: 'hours-unit.csv', at: [[3, 4]], says: /"3小时" has the unit "小时"/ },
  { file: 'hours-negative.csv', at: [[3, 4]], says: /"-1" is negative/ },
  { file: 'hours-nan.csv', at: [[3, 4]], says: /"NaN" is not a number/ },
  { file: 'hours-1e309.csv', at: [[3, 4]], says: /"1e309" is in scientific notation/ },
  { file: 'hours-empty.csv', at: [[3, 4]], says: /the number is empty/ },
  { file: 'hours-full-width-comma.csv', at: [[3, 4]], says: /"２，５" uses a comma as the decimal mark/ },
  { file: 'id-zero-width.csv', at: [[3, 1]], says: /U\+200B/ },
  { file: 'id-nbsp.csv', at: [[3, 1]], says: /U\+00A0/ },
  { file: 'staff-excel-mangled.csv', at: [[3, 1]], says: /Excel turned "2\.02301E\+09" into scientific notation/ },
  { file: 'date-feb-30.csv', at: [[3, 3]], says: /2026-02-30 does not exist/ },
  { file: 'date-month-13.csv', at: [[3, 3]], says: /no month 13/ },
  { file: 'date-outside-term.csv', at: [[3, 3]], says: /before the appointment of learner WZ260002/ },
  { file: 'date-future.csv', at: [[3, 3]], says: /after today/ },
];

function expectPlaces(stderr: string, file: string, at: [number, number?][] = []): void {
  for (const [line, column] of at) {
    const where = column === undefined ? `${file}, line ${line}` : `${file}, line ${line}, column ${column}`;
    expect(stderr, `names ${where}`).toContain(where);
  }
}

describe.concurrent('a broken file: exit 2, the database byte-for-byte unchanged, the place named', () => {
  it('every fixture listed in make-bad.mjs is covered here', () => {
    const listed = [...fs.readFileSync(fixture('make-bad.mjs'), 'utf8').matchAll(/put\('([^']+)'/g)].map((m) => m[1]);
    const covered = new Set([...refusals.map((r) => r.file), 'roster.csv', 'not-sqlite.db', 'cr-only.csv', 'utf16le-bom.txt', 'utf16be-bom.csv', 'proto-extra-columns.csv', 'hours-full-width.csv']);
    expect(listed.filter((f) => !covered.has(f))).toEqual([]);
    for (const f of listed) expect(fs.existsSync(fixture(f)), f).toBe(true);
  });

  it.each(refusals)('$file', async ({ file, at, says }) => {
    const { dir, db } = caseDir();
    const input = fixture(file);
    const r = await cadre(['--db', db, 'import-hours', input], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(input);
    expect(r.stderr).toMatch(says);
    expectPlaces(r.stderr, input, at);
    expect(r.stderr).not.toMatch(NO_CRASH);
    expect(dbHash(db)).toBe(baseHash);
  });
});

describe.concurrent('files that must be accepted, and accepted right', () => {
  const hoursOf = (db: string): { learner: string; code: string; date: string; quarters: number }[] => {
    const d = new Database(db, { readonly: true });
    try {
      return d.prepare('SELECT c.learner_id AS learner, h.course_code AS code, h.completed_on AS date, h.quarters FROM hours h JOIN cadres c ON c.id = h.cadre_id ORDER BY date, code').all() as never;
    } finally {
      d.close();
    }
  };

  it('CR-only line endings (old Mac): every row, the blank line skipped, a quoted comma kept', async () => {
    const { dir, db } = caseDir();
    const r = await cadre(['--db', db, 'import-hours', fixture('cr-only.csv')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/rows read 3: new 3/);
    expect(hoursOf(db)).toEqual([
      { learner: 'WZ260001', code: 'C101', date: '2025-10-01', quarters: 4 },
      { learner: 'WZ260002', code: 'C1,02', date: '2025-10-02', quarters: 2 },
      { learner: 'WZ260001', code: 'C103', date: '2025-10-03', quarters: 8 },
    ]);
  });

  it.each(['utf16le-bom.txt', 'utf16be-bom.csv'])('UTF-16 with a BOM (%s, tab-separated, Chinese header): imported, not mangled', async (file) => {
    const { dir, db } = caseDir();
    const r = await cadre(['--db', db, 'import-hours', fixture(file)], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const n = file.startsWith('utf16le') ? '2' : '3';
    expect(hoursOf(db)).toEqual([
      { learner: 'WZ260001', code: `C${n}01`, date: '2025-10-01', quarters: 4 },
      { learner: 'WZ260002', code: `C,${n}02`, date: '2025-10-02', quarters: 3 },
    ]);
  });

  it('full-width digits in hours (１２): read as 12 hours, as full-width dates are read', async () => {
    const { dir, db } = caseDir();
    const r = await cadre(['--db', db, 'import-hours', fixture('hours-full-width.csv')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(hoursOf(db)).toEqual([
      { learner: 'WZ260001', code: 'C001', date: '2025-10-01', quarters: 4 },
      { learner: 'WZ260002', code: 'C002', date: '2025-10-02', quarters: 48 },
    ]);
  });

  it('__proto__, constructor and hasOwnProperty as extra column names: ignored with a warning, the row imported as written', async () => {
    const { dir, db } = caseDir();
    const r = await cadre(['--db', db, 'import-hours', fixture('proto-extra-columns.csv')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/unknown columns ignored: __proto__, constructor, hasOwnProperty/);
    expect(hoursOf(db)).toEqual([{ learner: 'WZ260001', code: 'C401', date: '2025-10-01', quarters: 4 }]);
  });
});

describe.concurrent('paths that are not readable files, databases that cannot be written', () => {
  it('a folder given as the input file', async () => {
    const { dir, db } = caseDir();
    fs.mkdirSync(path.join(dir, 'week47.csv'));
    const r = await cadre(['--db', db, 'import-hours', 'week47.csv'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/week47\.csv is a folder/);
    expect(r.stderr).not.toMatch(NO_CRASH);
    expect(dbHash(db)).toBe(baseHash);
  });

  it('a folder given as the database', async () => {
    const { dir } = caseDir();
    fs.mkdirSync(path.join(dir, 'db-folder'));
    const r = await cadre(['--db', 'db-folder', 'import-hours', fixture('cr-only.csv')], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/db-folder is a folder/);
    expect(fs.readdirSync(path.join(dir, 'db-folder'))).toEqual([]);
  });

  it('a missing input file', async () => {
    const { dir, db } = caseDir();
    const r = await cadre(['--db', db, 'import-hours', 'no-such-week.csv'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('no-such-week.csv');
    expect(r.stderr).not.toMatch(NO_CRASH);
    expect(dbHash(db)).toBe(baseHash);
  });

  // As root every file is readable and writable, so the child runs as nobody; as any other user, as that user.
  const other = isRoot() ? NOBODY : undefined;
  const asOther = other === undefined ? {} : { uid: other, gid: other };
  const canRunAsOther = otherUserCanRun();

  it.runIf(canRunAsOther)('an input file without read permission', async () => {
    const { dir, db } = caseDir(other);
    const input = path.join(dir, 'locked.csv');
    fs.copyFileSync(fixture('cr-only.csv'), input);
    fs.chmodSync(input, 0o000);
    if (other !== undefined) fs.chownSync(input, 0, 0);
    const r = await cadre(['--db', db, 'import-hours', input], { cwd: dir, ...asOther });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/no permission to read .*locked\.csv/);
    expect(r.stderr).not.toMatch(NO_CRASH);
    expect(dbHash(db)).toBe(baseHash);
  });

  it.runIf(canRunAsOther).each([
    ['import-hours', fixture('cr-only.csv')],
    ['record-essay', 'WZ260001', '--kind', 'reflection', '--title', 'T', '--submitted-on', '2025-10-01', '--chars', '4000'],
  ])('a read-only database (%s)', async (...args) => {
    const { dir, db } = caseDir(other);
    fs.chmodSync(db, 0o444);
    const r = await cadre(['--db', db, ...args], { cwd: dir, ...asOther });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/database .*cadre\.db is read-only/);
    expect(r.stderr).not.toMatch(NO_CRASH);
    fs.chmodSync(db, 0o600);
    expect(dbHash(db)).toBe(baseHash);
  });

  it('a database file that is not SQLite: refused, left byte-for-byte as it was', async () => {
    const { dir } = caseDir();
    const db = path.join(dir, 'notes.db');
    fs.copyFileSync(fixture('not-sqlite.db'), db);
    const before = sha256(fs.readFileSync(db));
    for (const args of [['import-hours', fixture('cr-only.csv')], ['audit']]) {
      const r = await cadre(['--db', db, ...args], { cwd: dir });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/notes\.db is not a cadre database/);
      expect(r.stderr).not.toMatch(NO_CRASH);
    }
    expect(sha256(fs.readFileSync(db))).toBe(before);
    expect(fs.readdirSync(dir).sort()).toEqual(['cadre.db', 'notes.db']);
  });
});
