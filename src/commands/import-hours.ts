/** `cadre import-hours FILE…`: weekly study-hour exports from the platform (src/import/kinds/hours.ts). */
import { hoursFast } from '../import/hours-fast/index.js';
import { hoursImport } from '../import/kinds/hours.js';
import { runImports, type ImportOptions } from '../import/pipeline.js';
import type { Context } from '../shell/context.js';

/** The byte-level accelerator (removable: `null` here, and every row goes through parse()). */
const FAST = hoursFast;

export interface ImportHoursOptions extends ImportOptions {
  files: string[];
  replaceHours?: boolean;
}

export async function run(opts: ImportHoursOptions, ctx: Context): Promise<number> {
  const { files } = opts;
  return runImports(files, opts, ctx, () => hoursImport(ctx, { replaceHours: !!opts.replaceHours, fast: FAST }));
}
