/** `cadre import-training FILE…`: the kind is src/import/kinds/training.ts. */
import type { Context } from '../shell/context.js';
import { trainingImport } from '../import/kinds/training.js';
import { runImports, type ImportOptions } from '../import/pipeline.js';

export interface ImportTrainingOptions extends ImportOptions {
  files: string[];
}

export async function run(opts: ImportTrainingOptions, ctx: Context): Promise<number> {
  const { files } = opts;
  return runImports(files, opts, ctx, () => trainingImport(ctx));
}
