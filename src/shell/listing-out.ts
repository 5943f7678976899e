/**
 * Where a listing goes and in what form: `--format`, `--out FILE` and
 * `--overwrite`, decided once for every listing command.
 *
 * A file's extension says its format when `--format` does not: `.csv` CSV
 * (with a BOM, for Excel), `.json` JSON, `.txt` the terminal's text without
 * colour, `.xlsx` a workbook (src/shell/xlsx-view.ts). An extension that
 * disagrees with `--format` (`--format json --out a.csv`) is refused, as
 * is an extension a listing cannot be written as: a file never holds other
 * than what its name says. A file with another or no extension is CSV unless
 * `--format` says otherwise. Without `--out`: `--format`, else a table on a
 * terminal and CSV on a pipe (chooseFormat).
 */
import path from 'node:path';
import { UsageError, msg } from '../errors.js';
import type { Context } from './context.js';
import { chooseFormat, outFile, type Format, type OutFile } from './render.js';

/** The format each known extension stands for. */
const BY_EXTENSION: Record<string, Format> = { '.csv': 'csv', '.json': 'json', '.txt': 'table', '.xlsx': 'xlsx' };

/** What every listing can be written as (a workbook only to a file). */
export const LISTING_FORMATS: Format[] = ['table', 'csv', 'json', 'xlsx'];

/** The options every listing takes. */
export interface ListingOutputOptions {
  format?: string;
  out?: string;
  overwrite?: boolean;
}

/** The format a file named `out` is written in, given `--format` (`requested`); see the module's comment. */
export function formatForFile(requested: string | undefined, out: string, allowed: Format[]): Format {
  if (requested !== undefined && !allowed.includes(requested as Format)) throw new UsageError(msg('render.badFormat', { format: requested, allowed: allowed.join('|') }));
  const ext = path.extname(out).toLowerCase();
  const implied = BY_EXTENSION[ext];
  if (implied !== undefined && !allowed.includes(implied)) {
    throw new UsageError(msg('listings.extNotSupported', { file: out, ext }), msg('listings.fix.extNotSupported', { allowed: extensionsFor(allowed) }));
  }
  if (requested !== undefined) {
    if (implied !== undefined && implied !== requested) {
      throw new UsageError(msg('listings.extDisagrees', { file: out, ext, format: requested }), msg('listings.fix.extDisagrees', { ext: extensionOf(requested as Format) }));
    }
    return requested as Format;
  }
  return implied ?? 'csv';
}

function extensionOf(format: Format): string {
  return Object.entries(BY_EXTENSION).find(([, f]) => f === format)![0];
}

function extensionsFor(allowed: Format[]): string {
  return allowed.map(extensionOf).join(' ');
}

/**
 * `--format`/`--out`/`--overwrite` as the format to render and the file to
 * write (checked now, before any work: an existing file is refused unless
 * --overwrite), or stdout.
 */
export function listingOutput(ctx: Context, opts: ListingOutputOptions, allowed: Format[] = LISTING_FORMATS): { format: Format; out: OutFile | undefined } {
  if (opts.out === undefined) {
    const format = chooseFormat(opts.format, ctx.out, allowed);
    // A workbook is a file: said now, before any work.
    if (format === 'xlsx') throw new UsageError(msg('listings.xlsxNeedsOut'), msg('listings.fix.xlsxNeedsOut'));
    return { format, out: undefined };
  }
  const format = formatForFile(opts.format, opts.out, allowed);
  return { format, out: outFile(ctx, opts.out, !!opts.overwrite) };
}
