/** Exemptions: granted, listed, revoked (never deleted). */
import type { DB } from './open.js';

/** The exemption in force that already covers this requirement and year (one for every year covers any year). */
export function coveringExemption(db: DB, cadreId: number, requirement: string, year: number | null): { id: number; year: number | null; reason: string } | undefined {
  return db
    .prepare('SELECT id, year, reason FROM exemptions WHERE cadre_id = ? AND requirement = ? AND revoked_at IS NULL AND (year IS NULL OR year IS ?)')
    .get(cadreId, requirement, year) as { id: number; year: number | null; reason: string } | undefined;
}

/** Grants an exemption; returns its id. */
export function insertExemption(db: DB, e: { cadreId: number; requirement: string; year: number | null; reason: string; grantedBy: string; grantedAt: string }): number {
  return Number(
    db
      .prepare('INSERT INTO exemptions (cadre_id, requirement, year, reason, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(e.cadreId, e.requirement, e.year, e.reason, e.grantedBy, e.grantedAt).lastInsertRowid,
  );
}

/** The exemption in force for exactly this requirement and year (null: every year). */
export function exemptionInForce(db: DB, cadreId: number, requirement: string, year: number | null): { id: number; reason: string } | undefined {
  return db
    .prepare('SELECT id, reason FROM exemptions WHERE cadre_id = ? AND requirement = ? AND year IS ? AND revoked_at IS NULL')
    .get(cadreId, requirement, year) as { id: number; reason: string } | undefined;
}

/** The years of the exemptions in force for a requirement (null: every year), in order. */
export function yearsInForce(db: DB, cadreId: number, requirement: string): (number | null)[] {
  return db
    .prepare('SELECT year FROM exemptions WHERE cadre_id = ? AND requirement = ? AND revoked_at IS NULL ORDER BY year')
    .pluck()
    .all(cadreId, requirement) as (number | null)[];
}

export function revokeExemption(db: DB, id: number, revokedAt: string): void {
  db.prepare('UPDATE exemptions SET revoked_at = ? WHERE id = ?').run(revokedAt, id);
}

export interface ExemptionRow {
  id: number;
  learner_id: string;
  name: string;
  department: string;
  requirement: string;
  year: number | null;
  reason: string;
  granted_by: string;
  granted_at: string;
  revoked_at: string | null;
}

/** Exemptions in force (with `all`, revoked ones too), of one cadre or of all, by learner ID and then in the order granted. */
export function listExemptions(db: DB, filter: { all?: boolean; cadreId?: number }): ExemptionRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (!filter.all) where.push('x.revoked_at IS NULL');
  if (filter.cadreId !== undefined) {
    where.push('x.cadre_id = ?');
    params.push(filter.cadreId);
  }
  return db
    .prepare(
      `SELECT x.id, c.learner_id, c.name, c.department, x.requirement, x.year, x.reason, x.granted_by, x.granted_at, x.revoked_at
       FROM exemptions x JOIN cadres c ON c.id = x.cadre_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY c.learner_id, x.id`,
    )
    .all(...params) as ExemptionRow[];
}
