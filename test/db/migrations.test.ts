import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { autoBackupBeforeMigration } from '../../src/db/backup.js';
import { LATEST_VERSION, MIGRATIONS } from '../../src/db/migrations.js';
import { openDatabase } from '../../src/db/open.js';
import { createTranslator } from '../../src/i18n/index.js';
import { tempDir } from '../helpers/cli.js';

const next = [...MIGRATIONS, { version: LATEST_VERSION + 1, name: 'test: a new table', sql: 'CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT;' }];

describe('migrations', () => {
  it('a new database gets every migration, STRICT tables, WAL, foreign keys and mode 0600', () => {
    const file = path.join(tempDir(), 'cadre.db');
    const db = openDatabase(file, { create: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as { name: string; sql: string }[];
    expect(tables.length).toBeGreaterThan(10);
    for (const t of tables) expect(t.sql, t.name).toMatch(/\) (WITHOUT ROWID, )?STRICT$/);
    db.close();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
  it('an existing database is backed up before a migration changes its schema, then migrated', () => {
    const dir = tempDir();
    const file = path.join(dir, 'cadre.db');
    openDatabase(file, { create: true }).close();
    const backups: string[] = [];
    const db = openDatabase(file, { create: false, migrations: next, beforeMigrate: (d, from, to) => backups.push(autoBackupBeforeMigration(d, file, from, to)) });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 1);
    db.close();
    expect(backups).toHaveLength(1);
    const copy = new Database(backups[0], { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(copy.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'extra'").get()).toEqual({ n: 0 });
    copy.close();
    expect(fs.statSync(backups[0]).mode & 0o777).toBe(0o600);
  });
  it('a version 1 database with hours gets the covering index of version 2, its rows kept', () => {
    const dir = tempDir();
    const file = path.join(dir, 'cadre.db');
    const v1 = openDatabase(file, { create: true, migrations: MIGRATIONS.slice(0, 1) });
    v1.prepare("INSERT INTO cadres (id, learner_id, staff_no, name, department, created_at, updated_at) VALUES (1, 'L1', 'S1', 'n', 'd', 'x', 'x')").run();
    v1.prepare("INSERT INTO courses (code, quarters, created_at) VALUES ('K1', 4, 'x')").run();
    v1.prepare("INSERT INTO hours (cadre_id, course_code, completed_on, quarters, entered_by) VALUES (1, 'K1', '2025-10-01', 6, 't')").run();
    v1.close();
    const db = openDatabase(file, { create: false, beforeMigrate: (d, from, to) => autoBackupBeforeMigration(d, file, from, to) });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'hours_by_cadre_day'").pluck().get()).toMatch(/\(cadre_id, completed_on, course_code, quarters\)/);
    expect(db.prepare('SELECT cadre_id, course_code, completed_on, quarters FROM hours').all()).toEqual([{ cadre_id: 1, course_code: 'K1', completed_on: '2025-10-01', quarters: 6 }]);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT course_code, quarters FROM hours WHERE cadre_id = 1 AND completed_on BETWEEN '2025-09-01' AND '2026-08-31'").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/COVERING INDEX hours_by_cadre_day/);
    db.close();
  });
  it('a version 2 database gets record_sources kept in its key order (version 3), every voucher and its checks kept', () => {
    const dir = tempDir();
    const file = path.join(dir, 'cadre.db');
    const v2 = openDatabase(file, { create: true, migrations: MIGRATIONS.slice(0, 2) });
    const batch = v2.prepare("INSERT INTO batches (kind, file_name, sha256, imported_at, operator, rows_read, rows_new, rows_duplicate, rows_rejected) VALUES ('hours', ?, ?, 'x', 'o', 1, 0, 1, 0)");
    batch.run('a.csv', 'a');
    batch.run('b.csv', 'b');
    const vouch = v2.prepare('INSERT INTO record_sources (kind, record_id, batch_id, line) VALUES (?, ?, ?, ?)');
    const vouchers: [string, number, number, number][] = [];
    for (let i = 1; i <= 500; i++) vouchers.push(['hours', 501 - i, 1 + (i % 2), i + 1], ['training', i, 2, i + 1]);
    for (const v of vouchers) vouch.run(...v);
    v2.close();
    const db = openDatabase(file, { create: false, beforeMigrate: (d, from, to) => autoBackupBeforeMigration(d, file, from, to) });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'record_sources'").pluck().get()).toMatch(/PRIMARY KEY \(kind, record_id, batch_id\)\s*\) WITHOUT ROWID, STRICT$/);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'record_sources_by_batch'").pluck().get()).toBe(1);
    const rows = db.prepare('SELECT kind, record_id, batch_id, line FROM record_sources').raw().all();
    expect(rows).toEqual([...vouchers].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2])));
    // The key, the kind check and the batch's foreign key hold as before.
    expect(() => db.prepare("INSERT INTO record_sources VALUES ('hours', 500, 2, 9)").run()).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => db.prepare("INSERT INTO record_sources VALUES ('roster', 1, 1, 9)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO record_sources VALUES ('hours', 9999, 77, 9)").run()).toThrow(/FOREIGN KEY/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
  it('a backup before a migration never overwrites another taken in the same second: the next gets -2, then -3', () => {
    const dir = tempDir();
    const file = path.join(dir, 'cadre.db');
    const db = openDatabase(file, { create: true });
    db.prepare("INSERT INTO cadres (id, learner_id, staff_no, name, department, created_at, updated_at) VALUES (1, 'L1', 'S1', 'n', 'd', 'x', 'x')").run();
    // The clock is read per copy: three copies within one second, else the test proves nothing and waits for the next second.
    let copies: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      for (const f of copies) fs.rmSync(f);
      copies = [1, 2, 3].map(() => autoBackupBeforeMigration(db, file, 2, 3));
      if (new Set(copies.map((c) => c.replace(/(-\d)?\.bak$/, ''))).size === 1) break;
    }
    expect(copies.map((c) => path.basename(c).replace(/\d{8}T\d{6}Z/, 'T'))).toEqual(['cadre.db.v2-before-v3.T.bak', 'cadre.db.v2-before-v3.T-2.bak', 'cadre.db.v2-before-v3.T-3.bak']);
    for (const c of copies) {
      const copy = new Database(c, { readonly: true });
      expect(copy.prepare('SELECT learner_id FROM cadres').pluck().all()).toEqual(['L1']);
      copy.close();
      expect(fs.statSync(c).mode & 0o777).toBe(0o600);
    }
    db.close();
  });
  it('an upgrade over several versions that stops between two says how far it got: a failed statement, and no room', () => {
    const en = createTranslator('en');
    const base = MIGRATIONS.slice(0, 2);
    // Version 4 cannot be applied to this file: a hand-made table in its way; or no room for its rows
    // (max_page_count holds the file at its size, as a full disk would: SQLITE_FULL).
    const cases: [string, string, RegExp][] = [
      ['CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT;', 'db.migrationFailedPartly', /was upgraded from version 2 to 3, but cannot be upgraded to version 4 \(table extra already exists\); it stays at version 3:/],
      ['PRAGMA max_page_count = 1; CREATE TABLE filler (x TEXT) STRICT; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) INSERT INTO filler SELECT printf(\'%.1000c\', \'x\') FROM n;', 'db.fullMigratingPartly', /was upgraded from version 2 to 3, but could not be upgraded to version 4 \(it stays at version 3, its data unchanged\)/],
    ];
    for (const [sql4, key, text] of cases) {
      const file = path.join(tempDir(), 'cadre.db');
      const v2 = openDatabase(file, { create: true, migrations: base });
      v2.exec('CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT;');
      v2.close();
      const steps = [...base, { version: 3, name: 'test: a new index', sql: 'CREATE INDEX cadres_by_name ON cadres (name);' }, { version: 4, name: 'test: cannot apply', sql: sql4 }];
      let error: any;
      try {
        openDatabase(file, { create: false, migrations: steps }).close();
      } catch (e) {
        error = e;
      }
      expect(error?.msg?.key, String(error)).toBe(key);
      expect(error.exitCode).toBe(2);
      expect(en.m(error.msg)).toMatch(text);
      const after = new Database(file, { readonly: true });
      expect(after.pragma('user_version', { simple: true })).toBe(3);
      expect(after.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('cadres_by_name', 'filler')").pluck().get()).toBe(1);
      after.close();
    }
  });
  it('a database newer than the code is refused with a clear message and left alone', () => {
    const file = path.join(tempDir(), 'cadre.db');
    openDatabase(file, { create: true, migrations: next }).close();
    const before = fs.readFileSync(file);
    expect(() => openDatabase(file, { create: false })).toThrow(expect.objectContaining({ exitCode: 2, msg: expect.objectContaining({ key: 'db.tooNew' }) }));
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
  it('a missing database is refused for reading and created for writing', () => {
    const file = path.join(tempDir(), 'none.db');
    expect(() => openDatabase(file, { create: false })).toThrow(expect.objectContaining({ msg: expect.objectContaining({ key: 'db.missing' }) }));
    expect(fs.existsSync(file)).toBe(false);
  });
});
