/**
 * The hours accelerator: plain rows of a UTF-8 file checked and taken as
 * bytes (fast-path.ts), every other row left to parse(). It carries every
 * column of HOURS_SPEC but the start time and the study duration; a column added to the spec is not in CARRIES
 * until the fast path applies its rule, and until then a file with it goes
 * through parse() alone.
 *
 * Removable: src/commands/import-hours.ts plugs it in as the `fast` option of
 * the hours kind; without it every row goes through parse(), with the same
 * outcome (test/import/hours-paths.test.ts holds the two equal).
 */
import type { HoursAccelerator } from '../kinds/hours.js';
import { BytePath } from './fast-path.js';

const CARRIES = ['learner_id', 'staff_no', 'name', 'course_code', 'completed_on', 'hours', 'course_title'] as const;

export const hoursFast: HoursAccelerator = {
  carries: CARRIES,
  open: (db, header, sink, limits) => new BytePath(db, header, sink, limits.maxQuarters),
};
