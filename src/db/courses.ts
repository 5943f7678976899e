/** The course catalogue and the designations of required courses (必修课程). */
import type { Rank } from '../core/policy.js';
import type { DB } from './open.js';

export interface CourseRow {
  code: string;
  title: string | null;
  quarters: number;
  /** Where the hours came from: `import`, `require` (given with --hours) or `placeholder`. */
  source: string;
}

export function listCourses(db: DB): CourseRow[] {
  return db.prepare('SELECT code, title, quarters, hours_source AS source FROM courses ORDER BY code').all() as CourseRow[];
}

export function listDesignations(db: DB): { year: number; rank: Rank; course_code: string }[] {
  return db.prepare('SELECT year, rank, course_code FROM designations ORDER BY year, rank').all() as { year: number; rank: Rank; course_code: string }[];
}

export interface Designation {
  year: number;
  ranks: readonly Rank[];
  codes: readonly string[];
  /** The hours of a code not yet in the catalogue, in quarter hours. */
  quarters: number;
  /** Whether `quarters` was given (--hours): it then also replaces a placeholder's hours. */
  hoursGiven: boolean;
  title: string | null;
  at: string;
}

export interface DesignationResult {
  /** Codes added to the catalogue. */
  registered: string[];
  /** Placeholder hours replaced by the ones given. */
  replaced: { code: string; from: number; to: number }[];
  /** Codes whose hours on file (set otherwise) differ from the ones given and stay. */
  kept: { code: string; quarters: number }[];
  /** Designations added (those already on file are not counted). */
  added: number;
}

/**
 * Designates the courses for the year and ranks; inside the caller's write
 * transaction. A code not in the catalogue is registered with the hours given
 * (or a placeholder); hours given replace a placeholder's, and the hours of a
 * course set otherwise are kept.
 */
export function designateCourses(db: DB, d: Designation): DesignationResult {
  const result: DesignationResult = { registered: [], replaced: [], kept: [], added: 0 };
  const exists = db.prepare('SELECT 1 FROM courses WHERE code = ?');
  const addCourse = db.prepare('INSERT INTO courses (code, title, quarters, created_at, hours_source) VALUES (?, ?, ?, ?, ?)');
  const setTitle = db.prepare('UPDATE courses SET title = ? WHERE code = ?');
  const hoursOf = db.prepare('SELECT quarters, hours_source AS source FROM courses WHERE code = ?');
  const setHours = db.prepare("UPDATE courses SET quarters = ?, hours_source = 'require' WHERE code = ?");
  const designate = db.prepare('INSERT OR IGNORE INTO designations (year, rank, course_code, designated_at) VALUES (?, ?, ?, ?)');
  for (const code of d.codes) {
    if (!exists.get(code)) {
      addCourse.run(code, d.title, d.quarters, d.at, d.hoursGiven ? 'require' : 'placeholder');
      result.registered.push(code);
    } else {
      if (d.title !== null) setTitle.run(d.title, code);
      const current = hoursOf.get(code) as { quarters: number; source: string };
      if (d.hoursGiven && current.source === 'placeholder') {
        setHours.run(d.quarters, code);
        result.replaced.push({ code, from: current.quarters, to: d.quarters });
      } else if (d.hoursGiven && current.quarters !== d.quarters) result.kept.push({ code, quarters: current.quarters });
    }
    for (const rank of d.ranks) result.added += designate.run(d.year, rank, code, d.at).changes;
  }
  return result;
}
