/** `cadre imports`: the import batches, newest last, with what each still carries. */
import type { Context } from '../shell/context.js';
import { listingOutput } from '../shell/listing-out.js';
import type { CellKind } from '../io/xlsx-out.js';
import { present, type Format, type TableColumn } from '../shell/render.js';
import { readableTime } from '../local-time.js';
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
  const kinds: Partial<Record<(typeof keys)[number], CellKind>> = { id: 'number', imported_at: 'datetime', read: 'number', new: 'number', duplicate: 'number', rejected: 'number', records: 'number', undone_at: 'datetime' };
  const columns = keys.map((key) => ({ key, header: t(`ops.imports.col.${key}`), kind: kinds[key] }));
  type ViewRow = (typeof view)[number];
  // On a terminal: times local and to the minute, the four counts in one sentence, the hash shortened to its
  // first 12 digits, an undone batch said so in place of its records, what does not fit the width left out. CSV carries every column whole.
  const h = (key: string) => t(`ops.imports.col.${key}`);
  const table: TableColumn<ViewRow>[] = [
    { key: 'id', header: h('id'), cell: (r) => String(r.id), essential: true, keep: true, align: 'right' },
    { key: 'kind', header: h('kind'), cell: (r) => r.kind, keep: true, drop: 2 },
    { key: 'file', header: h('file'), cell: (r) => r.file, min: 12 },
    { key: 'sha256', header: h('sha256'), cell: (r) => r.sha256.slice(0, 12), keep: true, drop: 4 },
    { key: 'imported_at', header: h('imported_at'), cell: (r) => readableTime(r.imported_at), keep: true, drop: 1 },
    { key: 'operator', header: h('operator'), cell: (r) => r.operator, drop: 3 },
    { key: 'rows', header: t('fit.imports.col.rows'), cell: (r) => t('fit.imports.rows', { read: r.read, new: r.new, duplicate: r.duplicate, rejected: r.rejected }), min: 24 },
    { key: 'records', header: h('records'), cell: (r) => (r.undone_at ? t('fit.imports.undone', { at: readableTime(r.undone_at) }) : String(r.records)), min: 8 },
  ];
  await present(ctx, { columns, rows: view, json, empty: t('ops.imports.none'), table }, { format, out });
  return 0;
}
