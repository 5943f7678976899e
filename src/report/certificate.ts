/**
 * Certificates of study (`cadre certificate`, `cadre verify-certificate`):
 * the content is the transcript's path through the audit (every record of
 * one cadre), made canonical by src/core/certificate.ts, signed with the
 * database's key (src/db/certificates.ts), drawn (certificate-pdf.ts) and
 * stored with its journal entry in one write. Verifying recomputes the same
 * content from today's records and compares.
 *
 * A certificate is always of the records on file when it is made, with the
 * view's dates of the certificate (a term's: the day of issue; a year's: the
 * year's end). A closed year's records change only by an amendment, so a
 * certificate of a closed year states what was closed unless an amendment
 * changed the cadre's records since; the certificate names the close.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../shell/context.js';
import { outOptions, type OutFile } from '../shell/render.js';
import {
  buildCertificate,
  canonicalJson,
  diffCertificates,
  formatSerial,
  parseCode,
  type CertificateChange,
  type CertificateContent,
  type CertificateScope,
} from '../core/certificate.js';
import { yearEndDate, yearStartDate } from '../core/terms.js';
import {
  certificateByCode,
  certificateBySerial,
  certificateSigner,
  codeWithKey,
  insertCertificate,
  nextSerialNumber,
  peekSerialNumber,
  setCertificateJournal,
  sha256,
  type CertificateRow,
} from '../db/certificates.js';
import { listCourses } from '../db/courses.js';
import { recordJournal } from '../db/journal.js';
import { journalHead, type DB } from '../db/open.js';
import { AtomicFile } from '../io/atomic-file.js';
import { InputError, msg } from '../errors.js';
import { localTimestamp } from '../local-time.js';
import { forEachAudit, planAudit } from './audit-run.js';
import type { AuditedCadre } from './audit-view.js';

function closedAt(db: DB, year: number | null): string | null {
  if (year === null) return null;
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'year_closes'").get()) return null;
  const row = db.prepare('SELECT closed_at FROM year_closes WHERE year = ?').get(year) as { closed_at: string } | undefined;
  return row?.closed_at ?? null;
}

/** The certificate's content from today's records: one cadre, its term as of the scope's date, every record. */
export async function certificateContent(
  ctx: Context,
  learnerId: string,
  scope: CertificateScope,
  own: { serial: string; issuedAt: string; office: { zh: string; en: string } },
): Promise<{ content: CertificateContent; audited: AuditedCadre }> {
  const policy = ctx.policy();
  const plan = planAudit(ctx, scope.kind === 'year' ? { learnerIds: [learnerId], year: String(scope.year) } : { learnerIds: [learnerId], asOf: scope.asOf });
  if (!plan.jobs.length) throw new InputError(msg('certs.notInView', { id: learnerId.trim().toUpperCase(), asOf: plan.ev.cutoff }), [], msg('certs.fix.notInView'));
  let audited: AuditedCadre | undefined;
  await forEachAudit(ctx, plan, (a) => (audited = a), null);
  const { cadre, audit } = audited!;
  const year = scope.kind === 'year' ? scope.year : null;
  const content = buildCertificate({
    serial: own.serial,
    issuedAt: own.issuedAt,
    office: own.office,
    learner: { id: cadre.learnerId, staffNo: cadre.staffNo, name: cadre.name, department: cadre.department },
    scope,
    asOf: plan.ev.cutoff,
    audit,
    yearClosedAt: closedAt(ctx.db({ readOnly: true }), year),
    yearSpan: year === null ? null : { from: yearStartDate(year, policy), to: yearEndDate(year, policy) },
    courseTitles: new Map(listCourses(ctx.db({ readOnly: true })).map((c) => [c.code, c.title])),
  });
  return { content, audited: audited! };
}

export interface Issued {
  content: CertificateContent;
  code: string;
  bytes: number;
}

/**
 * Issues a certificate: the content and its code made and the PDF written to
 * its temporary outside the write; then, in one IMMEDIATE transaction, the
 * check that nothing was written meanwhile (the journal's head: every write
 * journals), the serial taken, the key stored if it is the first, the
 * certificate and its journal entry; the file is put in place only after.
 * A failure anywhere leaves neither a file nor a certificate on record.
 */
