/**
 * `cadre verify-certificate CODE|FILE.pdf`: whether a certificate is one this
 * database issued and whether today's records still give what it states
 * (src/report/certificate.ts). Exit 0: it matches; 1: it was issued here but
 * the records have changed (each change listed); 2: no certificate of this
 * database has that code (mistyped, made up, or issued with another key).
 */
import fs from 'node:fs';
import type { Context } from '../shell/context.js';
import { chooseFormat } from '../shell/render.js';
import { terminalWidth, wrapText } from '../shell/fit.js';
import { InputError, msg } from '../errors.js';
import { codeInPdf, looksLikeFile, verifyCertificate, type Verdict } from '../report/certificate.js';
import { changeText, scopeText } from '../report/certificate-text.js';
import { statusText } from '../report/audit-view.js';
import { formatTenths } from '../core/decimal.js';

export interface VerifyCertificateOptions {
  /** A code typed in groups with spaces between them arrives as several words. */
  codeOrFile: string[];
  format?: string;
}

export async function run(opts: VerifyCertificateOptions, ctx: Context): Promise<number> {
  const format = chooseFormat(opts.format, ctx.out, ['table', 'json']);
  const { t } = ctx.tr;
  let typed = opts.codeOrFile.join(' ');
  const shown = typed;
  const file = looksLikeFile(ctx, typed);
  if (file) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      throw new InputError(msg('certs.cannotRead', { file: shown }), [], msg('certs.fix.cannotRead'));
    }
    const found = codeInPdf(bytes);
    if (!found) throw new InputError(msg('certs.noCodeInFile', { file: shown }), [], msg('certs.fix.noCodeInFile'));
    typed = found;
  }
  const v = await verifyCertificate(ctx, typed);
  const exit = v.result === 'match' ? 0 : v.result === 'changed' ? 1 : 2;
  if (format === 'json') {
    ctx.out.write(JSON.stringify(verdictJson(v), null, 2) + '\n');
    return exit;
  }
  if (v.result === 'unknown' || v.result === 'forged') {
    ctx.out.write(t(`certs.verify.${v.result}`, { code: v.code ?? shown, serial: v.serial ?? '' }) + '\n');
    return exit;
  }
  const c = v.issued;
  const about = { serial: c.serial, name: c.learner.name, id: c.learner.id, scope: scopeText(c, ctx.tr), issued: c.issued_at.slice(0, 16).replace('T', ' ') };
  // What the certificate states, as issued: the reader compares it with the paper in hand (its code vouches for this, not for an edited page).
  const stated = t('certs.verify.stated', { status: statusText(c.status, ctx.tr), total: formatTenths(c.credits.total), required: formatTenths(c.credits.required), hours: c.records.hours.length, essays: c.records.essays.length, training: c.records.training.length });
  if (v.result === 'match') {
    ctx.out.write(t('certs.verify.match', about) + '\n' + stated + '\n');
    return exit;
  }
  // On a terminal each line wraps at its width, later lines indented; in a pipe or a file each stays one line.
  const width = ctx.out.isTTY ? terminalWidth(ctx.out, ctx.env) : Infinity;
  const say = (text: string, first: string, rest: string) => {
    const lines = width === Infinity ? [text] : wrapText(text, width - first.length);
    ctx.out.write(lines.map((l, i) => (i ? rest : first) + l).join('\n') + '\n');
  };
  say(t('certs.verify.changed', { ...about, count: v.changes.length }), '', '');
  say(stated, '', '');
  for (const ch of v.changes) say(changeText(ch, ctx.tr), '  - ', '    ');
  return exit;
}

function verdictJson(v: Verdict): Record<string, unknown> {
  if (v.result === 'unknown' || v.result === 'forged') return { result: v.result, code: v.code, serial: v.serial };
  return { result: v.result, serial: v.issued.serial, learner_id: v.issued.learner.id, name: v.issued.learner.name, issued_at: v.issued.issued_at, scope: v.issued.scope, changes: v.changes, issued: v.issued };
}
