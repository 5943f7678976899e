/**
 * What every import row needs: find the cadre it names, and read a date that
 * must fall inside one of that cadre's terms and not after today.
 */
import type { IsoDate } from '../core/dates.js';
import type { Policy } from '../core/policy.js';
import { termsUpTo, type Term } from '../core/terms.js';
import { parseDate, parseIdentifier } from '../core/values.js';
import type { CadreIndex, CadreRow } from '../db/cadres.js';
import { msg, type Problem } from '../errors.js';
import type { TableRecord } from '../io/table.js';

export class RowProblems {
  readonly list: Problem[] = [];
  constructor(readonly file: string, readonly rec: TableRecord) {}
  add(key: string | null, reason: Problem['reason'], fix?: Problem['fix']): void {
    const column = key ? this.rec.columnOf(key) : undefined;
    this.list.push({ file: this.file, line: this.rec.line, ...(column ? { column, columnName: key ?? undefined } : {}), reason, ...(fix ? { fix } : {}) });
  }
  /** Set when the row is no error but is not imported: skipped with a warning and counted (a date after leaving office). */
  skipped: Problem | null = null;
  skip(key: string | null, reason: Problem['reason']): void {
    const column = key ? this.rec.columnOf(key) : undefined;
    this.skipped ??= { file: this.file, line: this.rec.line, ...(column ? { column, columnName: key ?? undefined } : {}), reason };
  }
  get ok(): boolean {
    return this.list.length === 0;
  }
}

export class RowEnv {
  private termCache = new Map<number, Term[]>();
  constructor(readonly cadres: CadreIndex, readonly policy: Policy, readonly today: IsoDate) {}

  /** The cadre a row names by learner_id or staff_no (both must agree when both are given). */
  cadre(rec: TableRecord, p: RowProblems): CadreRow | null {
    const rawId = rec.cells.learner_id ?? '';
    const rawStaff = rec.cells.staff_no ?? '';
    let byId: CadreRow | undefined;
    let byStaff: CadreRow | undefined;
    if (rawId.trim() !== '') {
      const r = parseIdentifier(rawId, 'learner_id');
      if (!r.ok) return p.add('learner_id', r.reason), null;
      byId = this.cadres.byLearnerId.get(r.value);
      if (!byId) return p.add('learner_id', msg('row.unknownLearner', { id: r.value }), msg('row.fix.unknownCadre')), null;
    }
    if (rawStaff.trim() !== '') {
      const r = parseIdentifier(rawStaff, 'staff_no');
      if (!r.ok) return p.add('staff_no', r.reason), null;
      byStaff = this.cadres.byStaffNo.get(r.value);
      if (!byStaff && !byId) return p.add('staff_no', msg('row.unknownStaff', { staffNo: r.value }), msg('row.fix.unknownCadre')), null;
    }
    if (byId && byStaff && byId !== byStaff) {
      p.add('staff_no', msg('row.idMismatch', { id: byId.learnerId, staffNo: byStaff.staffNo }), msg('row.fix.idMismatch'));
      return null;
    }
    const cadre = byId ?? byStaff;
    if (!cadre) {
      p.add(rec.columnOf('learner_id') ? 'learner_id' : 'staff_no', msg('row.noCadre'), msg('row.fix.noCadre'));
      return null;
    }
    const name = rec.cells.name;
    if (name !== undefined && name.trim() !== '' && name.trim() !== cadre.name) {
      p.add('name', msg('row.nameMismatch', { name: name.trim(), id: cadre.learnerId, expected: cadre.name }), msg('row.fix.nameMismatch'));
      return null;
    }
    return cadre;
  }

  termsOf(cadre: CadreRow): Term[] {
    let terms = this.termCache.get(cadre.id);
    if (!terms) {
      terms = termsUpTo(cadre.service, this.policy, this.today);
      this.termCache.set(cadre.id, terms);
    }
    return terms;
  }

  /** A date cell that must be a real date, not after today, inside one of the cadre's terms. */
  datedInTerm(rec: TableRecord, key: string, cadre: CadreRow | null, p: RowProblems): { date: IsoDate; term: Term | null } | null {
    const r = parseDate(rec.cells[key] ?? '');
    if (!r.ok) return p.add(key, r.reason), null;
    const date = r.value;
    if (date > this.today) return p.add(key, msg('row.dateFuture', { date, today: this.today }), msg('row.fix.dateFuture')), null;
    if (!cadre) return { date, term: null };
    const term = this.termOfDate(cadre, date);
    if (!term) {
      const first = cadre.service.appointments[0]?.appointedOn;
      const left = cadre.service.leftOn;
      if (first && date < first) {
        p.add(key, msg('row.dateBeforeAppointment', { date, id: cadre.learnerId, appointed: first }), msg('row.fix.dateOutside'));
      } else if (left && date > left) {
        // Not an error of the file: the platform still lists a cadre who has left. Skipped, counted, warned.
        p.skip(key, msg('row.afterLeaving', { date, id: cadre.learnerId, left }));
      } else {
        p.add(key, msg('row.dateOutsideTerms', { date, id: cadre.learnerId }), msg('row.fix.dateOutside'));
      }
      return null;
    }
    return { date, term };
  }

  termOfDate(cadre: CadreRow, date: IsoDate): Term | null {
    const terms = this.termsOf(cadre);
    for (let i = terms.length - 1; i >= 0; i--) {
      const t = terms[i];
      if (date >= t.windowStart && date <= t.windowEnd) return t;
    }
    return null;
  }
}
