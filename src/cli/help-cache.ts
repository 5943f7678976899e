/**
 * `cadre --help` from a file: the program's help is rendered by commander
 * from every command's definition and the message catalogue, which costs
 * more than the rest of the start-up together. The text depends only on
 * those (this build), the language and the terminal width, so the first
 * `cadre --help` keeps it under dist/.help-cache/ and later ones print it
 * without loading the program. Any failure to read or write the cache only
 * means the program renders the help itself, as before.
 *
 * Loaded by bin/cadre.js before anything else: imports nothing but node:fs.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('..', import.meta.url);

/** What the text depends on besides the language and width: this build's files that make it (and every catalogue section, below). */
const SOURCES = ['cli/main.js', 'cli/program.js', 'cli/help.js', 'i18n/index.js'];

/** The catalogue's section files: the help's words come from several of them. */
function catalogueFiles(): string[] {
  return fs
    .readdirSync(new URL('i18n/catalogue/', dist))
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => `i18n/catalogue/${f}`);
}

/** The cache file for a bare `cadre --help` in this environment, or null when there is none to use. */
export function helpCachePath(env: NodeJS.ProcessEnv, stdout: { isTTY?: boolean; columns?: number }): string | null {
  try {
    const stamps = [...SOURCES, ...catalogueFiles()].map((f) => `${f}@${fs.statSync(new URL(f, dist)).mtimeMs}`).join(',');
    // The width the help is wrapped at (src/cli/help.ts helpWidth): the terminal's, else $COLUMNS.
    const key = [
      stamps,
      stdout.isTTY ? stdout.columns ?? '' : '-',
      env.COLUMNS ?? '',
      env.CADRE_LANG ?? '',
      env.LC_ALL ?? '',
      env.LC_MESSAGES ?? '',
      env.LANG ?? '',
      env.NO_COLOR ?? '',
      env.FORCE_COLOR ?? '',
      env.CLICOLOR_FORCE ?? '',
    ].join('|');
    return fileURLToPath(new URL(`.help-cache/${hash(key)}.txt`, dist));
  } catch {
    return null;
  }
}

/** 53-bit FNV-style hash of a string, as hex. */
function hash(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + ((h2 >>> 0) & 0x1fffff).toString(16).padStart(6, '0');
}

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/** The kept text, or null. A symbolic link planted at the cache's name is not followed. */
export function readHelpCache(file: string): string | null {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | O_NOFOLLOW);
    return fs.readFileSync(fd, 'utf8');
  } catch {
    return null;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
