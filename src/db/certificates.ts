/**
 * Certificates of study as the database keeps them, and the key their
 * verification codes are made with. The key never leaves this module: callers
 * hand it a canonical content and get the code back (HMAC-SHA256 with the key,
 * src/core/certificate.ts formats it), so no command, message or journal entry
 * can print it.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { formatCode } from '../core/certificate.js';
import type { DB } from './open.js';

const KEY_NAME = 'certificate_key';

export interface CertificateRow {
  serial: string;
  code: string;
  cadreId: number;
  learnerId: string;
  scope: string;
  issuedAt: string;
  operator: string;
  journalId: number | null;
  contentSha256: string;
  content: string;
}

const COLUMNS =
  'serial, code, cadre_id AS cadreId, learner_id AS learnerId, scope, issued_at AS issuedAt, operator, journal_id AS journalId, content_sha256 AS contentSha256, content';

/** A database of a version before certificates (a read never upgrades) holds none. */
export function hasCertificates(db: DB): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'certificates'").get() !== undefined;
}

function keyOf(db: DB): Buffer | undefined {
  const row = db.prepare('SELECT value FROM secrets WHERE name = ?').get(KEY_NAME) as { value: Buffer } | undefined;
  return row?.value;
}

function hmac(key: Buffer, canonical: string): string {
  return formatCode(createHmac('sha256', key).update(canonical, 'utf8').digest());
}

/**
 * What signs a certificate before it is stored: the database's key, or a new
 * one (32 random bytes) if it has none yet, which `persist()` stores in the
 * caller's write transaction. The key stays in this closure.
 */
export function certificateSigner(db: DB): { sign(canonical: string): string; persist(): void } {
  const stored = keyOf(db);
  const key = stored ?? randomBytes(32);
  return {
    sign: (canonical) => hmac(key, canonical),
    persist: () => {
      if (stored) return;
      // Another run may have made the key meanwhile: then its key stands and this one is refused (the caller's check of the journal's head says so first).
      db.prepare('INSERT INTO secrets (name, value) VALUES (?, ?)').run(KEY_NAME, key);
    },
  };
}

/** The code this database's key gives `canonical`, or null when it has no key (it never issued a certificate). */
export function codeWithKey(db: DB, canonical: string): string | null {
  if (!hasCertificates(db)) return null;
  const key = keyOf(db);
  return key ? hmac(key, canonical) : null;
}

/** The next serial's counter for the year of issue (`2026` → 1, 2, …), in the caller's transaction. */
export function nextSerialNumber(db: DB, year: number): number {
  const row = db
    .prepare('INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value')
    .get(`certificate:${year}`) as { value: number };
  return row.value;
}

/** The number the next certificate of `year` will take (read, not taken: nextSerialNumber takes it). */
export function peekSerialNumber(db: DB, year: number): number {
  const row = db.prepare('SELECT value FROM counters WHERE name = ?').get(`certificate:${year}`) as { value: number } | undefined;
  return (row?.value ?? 0) + 1;
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function insertCertificate(db: DB, row: Omit<CertificateRow, 'journalId'>): void {
  db.prepare(
    'INSERT INTO certificates (serial, code, cadre_id, learner_id, scope, issued_at, operator, content_sha256, content) VALUES (@serial, @code, @cadreId, @learnerId, @scope, @issuedAt, @operator, @contentSha256, @content)',
  ).run(row);
}

export function setCertificateJournal(db: DB, serial: string, journalId: number): void {
  db.prepare('UPDATE certificates SET journal_id = ? WHERE serial = ?').run(journalId, serial);
}

export function certificateByCode(db: DB, code: string): CertificateRow | undefined {
  if (!hasCertificates(db)) return undefined;
  return db.prepare(`SELECT ${COLUMNS} FROM certificates WHERE code = ?`).get(code) as CertificateRow | undefined;
}

export function certificateBySerial(db: DB, serial: string): CertificateRow | undefined {
  if (!hasCertificates(db)) return undefined;
  return db.prepare(`SELECT ${COLUMNS} FROM certificates WHERE serial = ?`).get(serial) as CertificateRow | undefined;
}
