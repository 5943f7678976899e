/**
 * The shape every import follows: read the file as a stream, validate each row,
 * stage the valid ones in a TEMP table (so a million rows never sit in memory),
 * then commit the file in one BEGIN IMMEDIATE transaction, or nothing at all.
 *
 * With several files each stands alone: a refused file changes nothing, the
 * others go on, and the summary says which were written.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Statement } from 'better-sqlite3';
import { type Context } from '../shell/context.js';
import { localTimestamp, readableTime } from '../local-time.js';
import { formatProblem, ProblemTally } from '../shell/report-error.js';
import { paint } from '../shell/color.js';
import { loadCadres } from '../db/cadres.js';
import { recordJournal } from '../db/journal.js';
import { closedStageCount, closedStageRows, isClosedYearRefusal } from '../db/closes.js';
import type { DB } from '../db/open.js';
import { CadreError, InputError, msg, type Problem } from '../errors.js';
import { AtomicFile, PRIVATE_MODE, existsError } from '../io/atomic-file.js';
import { echoList } from '../i18n/index.js';
import { BOM, toCsv } from '../io/csv-out.js';
import { OVERWRITE_OPTION, hintIdsInCsv, spreadsheetChanges, sweepTemps } from '../shell/render.js';
import type { ByteRowTaker, TableHeader, TableRecord, TableSpec } from '../io/table.js';
import { RowEnv, RowProblems } from './row-context.js';
import { rejectedHeader } from './columns.js';
import { noteColumns, noteSkipped, openInput, skippableRow, type SkippedRow } from './row-skip.js';

export type BatchKind = 'hours' | 'training' | 'exams' | 'essays';

export interface Counts {
  read: number;
  new: number;
  duplicate: number;
  rejected: number;
  /** Rows dated after the cadre left office: no error, skipped with a warning (present only when some were). */
  afterLeaving?: number;
}

export interface ImportKind {
  kind: BatchKind;
  command: string;
  spec: TableSpec;
  /** CREATE TEMP TABLE stage (...) with a `line` column. */
  stageDdl: string;
  stageInsert: string;
  /** Validates one record; returns the stage row's values, or null with problems added. */
  parse(rec: TableRecord, env: RowEnv, p: RowProblems, ctx: Context): unknown[] | null | Promise<unknown[] | null>;
  /** How many staged rows would be new (the rest are duplicates), before writing. */
  countNew(db: DB): number;
  /**
   * Moves the stage into the real tables (batchId null: entered by hand). Runs inside the write
   * transaction. With countsOnCommit, returns how many staged rows were new.
   */
  commit(db: DB, batchId: number | null, ctx: Context): number | void;
  /**
   * commit() counts the new rows itself, as it writes (an all-duplicate file then needs no
   * separate existence check of every row): countNew is not called before it.
   */
  countsOnCommit?: boolean;
  /** Optional, for --dry-run: warns about what commit() would also change or keep (the same warnings a write gives). */
  dryRunNotes?(db: DB): void;
  /** Learner IDs touched, for the journal (only when few). */
  touched?(db: DB): string[];
  /**
   * commit() checks every reference its rows make itself, in bulk, inside the
   * transaction: the write then runs without SQLite's row-by-row foreign-key
   * checks (which cost as much as the insert).
   */
  checksReferences?: boolean;
  /**
   * Optional: the kind keeps its valid rows itself (to check rows in bulk and
   * stage them sorted) instead of the row-by-row staging with stageInsert.
   */
  collector?(db: DB, header: TableHeader): RowCollector;
}

/** Where a kind with its own staging puts rows (see ImportKind.collector). */
export interface RowCollector {
  /** Optional: takes plain rows as bytes before they are decoded (see OpenedTable.rows); `taken` counts them. */
  taker?: ByteRowTaker;
  taken?: number;
  /**
   * A quick check of a row's fields as read (in file order, as many as the
   * header has): true when the row is valid and has been taken; false when
   * it must go through parse() (which then decides, and words any problem).
   */
  fast(fields: string[], line: number): boolean;
  /** A valid row's values from parse(). */
  add(values: unknown[]): void;
  /** All rows are in: writes the stage (TEMP tables) that countNew and commit read. */
  finish(): void;
}

