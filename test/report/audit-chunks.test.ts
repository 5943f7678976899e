/**
 * An office-wide audit plans its roster a chunk of cadres at a time
 * (AuditPlan.roster, forEachAudit): whatever the chunk size, on this thread
 * or with the facts read on the worker, the audits are those of one chunk
 * holding every cadre, in the same order.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeAudits, forEachAuditOfPlans, planAudit, withReader, type AuditScope } from '../../src/report/audit-run.js';
import { hoursByMonth } from '../../src/db/report.js';
import { yearEndDate, yearStartDate } from '../../src/core/terms.js';
import { auditJsonText } from '../../src/report/audit-view.js';
import { dayNumber, fromDayNumber } from '../../src/core/dates.js';
import { mulberry32 } from '../helpers/prng.mjs';
import { testContext, type TestContext } from '../helpers/context.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-chunks-'));
let ctx: TestContext;

beforeAll(() => {
  ctx = testContext({ cwd: dir, now: '2026-11-25T10:00:00' });
  const db = ctx.db({ create: true });
  const rnd = mulberry32(20261202);
  const day = (from: string, span: number) => fromDayNumber(dayNumber(from) + Math.floor(rnd() * span));
  db.transaction(() => {
    for (const code of ['K1', 'K2', 'K3', 'K4']) db.prepare("INSERT INTO courses (code, quarters, created_at) VALUES (?, 8, 'x')").run(code);
    for (let id = 1; id <= 60; id++) {
      // Learner IDs in another order than the ids, so that a chunk of the roster is not a range of ids.
      const learner = `WZ26${String((id * 37) % 61).padStart(4, '0')}`;
      const left = id % 11 === 0 ? day('2025-10-01', 300) : null;
      db.prepare("INSERT INTO cadres (id, learner_id, staff_no, name, department, left_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'x', 'x')").run(id, learner, `S${id}`, `name ${id}`, `dept ${id % 4}`, left);
      db.prepare("INSERT INTO appointments (cadre_id, rank, rank_title, appointed_on, recorded_at) VALUES (?, ?, 't', ?, 'x')").run(id, id % 3 ? 'section' : 'division', day('2021-01-01', 1600));
      if (id % 7 === 0) db.prepare("INSERT INTO appointments (cadre_id, rank, rank_title, appointed_on, recorded_at) VALUES (?, 'division', 't', ?, 'x')").run(id, day('2025-06-01', 300));
      const n = id % 5 === 0 ? 0 : Math.floor(rnd() * 40);
      for (let k = 0; k < n; k++) {
        db.prepare("INSERT OR IGNORE INTO hours (cadre_id, course_code, completed_on, quarters, entered_by) VALUES (?, ?, ?, ?, 't')").run(id, `K${1 + Math.floor(rnd() * 4)}`, day('2023-09-01', 1180), 1 + Math.floor(rnd() * 12));
      }
      if (id % 4 === 1) db.prepare("INSERT INTO training (cadre_id, topic, topic_key, attended_on, entered_by) VALUES (?, 'T', 't', ?, 't')").run(id, day('2024-09-01', 700));
      if (id % 6 === 2) db.prepare("INSERT INTO exams (cadre_id, exam, taken_on, score_tenths, entered_by) VALUES (?, 'E', ?, ?, 't')").run(id, day('2024-09-01', 700), Math.floor(rnd() * 1000));
      if (id % 9 === 4) db.prepare("INSERT INTO exemptions (cadre_id, requirement, year, reason, granted_by, granted_at) VALUES (?, 'hours', 2025, 'leave', 't', 'x')").run(id);
    }
  })();
});
afterAll(() => {
  ctx.dispose?.();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The audits' JSON texts and what is left out of the view, with the facts read here (parallelFrom Infinity) or on the worker (1). */
async function audits(scope: AuditScope, chunkSize: number, parallelFrom: number) {
  const r = await computeAudits(ctx, scope, parallelFrom, chunkSize);
  return { audits: r.audited.map(auditJsonText), notInView: r.notInView };
}

describe('an office-wide audit in chunks of cadres', () => {
  for (const scope of [{ learnerIds: [] }, { learnerIds: [], year: '2025' }, { learnerIds: [], rank: 'division' as const }, { learnerIds: [], asOf: '2025-12-31' }]) {
    it(`gives the audits of one chunk, in learner-ID order, for any chunk size, here and on the worker: ${JSON.stringify(scope)}`, async () => {
      const whole = await audits(scope, 1_000_000, Infinity);
      expect(whole.audits.length).toBeGreaterThan(10);
      const ids = whole.audits.map((t) => JSON.parse(t).learner_id as string);
      expect(ids).toEqual([...ids].sort());
      for (const size of [1, 7, 16, 59, 60]) {
        expect(await audits(scope, size, Infinity)).toEqual(whole);
        expect(await audits(scope, size, 1)).toEqual(whole);
      }
    });
  }
});

describe('several year-end views audited in one pass (forEachAuditOfPlans, the report\'s year and the year before)', () => {
  for (const years of [[2025, 2024], [2024, 2023], [2025, 2023]]) {
    it(`gives each view the audits of its own plan, and the months hoursByMonth sums, for any chunk size, here and on the worker: ${years.join(', ')}`, async () => {
      const policy = ctx.policy();
      const alone = await Promise.all(years.map((y) => audits({ learnerIds: [], year: String(y) }, 1_000_000, Infinity)));
      expect(alone.every((a) => a.audits.length > 10)).toBe(true);
      for (const size of [1, 7, 60]) {
        for (const parallelFrom of [Infinity, 1]) {
          const views = years.map(() => ({ audits: [] as string[], ids: new Set<number>(), months: new Map<string, number>() }));
          const scopes = years.map((y) => ({ learnerIds: [], year: String(y) }));
          const plans = await withReader(ctx, scopes[0], async (reader) => {
            const list = scopes.map((scope) => planAudit(ctx, scope, size));
            const visits = years.map((y, i) => (a: Parameters<Parameters<typeof forEachAuditOfPlans>[2][number]>[0], read: { hours: { date: string; quarters: number }[] }) => {
              views[i].audits.push(auditJsonText(a));
              views[i].ids.add(a.cadre.id);
              for (const h of read.hours) if (h.date >= yearStartDate(y, policy) && h.date <= yearEndDate(y, policy)) views[i].months.set(h.date.slice(0, 7), (views[i].months.get(h.date.slice(0, 7)) ?? 0) + h.quarters);
            });
            await forEachAuditOfPlans(ctx, list, visits, reader, { from: yearStartDate(Math.min(...years), policy), to: yearEndDate(Math.max(...years), policy) });
            return list;
          }, parallelFrom);
          years.forEach((y, i) => {
            expect({ audits: views[i].audits, notInView: plans[i].notInView }).toEqual(alone[i]);
            const months = hoursByMonth(ctx.db({ readOnly: true }), yearStartDate(y, policy), yearEndDate(y, policy), views[i].ids);
            expect(months.size).toBeGreaterThan(3);
            expect(views[i].months).toEqual(months);
          });
        }
      }
    });
  }
});
