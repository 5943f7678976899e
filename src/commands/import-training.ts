/** `cadre import-training FILE…`: the kind is src/import/kinds/training.ts. */
import type { Context } from '../shell/context.js';
import { trainingImport } from '../import/kinds/training.js';
import { runImports, type ImportOptions } from '../import/pipeline.js';

export interface ImportTrainingOptions extends ImportOptions {
  files: string[];
  /** Topics that differ from one on file only by spaces or punctuation really are other topics. */
  confirmTopics?: boolean;
}

export async function run(opts: ImportTrainingOptions, ctx: Context): Promise<number> {
  const { files } = opts;
  return runImports(files, opts, ctx, () => trainingImport(ctx, { confirmTopics: !!opts.confirmTopics }));
}