export interface ImportOptions {
  skipInvalid?: boolean;
  dryRun?: boolean;
  /** Replace the NAME.rejected.csv an earlier import left (else NAME.rejected-2.csv, … is written). */
  overwrite?: boolean;
}

export interface FileOutcome {
  file: string;
  status: 'written' | 'dry-run' | 'already' | 'refused';
  counts: Counts;
  rejectedFile?: string;
  /** The earlier rejected-rows file that was kept, when rejectedFile is a numbered one. */
  rejectedKept?: string;
  /** The cells of the rejected rows (IDs among them), for the hint on opening the file in a spreadsheet. */
  rejectedCells?: string[];
  batchId?: number;
}

/** Rows staged per small transaction on the TEMP table (keeps memory flat). */
const STAGE_CHUNK = 5000;
/** Problems kept in memory for the error listing; the rest are counted. */
const KEEP_PROBLEMS = 1000;
/** Problems and skipped rows listed as warnings of a file that is written; the rest are counted. */
const WARN_LISTED = 20;

/**
 * Page caches of the import's connection (main and TEMP), in KiB: better-sqlite3's
 * default is 16 MB each. An import appends in key order and reads the stage
 * in order, so a small cache costs no time and keeps a large import's memory down.
 */
const IMPORT_CACHE_KIB = 4000;

export async function runImports(files: string[], opts: ImportOptions, ctx: Context, makeKind: () => ImportKind): Promise<number> {
  const db = ctx.db({ readOnly: !!opts.dryRun });
  db.pragma(`cache_size = -${IMPORT_CACHE_KIB}`);
  db.pragma(`temp.cache_size = -${IMPORT_CACHE_KIB}`);
  const outcomes: FileOutcome[] = [];
  let failed = false;
  for (const file of files) {
    try {
      outcomes.push(await importOne(file, opts, ctx, db, makeKind()));
    } catch (e) {
      if (!(e instanceof CadreError)) throw e;
      failed = true;
      printRefusal(e, ctx);
      const counts = (e as CadreError & { counts?: Counts }).counts ?? { read: 0, new: 0, duplicate: 0, rejected: 0 };
      outcomes.push({ file, status: 'refused', counts });
    } finally {
      db.exec('DROP TABLE IF EXISTS temp.stage');
    }
  }
  printSummary(outcomes, ctx);
  return failed ? 2 : 0;
}

function printRefusal(e: CadreError, ctx: Context): void {
  const { tr } = ctx;
  ctx.err.write(`${paint(ctx.colorErr, 'red', tr.t('error.prefix'))}: ${tr.m(e.msg)}\n`);
  const { tally, more } = e as CadreError & { tally?: ProblemTally; more?: number };
  // The import's tally counted every problem; problems of other errors are tallied here.
  const lines = tally ? tally.lines(tr) : ProblemTally.of(e.problems).lines(tr, undefined, more ?? 0);
  for (const line of lines) ctx.err.write(`  ${line}\n`);
  if (e.fix) ctx.err.write(`${paint(ctx.colorErr, 'cyan', tr.t('fix.prefix'))}: ${tr.m(e.fix)}\n`);
}

function printSummary(outcomes: FileOutcome[], ctx: Context): void {
  const { t } = ctx.tr;
  for (const o of outcomes) {
    const c = o.counts;
    const key = `import.outcome.${o.status}`;
    const leaving = c.afterLeaving ? t('import.countsAfterLeaving', { count: c.afterLeaving }) : '';
    ctx.err.write(`${t(key, { file: o.file })}  ${t('import.counts', { read: c.read, new: c.new, duplicate: c.duplicate, rejected: c.rejected })}${leaving}\n`);
    if (o.rejectedFile) ctx.err.write(`  ${t('import.rejectedWritten', { file: o.rejectedFile })}\n`);
    if (o.rejectedKept) ctx.err.write(`  ${t('outputs.rejectedKept', { old: o.rejectedKept, file: o.rejectedFile ?? '', option: OVERWRITE_OPTION })}\n`);
    if (o.rejectedFile && o.rejectedCells) hintIdsInCsv(ctx, o.rejectedFile, o.rejectedCells);
  }
  if (outcomes.length > 1) {
    const written = outcomes.filter((o) => o.status === 'written').map((o) => o.file);
    const refused = outcomes.filter((o) => o.status === 'refused').map((o) => o.file);
    ctx.err.write(`${t('import.summaryWritten', { count: written.length, files: written.length ? echoList(written) : '-' })}\n`);
    if (refused.length) ctx.err.write(`${t('import.summaryRefused', { count: refused.length, files: echoList(refused) })}\n`);
  }
}

