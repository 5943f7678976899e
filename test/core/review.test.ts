/** The review workflow's pure rules: scores on the scale, verdicts combined, the date a resubmission counts on, balanced assignment. */
import { describe, expect, it } from 'vitest';
import { assignEssays, combinedStatus, countedOn, readScore, type AssignEssay, type AssignReviewer } from '../../src/core/review.js';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_REVIEW_JSON } from '../../src/core/policy.js';
import { repoRoot } from '../helpers/cli.js';
import { policyWith } from './fixtures.js';
import { mulberry32 } from '../helpers/prng.mjs';


describe('scores', () => {
  it('a grade is one of the policy\'s grades; a number lies within its range', () => {
    const grades = { kind: 'grades', grades: ['优秀', '合格', '不合格'] } as const;
    expect(readScore('合格', grades)).toBe('合格');
    expect(readScore(' 优秀 ', grades)).toBe('优秀');
    expect(readScore('良好', grades)).toBeNull();
    const range = { kind: 'range', min: 0, max: 100 } as const;
    expect(readScore('85', range)).toBe('85');
    expect(readScore('０', range)).toBe('0');
    expect(readScore('101', range)).toBeNull();
    expect(readScore('85.5', range)).toBeNull();
    expect(readScore('合格', range)).toBeNull();
  });

  it('the policy reads essays.review, refuses a bad scale, and defaults when absent', () => {
    expect(policyWith(() => {}).review).toEqual({ scale: { kind: 'grades', grades: ['优秀', '合格', '不合格'] }, resubmitDays: 30 });
    expect(policyWith((j) => (j.essays.review = { scale: { min: 0, max: 100 }, resubmit_days: 14 })).review).toEqual({ scale: { kind: 'range', min: 0, max: 100 }, resubmitDays: 14 });
    expect(policyWith((j) => delete j.essays.review).review.resubmitDays).toBe(30);
    expect(() => policyWith((j) => (j.essays.review.scale = []))).toThrow(/essays\.review\.scale/);
    expect(() => policyWith((j) => (j.essays.review.scale = { min: 100, max: 0 }))).toThrow(/essays\.review\.scale/);
    expect(() => policyWith((j) => (j.essays.review.scale = ['合格', '合格']))).toThrow(/twice/);
    expect(() => policyWith((j) => (j.essays.review.resubmit_days = -1))).toThrow(/resubmit_days/);
  });

  it('the defaults of a policy without essays.review are what data/policy.json ships', () => {
    const { $comment: _c, ...shipped } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'data', 'policy.json'), 'utf8')).essays.review;
    expect(shipped).toEqual(DEFAULT_REVIEW_JSON);
  });
});

describe('verdicts combined', () => {
  it('undecided until every assigned reviewer has reviewed; any return returns; else the majority; a tie stays pending', () => {
    expect(combinedStatus(2, ['approve'])).toBeUndefined();
    expect(combinedStatus(2, ['approve', 'approve'])).toBe('approved');
    expect(combinedStatus(3, ['approve', 'reject', 'reject'])).toBe('rejected');
    expect(combinedStatus(3, ['approve', 'approve', 'return'])).toBe('returned');
    expect(combinedStatus(2, ['approve', 'reject'])).toBe('pending');
    expect(combinedStatus(0, [])).toBeUndefined();
  });
});

describe('the date a resubmission counts on', () => {
  it('the original\'s date when resubmitted within the days of its return, its own after', () => {
    const original = { countedOn: '2025-10-10', returnedOn: '2025-11-01' };
    expect(countedOn(original, '2025-12-01', 30)).toBe('2025-10-10');
    expect(countedOn(original, '2025-12-02', 30)).toBe('2025-12-02');
    expect(countedOn(original, '2025-11-01', 0)).toBe('2025-10-10');
  });
});

