/** `cadre import-exams FILE…`: the kind is src/import/kinds/exams.ts. */
import type { Context } from '../shell/context.js';
import { examsImport } from '../import/kinds/exams.js';
import { runImports, type ImportOptions } from '../import/pipeline.js';

export interface ImportExamsOptions extends ImportOptions {
  files: string[];
}

export async function run(opts: ImportExamsOptions, ctx: Context): Promise<number> {
  const { files } = opts;
  return runImports(files, opts, ctx, () => examsImport(ctx));
}
