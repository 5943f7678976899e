/** `cadre certificate LEARNER_ID [--term|--year Y] --out FILE.pdf`: a certificate of study with its verification code (src/report/certificate.ts). */
import type { Context } from '../shell/context.js';
import { outFile } from '../shell/render.js';
import { UsageError, msg } from '../errors.js';
import { issueCertificate } from '../report/certificate.js';

export interface CertificateOptions {
  learnerId: string;
  term?: boolean;
  year?: string;
  out: string;
  overwrite?: boolean;
}

export async function run(opts: CertificateOptions, ctx: Context): Promise<number> {
  if (!/\.pdf$/i.test(opts.out)) throw new UsageError(msg('certs.notPdf', { file: opts.out }), msg('certs.fix.notPdf'));
  // The file is checked before any work: an existing one is refused at once.
  const out = outFile(ctx, opts.out, !!opts.overwrite)!;
  const scope = opts.year !== undefined ? ({ kind: 'year', year: yearOf(opts.year) } as const) : ({ kind: 'term', asOf: ctx.today() } as const);
  const r = await issueCertificate(ctx, opts.learnerId, scope, out);
  const c = r.content;
  ctx.err.write(ctx.tr.t('certs.issued', { serial: c.serial, name: c.learner.name, id: c.learner.id, file: out.shown, hours: c.records.hours.length, essays: c.records.essays.length, training: c.records.training.length }) + '\n');
  ctx.out.write(`${c.serial}\t${r.code}\n`);
  return 0;
}

function yearOf(raw: string): number {
  if (!/^\d{4}$/.test(raw)) throw new UsageError(msg('audit.badYear', { year: raw }), msg('audit.fix.badYear'));
  return Number(raw);
}
