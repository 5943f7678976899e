/** Reading cadres and their appointments. */
import type { IsoDate } from '../core/dates.js';
import type { Rank } from '../core/policy.js';
import type { ServiceRecord } from '../core/terms.js';
import type { DB } from './open.js';

export interface CadreRow {
  id: number;
  learnerId: string;
  staffNo: string;
  name: string;
  department: string;
  phone: string | null;
  email: string | null;
  leftOn: IsoDate | null;
  service: ServiceRecord;
}

export interface CadreIndex {
  all: CadreRow[];
  byId: Map<number, CadreRow>;
  byLearnerId: Map<string, CadreRow>;
  byStaffNo: Map<string, CadreRow>;
}

export function loadCadres(db: DB): CadreIndex {
  // Raw rows: a province's roster is read by every audit, and plain arrays cost a third of named objects.
  const rows = db.prepare('SELECT id, learner_id, staff_no, name, department, phone, email, left_on FROM cadres ORDER BY learner_id').raw().all() as [
    number, string, string, string, string, string | null, string | null, string | null,
  ][];
  const all: CadreRow[] = new Array(rows.length);
  const byId = new Map<number, CadreRow>();
  for (let i = 0; i < rows.length; i++) {
    const [id, learnerId, staffNo, name, department, phone, email, leftOn] = rows[i];
    const c: CadreRow = { id, learnerId, staffNo, name, department, phone, email, leftOn, service: { appointments: [], leftOn } };
    all[i] = c;
    byId.set(id, c);
  }
  const appts = db.prepare('SELECT cadre_id, rank, appointed_on, left_on FROM appointments ORDER BY cadre_id, appointed_on').raw().all() as [number, Rank, string, string | null][];
  for (const [cadreId, rank, appointedOn, apptLeftOn] of appts) {
    byId.get(cadreId)?.service.appointments.push(apptLeftOn === null ? { rank, appointedOn } : { rank, appointedOn, leftOn: apptLeftOn });
  }
  return {
    all,
    byId,
    byLearnerId: new Map(all.map((c) => [c.learnerId, c])),
    byStaffNo: new Map(all.map((c) => [c.staffNo, c])),
  };
}

export function findCadre(index: CadreIndex, learnerId: string): CadreRow | undefined {
  return index.byLearnerId.get(learnerId.trim().toUpperCase());
}

/** Reads the learner ID of a cadre by internal id; one statement for many reads. */
export function learnerIdReader(db: DB): (cadreId: number) => string {
  const learnerOf = db.prepare('SELECT learner_id FROM cadres WHERE id = ?').pluck();
  return (cadreId) => learnerOf.get(cadreId) as string;
}

/** How many cadres are on file. */
export function countCadres(db: DB): number {
  return db.prepare('SELECT COUNT(*) FROM cadres').pluck().get() as number;
}