export function rejectedPathFor(file: string): string {
  const ext = path.extname(file);
  const base = ext ? file.slice(0, -ext.length) : file;
  return `${base}.rejected.csv`;
}

async function importOne(file: string, opts: ImportOptions, ctx: Context, db: DB, kind: ImportKind): Promise<FileOutcome> {
  const table = await openInput(ctx, file, kind.spec, kind.kind);
  const { header } = table;
  const counts: Counts = { read: 0, new: 0, duplicate: 0, rejected: 0 };
  const already = db.prepare('SELECT id, imported_at FROM batches WHERE kind = ? AND sha256 = ? AND undone_at IS NULL').get(kind.kind, header.sha256) as
    | { id: number; imported_at: string }
    | undefined;
  if (already) {
    ctx.warn(ctx.tr.t('import.alreadyImported', { file, batch: already.id, at: readableTime(already.imported_at) }));
    return { file, status: 'already', counts, batchId: already.id };
  }
  noteColumns(ctx, file, header, kind.spec);

  // The roster as objects, for parse(): a collector may not need it at all.
  let rowEnv: RowEnv | null = null;
  const env = (): RowEnv => (rowEnv ??= new RowEnv(loadCadres(db), ctx.policy(), ctx.today()));
  db.exec('DROP TABLE IF EXISTS temp.stage');
  const collector = kind.collector?.(db, header) ?? null;
  if (!collector) db.exec(kind.stageDdl);
  const insert = collector ? null : db.prepare(kind.stageInsert);
  const problems: Problem[] = [];
  const tally = new ProblemTally();
  /** Sums rows and a template's example row: not records, skipped with a note. */
  const skippedRows: SkippedRow[] = [];
  /** The first rows skipped as dated after leaving office, for the warnings. */
  const skipped: Problem[] = [];
  const rejected = opts.skipInvalid && !opts.dryRun ? new RejectedWriter(rejectedPathFor(file), header.names, !!opts.overwrite, ctx) : null;
  let pending: unknown[][] = [];
  const flush = insert ? stageFlusher(db, insert) : () => {};
  const progress = new Progress(ctx, file, header.bytes);
  const width = header.names.length;
  // Rows the collector takes as bytes never come back here: the progress line counts them as they go.
  const inner = collector?.taker;
  const taker: ByteRowTaker | undefined = inner && {
    take(buf, starts, ends, n, line) {
      if (!inner.take(buf, starts, ends, n, line)) return false;
      if ((collector.taken! & 0xffff) === 0) progress.tick(counts.read + collector.taken!);
      return true;
    },
  };
  try {
    for await (const batch of table.rows(taker)) {
      for (const row of batch) {
        if (collector && row.fields.length === width && collector.fast(row.fields, row.line)) {
          counts.read++;
          continue;
        }
        const skip = skippableRow(row.fields, row.line);
        if (skip) {
          skippedRows.push(skip);
          continue;
        }
        counts.read++;
        const rec = table.toRecord(row);
        const p = new RowProblems(file, rec, header.names);
        let values: unknown[] | null = null;
        if (rec.problem) p.list.push(rec.problem);
        else values = await kind.parse(rec, env(), p, ctx);
        if (values && p.ok) {
          if (collector) {
            collector.add(values);
            continue;
          }
          pending.push(values);
          if (pending.length >= STAGE_CHUNK) {
            flush(pending);
            pending = [];
          }
        } else if (p.ok && p.skipped) {
          counts.afterLeaving = (counts.afterLeaving ?? 0) + 1;
          if (skipped.length < WARN_LISTED) skipped.push(p.skipped);
        } else {
          counts.rejected++;
          for (const pr of p.list) {
            if (problems.length < KEEP_PROBLEMS) problems.push(pr);
            tally.add(pr);
          }
          rejected?.add(rec, p.list, ctx);
        }
      }
      progress.tick(counts.read + (collector?.taken ?? 0));
    }
    counts.read += collector?.taken ?? 0;
    flush(pending);
    pending = [];
    // A refused file needs no stage.
    if (collector && (counts.rejected === 0 || opts.skipInvalid)) collector.finish();
    progress.done();
  } catch (e) {
    rejected?.discard();
    throw e;
  }
  noteSkipped(ctx, file, header, skippedRows);
  if (counts.read === 0) {
    // A header without rows is almost always a failed export: refuse it rather than record an empty batch.
    throw Object.assign(new InputError(msg('import.noRows', { file }), [{ file, line: 2, reason: msg('import.noRowsHere') }], msg('import.fix.noRows')), { counts });
  }
  if (counts.rejected > 0 && !opts.skipInvalid) {
    const err = new InputError(msg('import.refused', { file, rejected: counts.rejected, read: counts.read }), problems, msg('import.fix.refused'));
    Object.assign(err, { tally, counts });
    throw err;
  }
  if (counts.rejected > 0) {
    for (const line of tally.lines(ctx.tr, WARN_LISTED)) ctx.warn(line);
  }
  if (counts.afterLeaving) {
    for (const pr of skipped) ctx.warn(formatProblem(pr, ctx.tr));
    if (counts.afterLeaving > skipped.length) ctx.warn(ctx.tr.t('import.moreAfterLeaving', { count: counts.afterLeaving - skipped.length }));
  }
  const valid = counts.read - counts.rejected - (counts.afterLeaving ?? 0);
  if (opts.dryRun) {
    counts.new = kind.countNew(db);
    counts.duplicate = valid - counts.new;
    kind.dryRunNotes?.(db);
    return { file, status: 'dry-run', counts };
  }
  let batchId = 0;
  let rejectedFile: string | undefined;
  // PRAGMA foreign_keys cannot change inside a transaction: off before it, on again after it.
  const fkOff = !!kind.checksReferences && (db.pragma('foreign_keys', { simple: true }) as number) === 1;
  if (fkOff) db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      if (!kind.countsOnCommit) {
        counts.new = kind.countNew(db);
        counts.duplicate = valid - counts.new;
      }
      const info = db
        .prepare(
          `INSERT INTO batches (kind, file_name, sha256, imported_at, operator, rows_read, rows_new, rows_duplicate, rows_rejected)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(kind.kind, path.basename(file), header.sha256, localTimestamp(ctx.now()), ctx.operator, counts.read, counts.new, counts.duplicate, counts.rejected);
      batchId = Number(info.lastInsertRowid);
      const counted = kind.commit(db, batchId, ctx);
      if (kind.countsOnCommit) {
        if (typeof counted !== 'number') throw new Error(`${kind.command}: commit did not count its new rows`);
        counts.new = counted;
        counts.duplicate = valid - counted;
        db.prepare('UPDATE batches SET rows_new = ?, rows_duplicate = ? WHERE id = ?').run(counts.new, counts.duplicate, batchId);
      }
      recordJournal(db, ctx, {
        command: kind.command,
        args: { file: path.resolve(file), skipInvalid: !!opts.skipInvalid, batch: batchId },
        inputSha256: header.sha256,
        counts: { ...counts },
        learnerIds: kind.touched?.(db),
      });
      // Last: a rejected-rows file that cannot be written (a full disk) refuses the import.
      rejectedFile = rejected?.finish();
    }).immediate();
  } catch (e) {
    rejected?.discard();
    // Rows dated in a closed year, refused by the guard: named by line, nothing written.
    if (isClosedYearRefusal(e)) throw Object.assign(closedYearRows(db, file, ctx), { counts: { read: counts.read, new: 0, duplicate: 0, rejected: closedStageCount(db) } });
    if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && String((e as Error).message).includes('batches')) {
      ctx.warn(ctx.tr.t('import.alreadyImported', { file, batch: '?', at: '?' }));
      return { file, status: 'already', counts };
    }
    throw e;
  } finally {
    if (fkOff) db.pragma('foreign_keys = ON');
  }
  rejected?.settle();
  return { file, status: 'written', counts, batchId, ...(rejectedFile ? { rejectedFile } : {}), ...(rejectedFile && rejected?.kept ? { rejectedKept: rejected.kept } : {}), ...(rejectedFile && rejected ? { rejectedCells: rejected.atRisk } : {}) };
}

function stageFlusher(db: DB, insert: Statement): (rows: unknown[][]) => void {
  // The stage is a TEMP table: these small transactions take no lock on the main database.
  const many = db.transaction((rows: unknown[][]) => {
    for (const r of rows) insert.run(r);
  });
  return (rows) => {
    if (rows.length) many(rows);
  };
}

/**
 * Writes rejected rows beside the input, with a `reason` column, through an
 * AtomicFile (0600: the rows name people). For week47.csv the file is
 * week47.rejected.csv. One that an earlier import left is kept (a later
 * import of a corrected file must not destroy it unnoticed): the rows then go
 * to the first free week47.rejected-2.csv, -3, … and the summary says so;
 * with --overwrite the old file is replaced. The file is put in place as the
 * last step of the import's transaction (finish()), so a file that cannot be
 * written (a full disk) refuses the import, and it is taken back (discard())
 * if the commit fails: the valid rows are imported and the rejected ones on
 * disk, or neither.
 */
class RejectedWriter {
  private file: AtomicFile | null = null;
  private shown = '';
  /** The earlier file that was kept, when the rows went to a numbered name. */
  kept: string | undefined;
  /** The first cell of the rejected rows that a spreadsheet opening the file by double-click would change (00120012), if any. */
  atRisk: string[] = [];
  private count = 0;
  constructor(
    private readonly first: string,
    private readonly names: string[],
    private readonly overwrite: boolean,
    private readonly ctx: Context,
  ) {}
  add(rec: TableRecord, problems: Problem[], ctx: Context): void {
    if (this.file === null) {
      this.open();
      this.file!.write(BOM + toCsv([rejectedHeader(this.names, this.ctx.tr)]));
    }
    const reason = problems.map((p) => formatProblem({ ...p, file: undefined, line: undefined }, ctx.tr)).join('; ');
    const cells = this.names.map((_, i) => rec.raw?.[i] ?? '');
    if (!this.atRisk.length) this.atRisk = cells.filter(spreadsheetChanges).slice(0, 1);
    this.file!.write(toCsv([[rec.line, ...cells, reason]]));
    this.count++;
  }
  private open(): void {
    const at = (shown: string) => path.resolve(this.ctx.cwd, shown);
    sweepTemps(this.ctx, path.dirname(at(this.first)));
    let shown = this.first;
    if (!this.overwrite) {
      for (let n = 2; fs.existsSync(at(shown)) || isLink(at(shown)); n++) {
        if (n > 9999) throw existsError(this.first, OVERWRITE_OPTION);
        shown = this.first.replace(/\.rejected\.csv$/, `.rejected-${n}.csv`);
      }
      if (shown !== this.first) this.kept = this.first;
    }
    this.shown = shown;
    this.file = new AtomicFile(at(shown), { mode: PRIVATE_MODE, overwrite: this.overwrite, overwriteHint: OVERWRITE_OPTION });
  }
  /** Inside the import's transaction: puts the file in place (a failure refuses the import). Its name as shown, if any rows were rejected. */
  finish(): string | undefined {
    if (this.file === null) return undefined;
    this.file.place(true);
    return this.shown;
  }
  /** After the transaction committed. */
  settle(): void {
    this.file?.settle();
  }
  /** The import failed: no file of this run is left, and a file it replaced is back. */
  discard(): void {
    if (this.file === null) return;
    this.file.rollback();
    this.file.discard();
    this.file = null;
  }
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * A progress bar on stderr for large files, only on a terminal. The share done
 * is estimated from the rows read and the average length of the file's first
 * lines (read once here, 64 KiB), so the reader needs no hook for it.
 */
class Progress {
  private last = 0;
  private readonly on: boolean;
  private bytesPerRow = 0;
  constructor(private readonly ctx: Context, private readonly file: string, private readonly bytes: number) {
    this.on = !!ctx.err.isTTY && bytes > 5_000_000;
    if (!this.on) return;
    try {
      const fd = fs.openSync(file, 'r');
      const head = Buffer.alloc(65_536);
      const n = fs.readSync(fd, head, 0, head.length, 0);
      fs.closeSync(fd);
      let lines = 0;
      for (let i = head.indexOf(10); i !== -1 && i < n; i = head.indexOf(10, i + 1)) lines++;
      this.bytesPerRow = lines > 1 ? n / lines : 0;
    } catch {
      this.bytesPerRow = 0;
    }
  }
  tick(rows: number): void {
    if (!this.on) return;
    const now = Date.now();
    if (now - this.last < 200) return;
    this.last = now;
    const text = this.ctx.tr.t('import.progress', { file: path.basename(this.file), rows });
    if (!this.bytesPerRow) {
      this.ctx.err.write(`\r${text}`);
      return;
    }
    const share = Math.min(0.99, (rows * this.bytesPerRow) / this.bytes);
    const width = 24;
    const filled = Math.round(share * width);
    this.ctx.err.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(2)}%  ${text}`);
  }
  done(): void {
    if (this.on) this.ctx.err.write('\r\u001b[K');
  }
}

