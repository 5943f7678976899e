/** `cadre import-hours FILE…`: weekly study-hour exports from the platform (src/import/kinds/hours.ts). */
import type { Context } from '../cli/context.js';
import { hoursFast } from '../import/hours-fast/index.js';
import { hoursImport } from '../import/kinds/hours.js';
import { runImports } from '../import/pipeline.js';

/** The byte-level accelerator (removable: `null` here, and every row goes through parse()). */
const FAST = hoursFast;

export async function run(args: unknown[], ctx: Context): Promise<number> {
  const [files, opts] = args as [string[], { skipInvalid?: boolean; dryRun?: boolean; replaceHours?: boolean }];
  return runImports(files, opts, ctx, () => hoursImport(ctx, { replaceHours: !!opts.replaceHours, fast: FAST }));
}
