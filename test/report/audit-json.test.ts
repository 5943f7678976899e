/**
 * auditJsonText (the office-wide JSON written directly) against
 * JSON.stringify(auditJson(…)): the same text for any audit, whatever the
 * names, departments, exemption reasons and exams hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditTerm, type CadreFacts, type Evaluation, type RequirementId } from '../../src/core/audit.js';
import { dayNumber, fromDayNumber } from '../../src/core/dates.js';
import type { Rank } from '../../src/core/policy.js';
import { currentTerm } from '../../src/core/terms.js';
import { auditJson, auditJsonText } from '../../src/report/audit-view.js';
import { policy } from '../core/fixtures.js';

const day = fc.integer({ min: dayNumber('2024-06-01'), max: dayNumber('2029-01-31') }).map(fromDayNumber);
/** Any text, quotes, backslashes, control characters, lone surrogates and CJK included. */
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('组织部', '"quoted"', 'back\\slash', 'tab\tnew\nline', '\u2028\u2029', '\ud800'));

describe('auditJsonText', () => {
  it('is JSON.stringify(auditJson(a)) for any audit', () => {
    const facts = fc.record({
      hours: fc.array(fc.record({ course: fc.constantFrom('C1', 'C2', 'C3'), date: day, quarters: fc.integer({ min: 1, max: 96 }) }), { maxLength: 12 }),
      essays: fc.array(
        fc.record({ id: fc.nat(), kind: fc.constantFrom('reflection' as const, 'report' as const), title: text, date: day, chars: fc.integer({ min: 0, max: 9000 }), status: fc.constantFrom('approved' as const, 'pending' as const, 'rejected' as const) }),
        { maxLength: 4 },
      ),
      training: fc.array(fc.record({ topic: text, date: day }), { maxLength: 4 }),
      exams: fc.array(fc.record({ exam: text, date: day, scoreTenths: fc.integer({ min: 0, max: 1000 }) }), { maxLength: 2 }),
      exemptions: fc.array(
        fc.record({ requirement: fc.constantFrom<RequirementId>('total', 'training', 'report', 'hours', 'required', 'reflection'), year: fc.option(fc.integer({ min: 2024, max: 2028 })), reason: text }),
        { maxLength: 2 },
      ),
    }) as fc.Arbitrary<CadreFacts>;
    const cadre = fc.record({ learnerId: text, staffNo: text, name: text, department: text });
    fc.assert(
      fc.property(cadre, facts, fc.constantFrom<Rank>('division', 'section'), fc.constantFrom('2025-09-01', '2026-03-15', '2027-08-31', '2028-12-31'), (who, f, rank, when) => {
        const service = { appointments: [{ rank, appointedOn: '2025-09-01' }], leftOn: null };
        const term = currentTerm(service, policy, when)!;
        const ev: Evaluation = { asOf: when, cutoff: when, lastYear: Number(when.slice(0, 4)) - (when.slice(5) < '09-01' ? 1 : 0) };
        const audit = auditTerm(term, f, [{ year: 2025, rank, course: 'C2', quarters: 8 }], policy, ev, false);
        const a = { cadre: { id: 1, ...who, phone: null, email: null, leftOn: null, service }, audit };
        expect(auditJsonText(a)).toBe(JSON.stringify(auditJson(a)));
      }),
      { seed: 20261201, numRuns: 400 },
    );
  });
});