/**
 * One record entered by hand (record-training, record-exam): the same
 * validation as a file row, then one write transaction with its journal entry.
 * Returns whether the record was new.
 */
/** The refusal of an import whose rows fall in a closed year: its lines (the first 20) and the fix. */
function closedYearRows(db: DB, file: string, ctx: Context): InputError {
  const rows = closedStageRows(db);
  const count = closedStageCount(db);
  const years = [...new Set(rows.map((r) => r.year))].map((y) => ctx.tr.t('year.label', { from: y, to: y + 1 }));
  const problems = rows.map((r) => ({ file, line: r.line, reason: msg('close.rowInClosedYear', { date: r.date, year: ctx.tr.t('year.label', { from: r.year, to: r.year + 1 }) }) }));
  return new InputError(msg(rows.length ? 'close.refusedRows' : 'close.refused', { file, count, years: years.join(', ') }), problems, msg('close.fix.refused'));
}

export async function recordSingle(ctx: Context, kind: ImportKind, cells: Record<string, string>, flags: Record<string, string>, args: Record<string, unknown>): Promise<{ isNew: boolean }> {
  const db = ctx.db();
  const keys = Object.keys(cells);
  const rec: TableRecord = { line: 1, cells, raw: Object.values(cells), columnOf: (k) => keys.indexOf(k) + 1 };
  const env = new RowEnv(loadCadres(db), ctx.policy(), ctx.today());
  const p = new RowProblems('', rec);
  db.exec('DROP TABLE IF EXISTS temp.stage');
  db.exec(kind.stageDdl);
  try {
    const values = await kind.parse(rec, env, p, ctx);
    if (!values || !p.ok) {
      // One record entered by hand is refused outright, a date after leaving office too.
      const list = (p.skipped ? [...p.list, { ...p.skipped, reason: msg('record.afterLeaving', p.skipped.reason.params) }] : p.list).map((pr) => ({ ...pr, file: undefined, line: undefined, column: undefined, columnName: undefined, reason: pr.columnName ? msg('record.optionProblem', { option: flags[pr.columnName] ?? pr.columnName, reason: ctx.tr.m(pr.reason) }) : pr.reason }));
      throw new InputError(msg('record.refused'), list);
    }
    db.prepare(kind.stageInsert).run(values);
    let isNew = false;
    db.transaction(() => {
      if (!kind.countsOnCommit) isNew = kind.countNew(db) > 0;
      const counted = kind.commit(db, null, ctx);
      if (kind.countsOnCommit) isNew = typeof counted === 'number' && counted > 0;
      recordJournal(db, ctx, { command: kind.command, args, counts: { new: isNew ? 1 : 0, duplicate: isNew ? 0 : 1 }, learnerIds: kind.touched?.(db) });
    }).immediate();
    return { isNew };
  } finally {
    db.exec('DROP TABLE IF EXISTS temp.stage');
  }
}