describe('assignment', () => {
  it('refuses, naming every essay, when one has fewer eligible reviewers than it lacks', () => {
    const r = assignEssays(
      [
        { id: 1, department: 'A', assigned: [] },
        { id: 2, department: 'B', assigned: [] },
      ],
      [
        { id: 10, department: 'A', load: 0 },
        { id: 11, department: 'C', load: 0 },
      ],
      2,
    );
    expect(r).toEqual({ ok: false, short: [{ essay: 1, need: 2, eligible: 1 }] });
  });

  it('a department written another way (full-width brackets, spaces) is the same department: no reviewer of it is chosen', () => {
    const r = assignEssays(
      [{ id: 1, department: '财务处(计划财务)', assigned: [] }],
      [
        { id: 10, department: '财务处（计划财务） ', load: 0 },
        { id: 11, department: '文学院', load: 5 },
      ],
      1,
    );
    expect(r.ok && r.pairs).toEqual([{ essay: 1, reviewer: 11 }]);
  });

  it('over random inputs: never the same department, never twice, each essay filled, loads within one when departments allow, deterministic', () => {
    const random = mulberry32(12); // seeded, so a failing case can be run again
    for (let round = 0; round < 300; round++) {
      const depts = ['A', 'B', 'C', 'D', 'E'].slice(0, 2 + Math.floor(random() * 4));
      const reviewers: AssignReviewer[] = Array.from({ length: 2 + Math.floor(random() * 6) }, (_, i) => ({ id: 100 + i, department: depts[Math.floor(random() * depts.length)], load: round % 3 === 0 ? Math.floor(random() * 4) : 0 }));
      // Half the rounds: essays of a department no reviewer belongs to, so that every reviewer is eligible for every essay.
      const free = round % 2 === 1;
      const perEssay = 1 + Math.floor(random() * Math.min(3, reviewers.length));
      const essays: AssignEssay[] = Array.from({ length: Math.floor(random() * 40) }, (_, i) => {
        const department = free ? 'Z' : depts[Math.floor(random() * depts.length)];
        const already = random() < 0.2 ? reviewers.filter((r) => r.department !== department).slice(0, 1).map((r) => r.id) : [];
        return { id: i + 1, department, assigned: already };
      });
      const result = assignEssays(essays, reviewers, perEssay);
      expect(assignEssays(essays, reviewers, perEssay)).toEqual(result);
      const eligible = (e: AssignEssay) => reviewers.filter((r) => r.department !== e.department && !e.assigned.includes(r.id)).length;
      if (!result.ok) {
        expect(result.short.length).toBeGreaterThan(0);
        for (const s of result.short) expect(eligible(essays.find((e) => e.id === s.essay)!)).toBeLessThan(s.need);
        continue;
      }
      for (const e of essays) expect(eligible(e)).toBeGreaterThanOrEqual(perEssay - e.assigned.length);
      const dept = new Map(reviewers.map((r) => [r.id, r.department]));
      const byEssay = new Map<number, number[]>();
      for (const p of result.pairs) {
        const e = essays.find((x) => x.id === p.essay)!;
        expect(dept.get(p.reviewer)).not.toBe(e.department);
        expect(e.assigned).not.toContain(p.reviewer);
        byEssay.set(p.essay, [...(byEssay.get(p.essay) ?? []), p.reviewer]);
      }
      for (const e of essays) {
        const got = byEssay.get(e.id) ?? [];
        expect(new Set(got).size).toBe(got.length);
        expect(got.length + e.assigned.length).toBe(Math.max(perEssay, e.assigned.length));
      }
      // Loads are the existing ones plus the new assignments.
      for (const r of reviewers) expect(result.loads.get(r.id)).toBe(r.load + result.pairs.filter((p) => p.reviewer === r.id).length);
      // No single move of a new assignment could bring two loads two or more apart closer.
      for (const a of reviewers)
        for (const b of reviewers) {
          if (result.loads.get(a.id)! - result.loads.get(b.id)! < 2) continue;
          const movable = result.pairs.some((p) => p.reviewer === a.id && dept.get(b.id) !== essays.find((e) => e.id === p.essay)!.department && !byEssay.get(p.essay)!.includes(b.id) && !essays.find((e) => e.id === p.essay)!.assigned.includes(b.id));
          expect(movable).toBe(false);
        }
      // Every reviewer eligible for every essay, and none loaded before: loads differ by at most one.
      if (free && reviewers.every((r) => r.load === 0) && essays.every((e) => !e.assigned.length)) {
        const loads = [...result.loads.values()];
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
      }
    }
  });
});
