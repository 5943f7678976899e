/**
 * The office-wide fact reader (auditWindows) against the per-cadre one
 * (loadFacts): the same facts, each cadre cut to its window, on a real
 * (in-memory) schema.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { CadreFacts } from '../../src/core/audit.js';
import { dayNumber, fromDayNumber } from '../../src/core/dates.js';
import { auditWindows, HELD_ROWS_SQL, loadFacts, type FactWindow } from '../../src/db/facts.js';
import { FactsReader } from '../../src/db/facts-parallel.js';
import { mulberry32 } from '../helpers/prng.mjs';
import { MIGRATIONS } from '../../src/db/migrations.js';
import type { DB } from '../../src/db/open.js';

let db: DB;
const course = (code: string) => db.prepare("INSERT OR IGNORE INTO courses (code, quarters, created_at) VALUES (?, 4, 'x')").run(code);
const hour = (cadre: number, code: string, date: string, quarters = 4) => {
  course(code);
  db.prepare("INSERT INTO hours (cadre_id, course_code, completed_on, quarters, entered_by) VALUES (?, ?, ?, ?, 't')").run(cadre, code, date, quarters);
};

beforeEach(() => {
  db = new Database(':memory:');
  for (const m of MIGRATIONS) db.exec(m.sql);
  for (const id of [1, 2, 3, 4]) {
    db.prepare("INSERT INTO cadres (id, learner_id, staff_no, name, department, created_at, updated_at) VALUES (?, ?, ?, 'n', 'd', 'x', 'x')").run(id, `L${id}`, `S${id}`);
  }
});

/** Each cadre's facts, keyed by cadre id; every position is visited once, in order. */
function read(windows: FactWindow[], cutoff: string): Map<number, CadreFacts> {
  const out = new Map<number, CadreFacts>();
  const order: number[] = [];
  auditWindows(db, windows, cutoff, (pos, facts) => {
    order.push(pos);
    out.set(windows[pos].cadreId, { ...facts, hours: [...facts.hours] });
  });
  expect(order).toEqual(windows.map((_, i) => i));
  return out;
}
const all = (ids: number[], from: string, to: string): FactWindow[] => ids.map((cadreId) => ({ cadreId, from, to }));

const sortHours = (f: CadreFacts) => [...f.hours].sort((a, b) => (a.course + a.date < b.course + b.date ? -1 : 1));

describe('auditWindows', () => {
  it('gives each windowed cadre its hours inside its window and up to the cutoff, and its other facts', () => {
    hour(1, 'K1', '2025-09-01', 6);
    hour(1, 'K2', '2026-03-01');
    hour(1, 'K1', '2025-08-31'); // before the window
    hour(1, 'K3', '2026-09-01'); // after the cutoff
    hour(2, 'K1', '2024-01-01');
    hour(3, '课程,甲', '2025-10-10', 1); // a comma in a code
    db.prepare("INSERT INTO training (cadre_id, topic, topic_key, attended_on, entered_by) VALUES (4, 'T', 't', '2025-10-01', 't')").run();
    const got = read(all([4, 1, 2, 3], '2025-09-01', '2028-08-31'), '2026-08-31');
    expect(sortHours(got.get(1)!)).toEqual([
      { course: 'K1', date: '2025-09-01', quarters: 6 },
      { course: 'K2', date: '2026-03-01', quarters: 4 },
    ]);
    expect(got.get(2)!.hours).toEqual([]); // nothing in its window
    expect(got.get(3)!.hours).toEqual([{ course: '课程,甲', date: '2025-10-10', quarters: 1 }]);
    expect(got.get(4)!.training).toEqual([{ topic: 'T', date: '2025-10-01' }]);
  });

  it('reads a cadre row by row when its strings do not split into its rows (a code holding the separator, an odd date)', () => {
    hour(1, 'A\u001fB', '2025-10-01');
    hour(1, 'C', '2025-10-02');
    hour(2, 'D', '2025-10-03');
    db.prepare("INSERT INTO hours (cadre_id, course_code, completed_on, quarters, entered_by) VALUES (2, 'D', '2025-10-4', 4, 't')").run();
    const got = read(all([1, 2], '2025-09-01', '2028-08-31'), '2026-08-31');
    const full = loadFacts(db, [1, 2], '2026-08-31');
    expect(sortHours(got.get(1)!)).toEqual(sortHours(full.get(1)!));
    expect(got.get(1)!.hours.map((h) => h.course).sort()).toEqual(['A\u001fB', 'C']);
    expect(sortHours(got.get(2)!)).toEqual(sortHours(full.get(2)!));
  });

  it('gives each cadre its own window', () => {
    hour(1, 'K1', '2024-10-01');
    hour(1, 'K2', '2025-10-01');
    hour(2, 'K1', '2024-10-01');
    hour(2, 'K2', '2025-10-01');
    const got = read([{ cadreId: 1, from: '2024-09-01', to: '2025-08-31' }, { cadreId: 2, from: '2025-09-01', to: '2026-08-31' }], '2026-08-31');
    expect(got.get(1)!.hours.map((h) => h.course)).toEqual(['K1']);
    expect(got.get(2)!.hours.map((h) => h.course)).toEqual(['K2']);
  });

  it('leaves the database as it was (no window table left behind)', () => {
    hour(1, 'K1', '2025-10-01');
    read(all([1], '2025-09-01', '2026-08-31'), '2026-08-31');
    expect(db.prepare("SELECT COUNT(*) FROM temp.sqlite_master WHERE name = 'fact_window'").pluck().get()).toBe(0);
  });
});

