/**
 * Text from an input on its way to a terminal, and the characters that may
 * not be part of a name or a department.
 *
 * Controls that a terminal acts on (C0 but tab, DEL, C1, so ESC sequences and
 * CSI) and the bidirectional overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069, U+200E/U+200F, U+061C) can make a line say something other
 * than what the data says. They are refused where they would become data
 * (`controlIn`) and escaped wherever input is echoed (`forTerminal`).
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_ONE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]/;

/** The first character of `text` that may not be in a name or a department, as U+XXXX; null if none. */
export function controlIn(text: string): string | null {
  const m = UNSAFE_ONE.exec(text);
  return m ? codePoint(m[0]) : null;
}

function codePoint(ch: string): string {
  return 'U+' + ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
}

/** Longest value echoed whole in a message; longer ones are cut with "…(N chars)". */
export const MAX_ECHO_CHARS = 200;

/**
 * `text` safe to print: each unsafe character shown as `\u{XX}` (ESC as
 * `\u{1B}`), and a value longer than `max` characters cut, with its length.
 */
export function forTerminal(text: string, max = MAX_ECHO_CHARS): string {
  let s = text;
  let cut = '';
  if (s.length > max) {
    cut = `…(${s.length})`;
    s = s.slice(0, max);
    // Never leave half of a surrogate pair.
    const last = s.charCodeAt(s.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) s = s.slice(0, -1);
  }
  if (UNSAFE_ONE.test(s)) s = s.replace(UNSAFE, (ch) => `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase()}}`);
  return s + cut;
}
