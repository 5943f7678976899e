/**
 * What the table reader hands out and takes: the shapes shared by the readers
 * under src/io/table/ and re-exported by the façade, src/io/table.ts.
 */
import type { Problem } from '../../errors.js';

export interface ColumnDef {
  /** Canonical English name, used as the key of TableRecord.cells. */
  key: string;
  /** Other accepted header names: Chinese and variants. */
  aliases: string[];
  /** The name a suggestion offers ("did you mean 课程编号?"): else the first alias. */
  zh?: string;
}

export interface TableSpec {
  columns: ColumnDef[];
  required: string[];
  /** Groups of keys of which at least one must be present, e.g. [['learner_id', 'staff_no']]. */
  oneOf?: string[][];
}

export interface TableHeader {
  file: string;
  format: 'csv' | 'tsv' | 'xlsx';
  encoding: string;
  sha256: string;
  bytes: number;
  /** The canonical key of each column, null for unknown or unnamed columns. */
  keys: (string | null)[];
  /** Each column's header name as written (trimmed). */
  names: string[];
  /** Named columns the spec does not know, once each (the command warns about them). */
  unknown: string[];
  /** The header's line (1 unless blank or title rows are above it). */
  line?: number;
  /** Rows above the header that were skipped as a title (a sheet's heading): their line and text. */
  titles?: { line: number; text: string }[];
  /** Unknown columns whose name is close to a column the file lacks: "获得学时" for 学时. */
  near?: NearMiss[];
}

/** A header name close to a column of the spec: the user's name, its column, and the name expected. */
export interface NearMiss {
  name: string;
  column: number;
  key: string;
  expected: string;
}

export interface TableRecord {
  /** 1-based physical line (sheet row for .xlsx) where the record starts; the header is line 1. */
  line: number;
  /** Raw cell text by canonical key, untrimmed; a key is absent when its column is. */
  cells: Record<string, string>;
  /** 1-based column number of a key, 0 when the file has no such column. */
  columnOf(key: string): number;
  /** The row's raw fields in header order (for writing rejected rows back out). */
  raw?: string[];
  /** A structural problem with this row (wrong number of fields); its cells are not to be trusted. */
  problem?: Problem;
}

/** A row as read: its first physical line and its fields in file order. */
export interface RawRow {
  line: number;
  fields: string[];
}

/**
 * Takes plain rows as bytes, before any string is made of them (see
 * OpenedTable.rows): a reader that checks the cells it knows by their bytes
 * spends nothing on the rows it takes.
 */
export interface ByteRowTaker {
  /**
   * Field i of a row of `n` fields on `line` is `buf[starts[i] … ends[i])`,
   * UTF-8 as in the file (a plain row has no quote and no CR). True when the
   * row is taken: it is then not yielded.
   */
  take(buf: Buffer, starts: Int32Array, ends: Int32Array, n: number, line: number): boolean;
}
