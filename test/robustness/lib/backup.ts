/**
 * Backup under load: writers import files and record essays without pause
 * while `cadre backup FILE` is taken again and again. Every copy must pass
 * integrity_check and hold a consistent state: each batch with all its rows
 * and its journal entry, nothing half-written, a state the live database
 * actually went through.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { LATEST_VERSION } from '../../../src/db/migrations.js';
import { cadre, makeWorkspace, NO_CRASH, sleep, studyDate, type Workspace } from './cadre.js';

export interface BackupLoadOptions {
  writers: number;
  backups: number;
  rowsPerFile: number;
}

export interface BackupLoadResult {
  ws: Workspace;
  copies: string[];
  writerCommands: number;
  /** Batches in each copy, in the order taken. */
  batchesPerCopy: number[];
  ms: number;
}

interface Snapshot {
  batches: { id: number; sha256: string; rows_new: number }[];
  essays: number;
}

/** Checks one database file for consistency; returns what it holds. */
export function checkConsistent(file: string): Snapshot {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as Record<string, unknown>[]).map((r) => String(Object.values(r)[0]));
    expect(integrity, `${file}: integrity_check`).toEqual(['ok']);
    expect(db.pragma('foreign_key_check'), `${file}: foreign_key_check`).toEqual([]);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    const n = (sql: string, ...p: unknown[]): number => (db.prepare(sql).get(...p) as { n: number }).n;
    const batches = db.prepare("SELECT id, sha256, rows_new FROM batches WHERE kind = 'hours' ORDER BY id").all() as Snapshot['batches'];
    for (const b of batches) {
      expect({ batch: b.id, rows: n('SELECT COUNT(*) AS n FROM hours WHERE batch_id = ?', b.id), journal: n("SELECT COUNT(*) AS n FROM journal WHERE command = 'import-hours' AND json_extract(args, '$.batch') = ?", b.id) }).toEqual({
        batch: b.id,
        rows: b.rows_new,
        journal: 1,
      });
    }
    expect(n('SELECT COUNT(*) AS n FROM hours')).toBe(batches.reduce((a, b) => a + b.rows_new, 0));
    expect(n("SELECT COUNT(*) AS n FROM journal WHERE command = 'import-hours'")).toBe(batches.length);
    const essays = n('SELECT COUNT(*) AS n FROM essays');
    expect(n("SELECT COUNT(*) AS n FROM journal WHERE command = 'record-essay'")).toBe(essays);
    return { batches, essays };
  } finally {
    db.close();
  }
}

export async function backupUnderLoad(opts: BackupLoadOptions): Promise<BackupLoadResult> {
  const ws = await makeWorkspace(40);
  let stop = false;
  let writerCommands = 0;
  const t0 = performance.now();
  const writers = Array.from({ length: opts.writers }, async (_, w) => {
    for (let c = 0; !stop; c++) {
      let args: string[];
      if (c % 3 === 2) {
        args = ['record-essay', ws.ids[(w * 7 + c) % ws.ids.length], '--kind', 'report', '--title', `writer ${w} essay ${c}`, '--submitted-on', studyDate(c), '--chars', '5000'];
      } else {
        const name = `load-${w}-${c}.csv`;
        const lines = ['learner_id,course_code,completed_on,hours'];
        for (let i = 0; i < opts.rowsPerFile; i++) lines.push(`${ws.ids[i % ws.ids.length]},L${w}X${c}C${Math.floor(i / ws.ids.length)},${studyDate(i + c)},1.5`);
        fs.writeFileSync(path.join(ws.dir, name), lines.join('\n') + '\n');
        args = ['import-hours', name];
      }
      const r = await cadre(args, { cwd: ws.dir, env: ws.env });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      writerCommands++;
    }
  });
  const copies: string[] = [];
  try {
    await sleep(600);
    for (let i = 0; i < opts.backups; i++) {
      const copy = path.join(ws.dir, 'backups', `copy-${i}.db`);
      const r = await cadre(['backup', copy], { cwd: ws.dir, env: ws.env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(NO_CRASH);
      copies.push(copy);
      await sleep(150 + ((i * 137) % 300));
    }
  } finally {
    stop = true;
    await Promise.all(writers);
  }
  const live = checkConsistent(ws.db);
  const liveBatches = new Map(live.batches.map((b) => [b.id, b]));
  const batchesPerCopy: number[] = [];
  let previous = -1;
  for (const copy of copies) {
    for (const s of ['-wal', '-shm', '-journal']) expect(fs.existsSync(copy + s), `${copy}${s}`).toBe(false);
    expect(fs.statSync(copy).mode & 0o777).toBe(0o600);
    const snap = checkConsistent(copy);
    // A state the live database went through: its batches are the live ones, and the copies only grow.
    for (const b of snap.batches) expect(liveBatches.get(b.id)).toEqual(b);
    expect(snap.batches.length).toBeGreaterThanOrEqual(previous);
    previous = snap.batches.length;
    batchesPerCopy.push(snap.batches.length);
  }
  // The tool opens a copy as a database of its own.
  const opened = await cadre(['--db', copies[copies.length - 1], 'audit', '--format', 'json'], { cwd: ws.dir });
  expect(opened.code, opened.stderr).toBe(0);
  expect(JSON.parse(opened.stdout)).toHaveLength(40);
  return { ws, copies, writerCommands, batchesPerCopy, ms: performance.now() - t0 };
}

export function describeBackup(r: BackupLoadResult, writers: number): string {
  return `backup under load: ${r.copies.length} backups while ${writers} writer(s) ran ${r.writerCommands} commands (${Math.round(r.ms / 100) / 10} s); batches in the copies ${r.batchesPerCopy.join(', ')}; every copy integrity ok, foreign keys ok, each batch whole with its journal entry`;
}
