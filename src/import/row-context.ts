/**
 * What every import row needs: find the cadre it names, and read a date that
 * must fall inside one of that cadre's terms and not after today.
 *
 * A staff number not on the roster gets a hint when a cadre's staff number
 * is the same once leading zeros are ignored (a file re-saved in Excel). The
 * index for it is built at the first such miss, so rows that find their
 * cadre pay nothing. A name next to the ID is compared with whitespace
 * ignored (`张 三` = `张三`).
 */
import type { IsoDate } from '../core/dates.js';
import type { Policy } from '../core/policy.js';
import { Lookalikes, personKey } from '../core/roster.js';
import { termsUpTo, type Term } from '../core/terms.js';
import { parseDate, parseIdentifier } from '../core/values.js';
import type { CadreIndex, CadreRow } from '../db/cadres.js';
import { msg, type Problem } from '../errors.js';
import type { TableRecord } from '../io/table.js';
import { forTerminal } from '../core/text.js';

export class RowProblems {
  readonly list: Problem[] = [];
  /** `names`: the header as written, to name a column as the user does (else by its key). */
  constructor(readonly file: string, readonly rec: TableRecord, readonly names?: readonly string[]) {}
  add(key: string | null, reason: Problem['reason'], fix?: Problem['fix']): void {
    const column = key ? this.rec.columnOf(key) : undefined;
    const columnName = column ? this.names?.[column - 1] || key || undefined : undefined;
    this.list.push({ file: this.file, line: this.rec.line, ...(column ? { column, columnName } : {}), reason, ...(fix ? { fix } : {}) });
  }
  /** Set when the row is no error but is not imported: skipped with a warning and counted (a date after leaving office). */
  skipped: Problem | null = null;
  skip(key: string | null, reason: Problem['reason']): void {
    const column = key ? this.rec.columnOf(key) : undefined;
    this.skipped ??= { file: this.file, line: this.rec.line, ...(column ? { column, columnName: this.names?.[column - 1] || key || undefined } : {}), reason };
  }
  get ok(): boolean {
    return this.list.length === 0;
  }
}

export class RowEnv {
  private termCache = new Map<number, Term[]>();
  private lookalikes: Lookalikes<CadreRow> | null = null;
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
      if (!byId) return p.add('learner_id', msg('row.unknownLearner', { id: r.value }), this.unknownLearnerFix(r.value)), null;
    }
    if (rawStaff.trim() !== '') {
      const r = parseIdentifier(rawStaff, 'staff_no');
      if (!r.ok) return p.add('staff_no', r.reason), null;
      byStaff = this.cadres.byStaffNo.get(r.value);
      if (!byStaff && !byId) return p.add('staff_no', msg('row.unknownStaff', { staffNo: r.value }), this.unknownStaffFix(r.value)), null;
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
    if (name !== undefined && name.trim() !== '' && personKey(name) !== personKey(cadre.name)) {
      p.add('name', msg('row.nameMismatch', { name: forTerminal(name.trim(), 50), id: cadre.learnerId, expected: forTerminal(cadre.name, 50) }), msg('row.fix.nameMismatch'));
      return null;
    }
    return cadre;
  }

  /** The fix for a learner ID not on file: the cadre whose staff number it is (the columns mixed up), if any. */
  unknownLearnerFix(id: string): ReturnType<typeof msg> {
    const c = this.cadres.byStaffNo.get(id);
    if (!c) return msg('row.fix.unknownCadre');
    return msg('forgive.learnerIsStaff', { value: id, name: forTerminal(c.name, 50), department: forTerminal(c.department, 50), learnerId: c.learnerId });
  }

  /**
   * The fix for a staff number not on the roster: the cadre whose learner ID it is (the columns mixed
   * up), else the cadre it is once leading zeros are ignored, if any.
   */
  unknownStaffFix(staffNo: string): ReturnType<typeof msg> {
    const asId = this.cadres.byLearnerId.get(staffNo);
    if (asId) return msg('forgive.staffIsLearner', { value: staffNo, name: forTerminal(asId.name, 50), department: forTerminal(asId.department, 50), staffNo: asId.staffNo });
    this.lookalikes ??= new Lookalikes(this.cadres.all);
    const near = this.lookalikes.byZeros(staffNo);
    if (!near.length) return msg('row.fix.unknownCadre');
    const c = near[0];
    const params = { staffNo: c.staffNo, name: forTerminal(c.name, 50), department: forTerminal(c.department, 50) };
    return near.length === 1 ? msg('roster.fix.didYouMean', params) : msg('roster.fix.didYouMeanMore', { ...params, more: near.length - 1 });
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
      const appts = cadre.service.appointments;
      const first = appts[0]?.appointedOn;
      // The leaving this date follows: the latest series' (the cadre's left_on), or that of an earlier
      // series when the date falls between its leaving and a later re-appointment.
      let left = cadre.service.leftOn;
      for (let i = 0; i + 1 < appts.length; i++) {
        const own = appts[i].leftOn;
        if (own && date > own && date < appts[i + 1].appointedOn) left = own;
      }
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
