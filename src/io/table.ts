/**
 * The streaming table reader every import uses: CSV or tab-separated text in
 * UTF-8, GB18030 or UTF-16, or the first sheet of an .xlsx workbook. Rows are
 * read one at a time (a million-row file never sits in memory) and each
 * carries the physical line it starts on, so every error can point at it.
 *
 * Row problems that do not stop reading (a row with the wrong number of
 * fields) come back on the record; problems that make the rest of the file
 * unreadable (an unclosed quote) are thrown as InputError with the place.
 *
 * This file is the façade: openTable and the public types. The readers sit
 * below it in table/ (header.ts, csv.ts, fast-csv.ts, xlsx.ts, types.ts) and
 * never import it.
 */
import path from 'node:path';
import { InputError, msg, type Problem } from '../errors.js';
import { hashFile, isOleCompound, isZip, scanFile } from './encoding.js';
import { LineCounter, parsedCsvRows, type CsvContext } from './table/csv.js';
import { fastCsvRows } from './table/fast-csv.js';
import { layoutHeader, MAX_TITLE_ROWS, pickHeaderRow, sniffHeaderLine } from './table/header.js';
import type { ByteRowTaker, RawRow, TableHeader, TableRecord, TableSpec } from './table/types.js';
import { xlsxRows } from './table/xlsx.js';
import { checkArchive } from './zip-guard.js';

export type { ByteRowTaker, ColumnDef, NearMiss, RawRow, TableHeader, TableRecord, TableSpec } from './table/types.js';
export { MAX_FIELD_CHARS } from './table/csv.js';
export { numberText } from './table/xlsx.js';

/** Text rows: UTF-8 by the fast reader (which hands on to csv-parse where it must), other encodings by csv-parse. */
async function* csvRows(ctx: CsvContext, taker?: ByteRowTaker): AsyncGenerator<RawRow[]> {
  if (ctx.encoding === 'utf-8') yield* fastCsvRows(ctx, taker);
  else yield* parsedCsvRows(ctx, new LineCounter());
}

// ---------------------------------------------------------------- openTable

function extensionOf(file: string): string {
  return path.extname(file).toLowerCase();
}

/**
 * Opens an input table: checks the file (encoding, hash), reads and matches
 * the header against `spec`, and returns the records as a lazy stream. The
 * records are read from the file when iterated (each iteration re-reads it).
 */
export interface OpenedTable {
  header: TableHeader;
  /** The data rows as TableRecords, one at a time. */
  records: AsyncIterable<TableRecord>;
  /**
   * The same data rows in blocks, as read (fields in file order, not yet
   * matched to the header): for readers that check a row faster than it
   * takes to build its record, and build one (`toRecord`) only when needed.
   * With a `taker`, plain rows of a UTF-8 text file are first offered to it as
   * bytes, and only the rows it does not take are yielded.
   */
  rows(taker?: ByteRowTaker): AsyncIterable<RawRow[]>;
  toRecord(row: RawRow): TableRecord;
}