export async function issueCertificate(ctx: Context, learnerId: string, scope: CertificateScope | { kind: 'year'; year: number }, out: OutFile): Promise<Issued> {
  const db = ctx.db();
  const head = journalHead(db);
  const now = ctx.now();
  const issuedAt = localTimestamp(now);
  const issueYear = Number(ctx.today().slice(0, 4));
  const number = peekSerialNumber(db, issueYear);
  const serial = formatSerial(issueYear, number);
  const { content, audited } = await certificateContent(ctx, learnerId, scope, { serial, issuedAt, office: ctx.policy().office });
  const canonical = canonicalJson(content);
  const signer = certificateSigner(db);
  const code = signer.sign(canonical);
  const { renderCertificatePdf } = await import('./certificate-pdf.js');
  const pdf = await renderCertificatePdf(ctx, content, code, now);
  const file = new AtomicFile(out.path, outOptions(out));
  try {
    file.write(pdf);
    file.flush();
    db.transaction(() => {
      if (journalHead(db) !== head || nextSerialNumber(db, issueYear) !== number) throw new InputError(msg('certs.raced'), [], msg('certs.fix.raced'));
      signer.persist();
      insertCertificate(db, {
        serial,
        code,
        cadreId: audited.cadre.id,
        learnerId: audited.cadre.learnerId,
        scope: content.scope.kind === 'year' ? `year:${content.scope.year}` : `term:${content.scope.as_of}`,
        issuedAt,
        operator: ctx.operator,
        contentSha256: sha256(canonical),
        content: canonical,
      });
      const journalId = recordJournal(db, ctx, {
        command: 'certificate',
        args: { learner_id: audited.cadre.learnerId, scope: content.scope.kind, year: content.scope.year, as_of: content.scope.as_of, serial, code, out: path.basename(out.path) },
        counts: { hours: content.records.hours.length, essays: content.records.essays.length, training: content.records.training.length, exams: content.records.exams.length },
        learnerIds: [audited.cadre.learnerId],
      });
      setCertificateJournal(db, serial, journalId);
    }).immediate();
    file.commit();
  } catch (e) {
    file.discard();
    throw e;
  }
  return { content, code, bytes: pdf.length };
}

export type Verdict =
  | { result: 'match' | 'changed'; row: CertificateRow; issued: CertificateContent; changes: CertificateChange[] }
  | { result: 'unknown'; code: string | null; serial: string | null }
  | { result: 'forged'; code: string | null; serial: string | null };

/**
 * `CADRE-CERT:serial:code` in a PDF's bytes: the certificate's keywords,
 * written uncompressed in its document information. A PDF made again by
 * another program (printed to PDF, scanned) may not carry them: its code is
 * then typed from the page or scanned from the QR code.
 */
export function codeInPdf(bytes: Buffer): string | null {
  const raw = /CADRE-CERT:\d{4}-\d{6}:[A-Z2-7]{4}(?:-[A-Z2-7]{4}){4}/.exec(bytes.toString('latin1'));
  return raw ? raw[0] : null;
}

/** A file named on the command line (it exists, or it is named as a PDF), rather than a code. */
export function looksLikeFile(ctx: Context, arg: string): string | null {
  const abs = path.resolve(ctx.cwd, arg);
  if (/\.pdf$/i.test(arg) || fs.existsSync(abs)) return abs;
  return null;
}

/**
 * Whether the certificate with this code is one this database issued, its
 * stored content intact (its hash and its code with the key), and whether
 * today's records give the same content.
 */
export async function verifyCertificate(ctx: Context, typed: string): Promise<Verdict> {
  const parsed = parseCode(typed);
  if (!parsed) return { result: 'unknown', code: null, serial: null };
  const db = ctx.db({ readOnly: true });
  const row = certificateByCode(db, parsed.code);
  if (!row) {
    // A serial this database issued with another code: the code was altered or made up.
    const bySerial = parsed.serial !== null ? certificateBySerial(db, parsed.serial) : undefined;
    return { result: bySerial ? 'forged' : 'unknown', code: parsed.code, serial: parsed.serial };
  }
  if ((parsed.serial !== null && parsed.serial !== row.serial) || sha256(row.content) !== row.contentSha256 || codeWithKey(db, row.content) !== row.code) {
    return { result: 'forged', code: parsed.code, serial: parsed.serial ?? row.serial };
  }
  const issued = JSON.parse(row.content) as CertificateContent;
  const scope: CertificateScope = issued.scope.kind === 'year' ? { kind: 'year', year: issued.scope.year! } : { kind: 'term', asOf: issued.scope.as_of };
  let changes: CertificateChange[];
  try {
    const { content } = await certificateContent(ctx, issued.learner.id, scope, { serial: issued.serial, issuedAt: issued.issued_at, office: issued.office });
    changes = diffCertificates(issued, content);
  } catch (e) {
    // The cadre is no longer on file, or has no term at the certificate's date.
    if (!(e instanceof InputError)) throw e;
    changes = [{ field: 'learner', item: 'on_file', before: issued.learner.id, after: null }];
  }
  return { result: changes.length ? 'changed' : 'match', row, issued, changes };
}
