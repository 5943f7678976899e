/**
 * File names made from data (a department's name) that are valid on
 * Windows, macOS and Linux alike, and one per name: `--split-by department`
 * writes one file per department, never two departments into one file.
 *
 * A name is made portable by
 * - replacing every character one of the three systems refuses or acts on:
 *   `< > : " / \ | ? *`, the controls (C0 with tab, DEL, C1), the
 *   bidirectional marks and overrides (they can make `gpj.exe` look like
 *   `exe.jpg`), a lone surrogate (no UTF-8 for it);
 * - never starting with a dot or a space (hidden on Linux and macOS, and
 *   the tool's own temporaries start with a dot), never ending with a dot or
 *   a space (Windows drops them, so `a.` and `a` would be one file there);
 * - never being a device name of Windows (CON, PRN, AUX, NUL, COM1–COM9,
 *   LPT1–LPT9, also with an extension: `con.txt`);
 * - staying within MAX_NAME_BYTES of UTF-8 (Linux and macOS allow 255 bytes
 *   a name; the margin leaves room for the `~$` prefix of Excel's lock file):
 *   a longer part is cut on a character boundary and marked with a short
 *   stable hash of the whole original name, so two long names that start
 *   alike still differ.
 *
 * Names are then made unique as Windows and macOS compare them: ignoring
 * case and Unicode normalisation (NFC/NFD). When two originals map to the
 * same name (`a/b` and `a_b`, `Dept` and `dept`), EACH of them gets a short
 * hash of its own original name, so the result depends only on the set of
 * names, never on their order.
 *
 * Pure: no file system here; the caller checks and writes the files.
 */

/** Longest file name made, in bytes of UTF-8. */
export const MAX_NAME_BYTES = 240;

const FORBIDDEN = new Set('<>:"/\\|?*');

/** Characters no file name may hold on some system, or that would mislead its reader. */
function badChar(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0x061c ||
    cp === 0x200e ||
    cp === 0x200f ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069) ||
    cp === 0xfeff ||
    (cp >= 0xd800 && cp <= 0xdfff)
  );
}

function utf8Bytes(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** Length of `s` in UTF-8 (a lone surrogate counted as the 3 bytes of its replacement). */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) n += utf8Bytes(ch.codePointAt(0)!);
  return n;
}

/** Every character no system allows in a name replaced by `_`. */
export function replaceForbidden(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out += FORBIDDEN.has(ch) || badChar(cp) ? '_' : ch;
  }
  return out;
}

/** The longest start of `s` within `max` bytes of UTF-8, cut between characters. */
export function cutToBytes(s: string, max: number): string {
  let n = 0;
  let out = '';
  for (const ch of s) {
    const b = utf8Bytes(ch.codePointAt(0)!);
    if (n + b > max) break;
    n += b;
    out += ch;
  }
  return out;
}

const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/**
 * A whole file name (with its extension) made valid on Windows, macOS and
 * Linux: forbidden characters replaced, no leading dot or space, no trailing
 * dot or space, no device name. Length is the caller's (see fileNamesFor).
 */
export function portableFileName(name: string): string {
  let s = replaceForbidden(name);
  s = s.replace(/[. ]+$/u, (m) => '_'.repeat(m.length));
  s = s.replace(/^[. ]/u, '_');
  if (!s) return '_';
  // Windows takes the part before the first dot (trailing spaces dropped) as the device: CON, con.txt, "nul .csv".
  const stem = s.split('.')[0].replace(/ +$/u, '');
  if (DEVICE.test(stem)) s = '_' + s;
  return s;
}

/**
 * A short stable hash of a name: FNV-1a over its UTF-8 bytes (code units
 * for a lone surrogate), as lower-case hex. `long` gives 12 digits (two
 * independent 32-bit hashes), else 6.
 */
export function nameHash(s: string, long = false): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  const feed = (byte: number) => {
    h1 = Math.imul(h1 ^ byte, 0x01000193);
    h2 = Math.imul(h2 ^ byte, 0x5bd1e995) ^ (h2 >>> 15);
  };
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) feed(cp);
    else if (cp < 0x800) {
      feed(0xc0 | (cp >> 6));
      feed(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      feed(0xe0 | (cp >> 12));
      feed(0x80 | ((cp >> 6) & 0x3f));
      feed(0x80 | (cp & 0x3f));
    } else {
      feed(0xf0 | (cp >> 18));
      feed(0x80 | ((cp >> 12) & 0x3f));
      feed(0x80 | ((cp >> 6) & 0x3f));
      feed(0x80 | (cp & 0x3f));
    }
  }
  const hex = (h: number) => (h >>> 0).toString(16).padStart(8, '0');
  return long ? hex(h1).slice(0, 6) + hex(h2).slice(0, 6) : hex(h1).slice(0, 6);
}

/** How names compare where case and normalisation do not count (Windows, macOS). */
export function nameKey(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase();
}

export interface NameLayout {
  /** Before the value, e.g. `缺口清单-` (made portable with it). */
  before: string;
  /** After the value, before the extension, e.g. `_2025-2026学年`. */
  after: string;
  /** Without the dot, e.g. `xlsx`. */
  ext: string;
}

/**
 * One portable, unique file name for each value (`before + value + after +
 * '.' + ext`), within MAX_NAME_BYTES. The same set of values always gives the
 * same names, in whatever order they come; values that are equal give one
 * name. Throws only when the layout itself leaves no room (a programming
 * error, never the data's).
 */
export function fileNamesFor(values: Iterable<string>, layout: NameLayout): Map<string, string> {
  const unique = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const fixed = utf8Length(layout.before) + utf8Length(layout.after) + 1 + utf8Length(layout.ext);
  // One byte spare for the "_" that keeps a name off a device name (see portableFileName).
  const room = MAX_NAME_BYTES - fixed - 1;
  if (room < 30) throw new Error(`file name layout too long: ${layout.before}…${layout.after}.${layout.ext}`);

  const make = (value: string, level: number, index = 0): string => {
    let part = replaceForbidden(value) || '_';
    const tag = level === 0 ? '' : `(${nameHash(value, level >= 2)})${index ? `-${index}` : ''}`;
    if (utf8Length(part) + utf8Length(tag) > room) {
      // Too long: cut, and mark the cut with the whole name's hash (unless a tag is there already).
      const mark = tag || `(${nameHash(value)})`;
      part = cutToBytes(part, room - utf8Length(mark)) + mark;
    } else {
      part += tag;
    }
    return portableFileName(`${layout.before}${part}${layout.after}.${layout.ext}`);
  };

  const level = new Map(unique.map((v) => [v, 0]));
  const index = new Map<string, number>();
  // Each round gives every clashing value a longer tag; three rounds settle any real set of names.
  for (let round = 0; round < 100; round++) {
    const names = new Map(unique.map((v) => [v, make(v, level.get(v)!, index.get(v))]));
    const byKey = new Map<string, string[]>();
    for (const v of unique) {
      const k = nameKey(names.get(v)!);
      byKey.set(k, [...(byKey.get(k) ?? []), v]);
    }
    const clashes = [...byKey.values()].filter((g) => g.length > 1);
    if (!clashes.length) return names;
    for (const group of clashes) {
      const short = group.filter((v) => level.get(v)! < 2);
      for (const v of short) level.set(v, level.get(v)! + 1);
      // Even 12 hex digits clash (never met in practice): number them, in the set's fixed order.
      if (!short.length) group.forEach((v, i) => index.set(v, (index.get(v) ?? 0) + i + 1));
    }
  }
  throw new Error('file names could not be made unique');
}
