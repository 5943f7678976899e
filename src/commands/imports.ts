/** `cadre imports`: the import batches, newest last, with what each still carries. */
import type { Context } from '../cli/context.js';
import { chooseFormat, emit, jsonArray, renderCsv, renderTable } from '../cli/render.js';
import { listBatches } from '../db/batches.js';

const KINDS = ['hours', 'training', 'exams', 'essays'];

export async function run(args: unknown[], ctx: Context): Promise<number> {
  const [opts] = args as [{ kind?: string; format?: string }];
  const format = chooseFormat(opts.format, ctx.out);
  const db = ctx.db({ readOnly: true });
  const rows = listBatches(db, KINDS, opts.kind);
  if (format === 'json') {
    const items = rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      file: r.file_name,
      sha256: r.sha256,
      imported_at: r.imported_at,
      operator: r.operator,
      counts: { read: r.rows_read, new: r.rows_new, duplicate: r.rows_duplicate, rejected: r.rows_rejected },
      records: r.records,
      undone_at: r.undone_at,
    }));
    emit(ctx, jsonArray(items, !!ctx.out.isTTY));
    return 0;
  }
  const { t } = ctx.tr;
  const view = rows.map((r) => ({
    id: r.id,
    kind: t(`ops.kind.${r.kind}`),
    file: r.file_name,
    sha256: format === 'csv' ? r.sha256 : r.sha256.slice(0, 12),
    imported_at: r.imported_at,
    operator: r.operator,
    read: r.rows_read,
    new: r.rows_new,
    duplicate: r.rows_duplicate,
    rejected: r.rows_rejected,
    records: r.records,
    undone_at: r.undone_at ?? '',
  }));
  const keys = ['id', 'kind', 'file', 'sha256', 'imported_at', 'operator', 'read', 'new', 'duplicate', 'rejected', 'records', 'undone_at'] as const;
  const columns = keys.map((key) => ({ key, header: t(`ops.imports.col.${key}`) }));
  if (format === 'csv') emit(ctx, renderCsv(columns, view, false));
  else emit(ctx, view.length ? await renderTable(columns, view, ctx.color) : t('ops.imports.none') + '\n');
  return 0;
}
