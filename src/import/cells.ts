/** Cell readers shared by the imports that are not about cadres or dates. */
import { msg, type Msg } from '../errors.js';

const INVISIBLE = /[\u0000-\u001f\u007f\u00a0\u200b-\u200d\u2060\ufeff\u3000]/u;

export type CellResult = { ok: true; value: string } | { ok: false; reason: Msg };

/**
 * Free text (a title, a topic, a course code): trimmed of ordinary spaces,
 * never empty, no control or invisible characters, at most `max` characters.
 */
export function readText(raw: string | undefined, max = 200): CellResult {
  const value = (raw ?? '').replace(/^[ \t]+|[ \t]+$/g, '');
  if (value === '') return { ok: false, reason: msg('cell.empty') };
  const bad = INVISIBLE.exec(value);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return { ok: false, reason: msg('cell.invisible', { code, position: bad.index + 1 }) };
  }
  if ([...value].length > max) return { ok: false, reason: msg('cell.tooLong', { max }) };
  return { ok: true, value };
}
