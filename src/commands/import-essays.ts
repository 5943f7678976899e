/** `cadre import-essays FILE…`: the kind is src/import/kinds/essays.ts. */
import type { Context } from '../cli/context.js';
import { essaysImport } from '../import/kinds/essays.js';
import { runImports } from '../import/pipeline.js';

export async function run(args: unknown[], ctx: Context): Promise<number> {
  const [files, opts] = args as [string[], { skipInvalid?: boolean; dryRun?: boolean }];
  let current = 0;
  return runImports(files, opts, ctx, () => essaysImport(ctx, files[current++]));
}
