/**
 * The list of the most common passwords, shipped as data/common-passwords.txt
 * (one per line, lower-cased, deduplicated, most common first; lines starting
 * with `#` are comments, the first names the source and its licence).
 *
 * The file is read on the first call only, so commands that never check a
 * password do not pay for it.
 */
import { readFileSync } from 'node:fs';

/** src/auth/ and dist/auth/ are both two levels below the repository root. */
const LIST_URL = new URL('../../data/common-passwords.txt', import.meta.url);

let list: ReadonlySet<string> | undefined;

/** The form a password is compared in: NFKC (full-width → ASCII), trimmed, lower-case. */
export function normalizeForComparison(pw: string): string {
  return pw.normalize('NFKC').trim().toLowerCase();
}

function load(): ReadonlySet<string> {
  if (list) return list;
  let text: string;
  try {
    text = readFileSync(LIST_URL, 'utf8');
  } catch (e) {
    throw new Error(
      `cannot read the list of common passwords at ${LIST_URL.pathname} (${(e as Error).message}); ` +
        'the installation is incomplete: reinstall cadre',
    );
  }
  const set = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    set.add(normalizeForComparison(line));
  }
  list = set;
  return list;
}

/** True when `pw` (case-insensitive, surrounding spaces ignored) is on the list. */
export function isCommonPassword(pw: string): boolean {
  return load().has(normalizeForComparison(pw));
}

/** How many passwords the list holds (loads it if needed). */
export function commonPasswordCount(): number {
  return load().size;
}