describe('FactsReader (the read on a worker thread)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-facts-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The test database, copied to a file the worker can open. */
  function onFile(name: string): string {
    const file = path.join(dir, name);
    fs.rmSync(file, { force: true });
    db.exec(`VACUUM INTO '${file}'`);
    return file;
  }
  const collect = (run: (fn: (pos: number, f: CadreFacts) => void) => unknown) => {
    const out: [number, CadreFacts][] = [];
    run((pos, f) => out.push([pos, { ...f, hours: sortHours(f) }]));
    return out;
  };

  it('gives the same facts, position by position, as the read on this thread, in small batches and with the main thread behind', async () => {
    const rnd = mulberry32(20261201);
    const codes = ['K1', 'K2', 'K3', '课程,甲', 'A\u001fB'];
    for (const code of codes) course(code);
    for (let i = 0; i < 400; i++) {
      const cadre = 1 + Math.floor(rnd() * 4);
      const date = fromDayNumber(dayNumber('2024-06-01') + Math.floor(rnd() * 1200));
      db.prepare("INSERT OR IGNORE INTO hours (cadre_id, course_code, completed_on, quarters, entered_by) VALUES (?, ?, ?, ?, 't')").run(cadre, codes[Math.floor(rnd() * codes.length)], date, 1 + Math.floor(rnd() * 12));
    }
    db.prepare("INSERT INTO training (cadre_id, topic, topic_key, attended_on, entered_by) VALUES (2, 'T', 't', '2025-10-01', 't')").run();
    db.prepare("INSERT INTO hours (cadre_id, course_code, completed_on, quarters, entered_by) VALUES (3, 'K1', '2025-10-4', 4, 't')").run();
    const windows: FactWindow[] = [
      { cadreId: 3, from: '2024-09-01', to: '2027-08-31' },
      { cadreId: 1, from: '2025-09-01', to: '2026-08-31' },
      { cadreId: 4, from: '2024-09-01', to: '2025-08-31' },
      { cadreId: 2, from: '2024-09-01', to: '2027-08-31' },
      { cadreId: 1, from: '2024-09-01', to: '2025-08-31' },
    ];
    const file = onFile('same.db');
    const here = collect((fn) => auditWindows(db, windows, '2026-11-30', fn));
    const worker: [number, CadreFacts][] = [];
    // One position a batch, at most one batch waiting: the worker waits on this thread at every step.
    await new FactsReader(file, { batchSize: 1, maxInFlight: 1 }).read(windows, '2026-11-30', (pos, f) => worker.push([pos, { ...f, hours: sortHours(f) }]));
    expect(worker).toEqual(here);
    expect(here.map(([pos]) => pos)).toEqual([0, 1, 2, 3, 4]);
    expect(here.reduce((n, [, f]) => n + f.hours.length, 0)).toBeGreaterThan(100);
  });

  it('rejects, and stops the worker, when the caller fails on a position', async () => {
    hour(1, 'K1', '2025-10-01');
    const file = onFile('throws.db');
    const seen: number[] = [];
    await expect(
      new FactsReader(file, { batchSize: 1 }).read(all([1, 2, 3, 4], '2025-09-01', '2026-08-31'), '2026-08-31', (pos) => {
        seen.push(pos);
        if (pos === 1) throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(seen).toEqual([0, 1]);
  });

  it('rejects when the worker cannot open the database', async () => {
    await expect(new FactsReader(path.join(dir, 'missing.db')).read(all([1], '2025-09-01', '2026-08-31'), '2026-08-31', () => undefined)).rejects.toThrow();
  });
});

describe('the held records of a chunk (HELD_ROWS_SQL)', () => {
  it('are found from the findings, not from every hours record of the chunk\'s cadres', () => {
    // Many records and few findings, as in any office: the plan must begin from the findings.
    db.transaction(() => {
      for (let i = 0; i < 2_000; i++) hour(1 + (i % 4), `K${i % 200}`, fromDayNumber(dayNumber('2025-09-01') + Math.floor(i / 200)));
      db.prepare("INSERT INTO anomalies (id, kind, cadre_id, day, figure, limit_value, found_at) VALUES (1, 'day_hours', 2, '2025-09-02', 40, 32, 'x')").run();
      db.prepare('INSERT INTO anomaly_records (anomaly_id, hour_id) SELECT 1, id FROM hours WHERE cadre_id = 2 AND completed_on = ?').run('2025-09-02');
    })();
    db.exec('CREATE TEMP TABLE fact_window (pos INTEGER PRIMARY KEY, cadre_id INTEGER NOT NULL, from_day TEXT NOT NULL, to_day TEXT NOT NULL)');
    db.exec("INSERT INTO temp.fact_window VALUES (0, 1, '2025-09-01', '2026-08-31'), (1, 2, '2025-09-01', '2026-08-31'), (2, 3, '2025-09-01', '2026-08-31')");
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${HELD_ROWS_SQL}`).all() as { detail: string }[]).map((r) => r.detail);
    expect(plan[0]).toMatch(/^SCAN a\b/);
    expect(plan.some((d) => /SEARCH h USING INTEGER PRIMARY KEY/.test(d))).toBe(true);
    expect(plan.some((d) => /hours_by_cadre_day/.test(d))).toBe(false);
    const rows = db.prepare(HELD_ROWS_SQL).raw().all() as unknown[][];
    expect(rows.length).toBe(50);
    expect(rows.every((r) => r[0] === 2 && r[2] === '2025-09-02' && r[3] === 'open' && r[4] === 1 && r[5] === 'day_hours')).toBe(true);
  });
});
