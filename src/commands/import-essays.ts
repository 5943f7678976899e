/** `cadre import-essays FILE…`: the kind is src/import/kinds/essays.ts. */
import type { Context } from '../shell/context.js';
import { essaysImport, type ImportedCheck } from '../import/kinds/essays.js';
import { runImports, type ImportOptions } from '../import/pipeline.js';

export interface ImportEssaysOptions extends ImportOptions {
  files: string[];
}

export async function run(opts: ImportEssaysOptions, ctx: Context): Promise<number> {
  const { files } = opts;
  let current = 0;
  const checks: ImportedCheck[] = [];
  const code = await runImports(files, opts, ctx, () => essaysImport(ctx, files[current++], checks));
  if (checks.length) {
    const flagged = checks.filter((c) => c.check.held).map((c) => c.id);
    const text = flagged.length
      ? ctx.tr.t('essays.import.checked', { count: checks.length, flagged: flagged.length, ids: flagged.slice(0, 20).join(', ') + (flagged.length > 20 ? ' …' : '') })
      : ctx.tr.t('essays.import.checkedNone', { count: checks.length });
    ctx.err.write(text + '\n');
  }
  return code;
}
