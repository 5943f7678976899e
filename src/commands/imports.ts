/** `cadre imports`: the import batches, newest last, with what each still carries. */
import type { Context } from '../shell/context.js';
import { present, type Format } from '../shell/render.js';
import { listingOutput } from '../shell/listing-out.js';
import type { CellKind } from '../io/xlsx-out.js';
import { listBatches } from '../db/batches.js';

const KINDS = ['hours', 'training', 'exams', 'essays'];

export interface ImportsOptions {
  kind?: string;
  format?: Format;
  out?: string;
  overwrite?: boolean;
}

export async function run(opts: ImportsOptions, ctx: Context): Promise<number> {
  const { format, out } = listingOutput(ctx, opts);
  const db = ctx.db({ readOnly: true });
  const rows = listBatches(db, KINDS, opts.kind);
  const json = () =>
    rows.map((r) => ({
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
  const { t } = ctx.tr;
  const view = rows.map((r) => ({
    id: r.id,
    kind: t(`ops.kind.${r.kind}`),
    file: r.file_name,
    sha256: r.sha256,
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
  // On a terminal the hash is shortened to its first 12 digits; CSV carries it whole.
  const kinds: Partial<Record<(typeof keys)[number], CellKind>> = { id: 'number', imported_at: 'datetime', read: 'number', new: 'number', duplicate: 'number', rejected: 'number', records: 'number', undone_at: 'datetime' };
  const columns = keys.map((key) => ({ key, header: t(`ops.imports.col.${key}`), kind: kinds[key], ...(key === 'sha256' ? { short: (r: (typeof view)[number]) => r.sha256.slice(0, 12) } : {}) }));
  await present(ctx, { columns, rows: view, json, empty: t('ops.imports.none') }, { format, out });
  return 0;
}
