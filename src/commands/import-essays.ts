/** `cadre import-essays FILE…`: the kind is src/import/kinds/essays.ts. */
import type { Context } from '../shell/context.js';
import { essaysImport } from '../import/kinds/essays.js';
import { runImports, type ImportOptions } from '../import/pipeline.js';

export interface ImportEssaysOptions extends ImportOptions {
  files: string[];
}

export async function run(opts: ImportEssaysOptions, ctx: Context): Promise<number> {
  const { files } = opts;
  let current = 0;
  return runImports(files, opts, ctx, () => essaysImport(ctx, files[current++]));
}
