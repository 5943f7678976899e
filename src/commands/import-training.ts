/** `cadre import-training FILE…`: the kind is src/import/kinds/training.ts. */
import type { Context } from '../cli/context.js';
import { trainingImport } from '../import/kinds/training.js';
import { runImports } from '../import/pipeline.js';

export async function run(args: unknown[], ctx: Context): Promise<number> {
  const [files, opts] = args as [string[], { skipInvalid?: boolean; dryRun?: boolean }];
  return runImports(files, opts, ctx, () => trainingImport(ctx));
}