export async function openTable(file: string, spec: TableSpec): Promise<OpenedTable> {
  const ext = extensionOf(file);
  let rows: (taker?: ByteRowTaker) => AsyncGenerator<RawRow[]>;
  let base: Pick<TableHeader, 'format' | 'encoding' | 'sha256' | 'bytes'>;
  const names: string[] = [];
  if (ext === '.xlsx' || ext === '.xlsm') {
    const h = await hashFile(file);
    if (h.bytes === 0) throw new InputError(msg('io.file.empty', { file }), [], msg('io.file.fix.empty'));
    if (!isZip(h.head)) {
      const key = isOleCompound(h.head) ? 'io.file.ole' : 'io.xlsx.notZip';
      throw new InputError(msg(key, { file }), [], msg(isOleCompound(h.head) ? 'io.file.fix.ole' : 'io.xlsx.fix.notZip'));
    }
    // exceljs bounds nothing it unpacks: the archive is measured first (src/io/zip-guard.ts).
    await checkArchive(file, 'xlsx', file);
    base = { format: 'xlsx', encoding: 'utf-8', sha256: h.sha256, bytes: h.bytes };
    rows = () => xlsxRows(file);
  } else if (ext === '.xls') {
    throw new InputError(msg('io.file.ole', { file }), [], msg('io.file.fix.ole'));
  } else {
    const scan = await scanFile(file);
    const { delimiter, names: guess } = await sniffHeaderLine(file, scan.encoding);
    base = { format: delimiter === '\t' ? 'tsv' : 'csv', encoding: scan.encoding, sha256: scan.sha256, bytes: scan.bytes };
    names.push(...guess);
    const ctx: CsvContext = { file, encoding: scan.encoding, bom: scan.bom, delimiter, names };
    rows = (taker) => csvRows(ctx, taker);
  }

  // The header is among the first non-blank rows (pickHeaderRow): rows above it are a title. This first pass stops there.
  const headerPass = rows();
  const firstRows: RawRow[] = [];
  try {
    while (firstRows.length <= MAX_TITLE_ROWS) {
      let next: IteratorResult<RawRow[]>;
      try {
        next = await headerPass.next();
      } catch (e) {
        // A broken row below the header is said by the reading proper, after the header is checked, as before.
        if (firstRows.length) break;
        throw e;
      }
      if (next.done) break;
      firstRows.push(...next.value);
    }
  } finally {
    await headerPass.return(undefined);
  }
  if (!firstRows.length) throw new InputError(msg('io.table.noHeader', { file }), [], msg('io.table.fix.noHeader'));
  const at = pickHeaderRow(firstRows.map((r) => r.fields), spec);
  const headerRow = firstRows[at];
  const headerLine = headerRow.line;
  const titles = firstRows.slice(0, at).map((r) => ({ line: r.line, text: r.fields.filter((f) => f.trim() !== '').join(' ').trim() }));
  const layout = layoutHeader(file, headerLine, headerRow.fields, spec, base.encoding);
  names.splice(0, names.length, ...layout.names);

  const header: TableHeader = { file, ...base, keys: layout.keys, names: layout.names, unknown: layout.unknown, line: headerLine, titles, near: layout.near };
  const width = layout.names.length;
  const known: [string, number][] = [...layout.index.entries()];
  const index = layout.index;
  const columnOf = (key: string): number => {
    const i = index.get(key);
    return i === undefined ? 0 : i + 1;
  };
  const checkWidth = base.format !== 'xlsx';

  const raggedProblem = (row: RawRow): Problem | undefined => {
    const n = row.fields.length;
    const short = n < width && layout.names.slice(n).some((name) => name !== '');
    const long = n > width && row.fields.slice(width).some((f) => f !== '');
    if (!short && !long) return undefined;
    return {
      file,
      line: row.line,
      reason: msg('io.table.ragged', { fields: n, columns: width }),
      fix: msg('io.table.fix.ragged'),
    };
  };

  const toRecord = (row: RawRow): TableRecord => {
    const cells = Object.create(null) as Record<string, string>;
    let fields = row.fields;
    // A sheet row simply stops after its last filled cell: the rest are empty, not missing.
    if (!checkWidth && fields.length < width) fields = fields.concat(new Array<string>(width - fields.length).fill(''));
    for (let j = 0; j < known.length; j++) {
      const i = known[j][1];
      if (i < fields.length) cells[known[j][0]] = fields[i];
    }
    const rec: TableRecord = { line: row.line, cells, raw: fields, columnOf };
    if (checkWidth && fields.length !== width) {
      const problem = raggedProblem(row);
      if (problem) rec.problem = problem;
    }
    return rec;
  };

  async function* records(): AsyncGenerator<TableRecord> {
    for await (const batch of rows()) {
      for (const row of batch) if (row.line > headerLine) yield toRecord(row);
    }
  }

  async function* dataRows(taker?: ByteRowTaker): AsyncGenerator<RawRow[]> {
    // The header line is never offered to the taker.
    const skipHeader: ByteRowTaker | undefined = taker && {
      take: (buf, starts, ends, n, line) => line > headerLine && taker.take(buf, starts, ends, n, line),
    };
    for await (const batch of rows(skipHeader)) {
      if (batch.length && batch[0].line <= headerLine) {
        const data = batch.filter((row) => row.line > headerLine);
        if (data.length) yield data;
      } else {
        yield batch;
      }
    }
  }

  return { header, records: { [Symbol.asyncIterator]: records }, rows: (taker) => ({ [Symbol.asyncIterator]: () => dataRows(taker) }), toRecord };
}
