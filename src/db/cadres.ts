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
  const rows = db
    .prepare('SELECT id, learner_id, staff_no, name, department, phone, email, left_on FROM cadres ORDER BY learner_id')
    .all() as { id: number; learner_id: string; staff_no: string; name: string; department: string; phone: string | null; email: string | null; left_on: string | null }[];
  const all: CadreRow[] = rows.map((r) => ({
    id: r.id,
    learnerId: r.learner_id,
    staffNo: r.staff_no,
    name: r.name,
    department: r.department,
    phone: r.phone,
    email: r.email,
    leftOn: r.left_on,
    service: { appointments: [], leftOn: r.left_on },
  }));
  const byId = new Map(all.map((c) => [c.id, c]));
  const appts = db.prepare('SELECT cadre_id, rank, appointed_on FROM appointments ORDER BY cadre_id, appointed_on').all() as {
    cadre_id: number;
    rank: Rank;
    appointed_on: string;
  }[];
  for (const a of appts) byId.get(a.cadre_id)?.service.appointments.push({ rank: a.rank, appointedOn: a.appointed_on });
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
