/** `cadre import-exams FILE…`: the kind is src/import/kinds/exams.ts. */
import type { Context } from '../cli/context.js';
import { examsImport } from '../import/kinds/exams.js';
import { runImports } from '../import/pipeline.js';

export async function run(args: unknown[], ctx: Context): Promise<number> {
  const [files, opts] = args as [string[], { skipInvalid?: boolean; dryRun?: boolean }];
  return runImports(files, opts, ctx, () => examsImport(ctx));
}
