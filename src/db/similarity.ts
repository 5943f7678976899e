/**
 * Essay texts, fingerprints, reference texts and similarity reports (the
 * algorithm is src/core/similarity.ts).
 *
 * A new essay's fingerprints are looked up by hash in `essay_prints` and
 * `reference_prints`, each lookup bounded by the 套话 cut-off: no stored text
 * is read to find the candidates. Only the candidates sharing most
 * fingerprints (the policy's `candidates`) have their texts read and aligned.
 * An essay is compared with the essays submitted on or before its own day;
 * storing an essay also re-checks the stored essays dated after it among
 * those sharing most of its fingerprints, so the order essays are entered in
 * changes nothing.
 *
 * Every function here runs inside the caller's write transaction (or reads).
 */
import { versionChain } from './reviews.js';
import zlib from 'node:zlib';
import {
  commonCutoff,
  compareEssay,
  holdReason,
  distinctHashes,
  fingerprints,
  keyOf,
  type Keyed,
  type Print,
  type SimilarityReport,
  type SimilaritySettings,
  type Source,
  type SourceKind,
} from '../core/similarity.js';
import { InputError, msg } from '../errors.js';
import type { DB } from './open.js';

type Statement = import('better-sqlite3').Statement<unknown[]>;

/**
 * The statements of the hot paths, prepared once per connection (preparing
 * costs more than running them on one essay).
 */
const statements = new WeakMap<DB, Map<string, Statement>>();
function stmt(db: DB, sql: string): Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare(sql)));
  return st;
}

/**
 * Brotli at quality 2: a 3,500-字 essay compresses in about a quarter of the
 * time of quality 5 (indexing 10,000 essays spent a third of its time
 * there), for 15 % more bytes; reading is as fast.
 */
export function compressText(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return zlib.brotliCompressSync(bytes, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 2, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
}

export function decompressText(body: Uint8Array): string {
  return zlib.brotliDecompressSync(body).toString('utf8');
}

function hashesBlob(hashes: Int32Array): Buffer {
  const b = Buffer.alloc(hashes.length * 4);
  for (let i = 0; i < hashes.length; i++) b.writeInt32LE(hashes[i], i * 4);
  return b;
}

/** The settings a connection found recorded in its database (they never change once recorded). */
const settingsSeen = new WeakMap<DB, string>();

function blobHashes(b: Uint8Array): Int32Array {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const out = new Int32Array(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt32LE(i * 4);
  return out;
}

/**
 * The k-gram length and window this database's fingerprints were made with,
 * recorded with the first; a policy with others is refused (the stored
 * fingerprints could not be compared with the new ones).
 */
export function checkPrintSettings(db: DB, s: SimilaritySettings, write: boolean): void {
  if (settingsSeen.get(db) === `${s.k},${s.window}`) return;
  const get = stmt(db, 'SELECT value FROM counters WHERE name = ?');
  const k = get.get('similarity_k') as { value: number } | undefined;
  const w = get.get('similarity_window') as { value: number } | undefined;
  if (k && w) {
    if (k.value !== s.k || w.value !== s.window) {
      throw new InputError(msg('essays.settingsDiffer', { k: s.k, window: s.window, dbK: k.value, dbWindow: w.value }), [], msg('essays.fix.settingsDiffer', { dbK: k.value, dbWindow: w.value }));
    }
    // Read, not written by this transaction (which could still roll back): remembered.
    settingsSeen.set(db, `${s.k},${s.window}`);
    return;
  }
  if (!write) return;
  const put = db.prepare('INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)');
  put.run('similarity_k', s.k);
  put.run('similarity_window', s.window);
}

/**
 * The fingerprint index is read and written at random places (it is in hash
 * order): a page cache of 64 MB keeps most of it in memory for this connection,
 * instead of SQLite's 2 MB.
 */
const bigCached = new WeakSet<DB>();
function bigCache(db: DB): void {
  if (bigCached.has(db)) return;
  if ((db.pragma('cache_size', { simple: true }) as number) > -65536) db.pragma('cache_size = -65536');
  bigCached.add(db);
}

/** An essay's text keyed, its fingerprints and their distinct hashes: made once when it is stored, and used again to compare it. */
export interface Printed {
  keyed: Keyed;
  prints: Print[];
  hashes: Int32Array;
}

function printed(text: string, s: SimilaritySettings): Printed {
  const keyed = keyOf(text);
  const prints = fingerprints(keyed, s);
  return { keyed, prints, hashes: distinctHashes(prints) };
}

/** Stores an essay's text (unless the policy keeps fingerprints only) and its fingerprints; returns them. */
export function storeEssayText(db: DB, essayId: number, text: string, sha256: string, s: SimilaritySettings, storedAt: string): Printed {
  checkPrintSettings(db, s, true);
  bigCache(db);
  const made = printed(text, s);
  const hashes = made.hashes;
  // One statement for all of them (a JSON array), in hash order.
  stmt(db, 'INSERT OR IGNORE INTO essay_prints (hash, essay_id) SELECT value, ? FROM json_each(?)').run(essayId, JSON.stringify(Array.from(hashes)));
  stmt(db, 'INSERT OR REPLACE INTO essay_texts (essay_id, sha256, body, hashes, stored_at) VALUES (?, ?, ?, ?, ?)').run(essayId, sha256, s.keepText ? compressText(text) : null, hashesBlob(hashes), storedAt);
  return made;
}

/** Removes an essay's text, fingerprints and report (before the essay itself is deleted). */
export function dropEssayText(db: DB, essayId: number): void {
  const row = db.prepare('SELECT hashes FROM essay_texts WHERE essay_id = ?').get(essayId) as { hashes: Uint8Array } | undefined;
  if (row) {
    const del = db.prepare('DELETE FROM essay_prints WHERE hash = ? AND essay_id = ?');
    for (const h of blobHashes(row.hashes)) del.run(h, essayId);
    db.prepare('DELETE FROM essay_texts WHERE essay_id = ?').run(essayId);
  }
  db.prepare('DELETE FROM essay_similarity WHERE essay_id = ?').run(essayId);
}

/** The stored text of an essay: undefined when none was stored, null when only its fingerprints were kept. */
export function essayText(db: DB, essayId: number): string | null | undefined {
  const row = db.prepare('SELECT body FROM essay_texts WHERE essay_id = ?').get(essayId) as { body: Uint8Array | null } | undefined;
  if (!row) return undefined;
  return row.body ? decompressText(row.body) : null;
}

export interface ReferenceRow {
  id: number;
  title: string;
  file_name: string;
  sha256: string;
  chars: number;
  added_at: string;
  added_by: string;
}

/** Registers a reference text; returns its id and whether the same file was registered already. */
export function addReference(db: DB, r: { title: string; fileName: string; sha256: string; text: string; chars: number; addedAt: string; addedBy: string }, s: SimilaritySettings): { id: number; existed: boolean } {
  const found = db.prepare('SELECT id FROM reference_texts WHERE sha256 = ?').get(r.sha256) as { id: number } | undefined;
  if (found) return { id: found.id, existed: true };
  checkPrintSettings(db, s, true);
  const hashes = distinctHashes(fingerprints(keyOf(r.text), s));
  const info = db
    .prepare('INSERT INTO reference_texts (title, file_name, sha256, chars, body, hashes, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(r.title, r.fileName, r.sha256, r.chars, compressText(r.text), hashesBlob(hashes), r.addedAt, r.addedBy);
  const id = Number(info.lastInsertRowid);
  const ins = db.prepare('INSERT OR IGNORE INTO reference_prints (hash, reference_id) VALUES (?, ?)');
  for (const h of hashes) ins.run(h, id);
  return { id, existed: false };
}

export function listReferences(db: DB): ReferenceRow[] {
  return db.prepare('SELECT id, title, file_name, sha256, chars, added_at, added_by FROM reference_texts ORDER BY id').all() as ReferenceRow[];
}

export interface StoredSource {
  kind: SourceKind;
  id: number;
  zi: number;
  permille: number;
}

export interface EssayCheck {
  report: SimilarityReport;
  /** How many stored essays and references the essay was compared with. */
  essaysCompared: number;
  referencesCompared: number;
  /** The sources' texts (when kept), for showing passages. */
  texts: Map<string, Keyed>;
  /** Stored essays dated after this one that share its fingerprints (to be re-checked). */
  later: number[];
  /** Set when the essay was held for review on being stored, with the status it was recorded with. */
  held?: 'copied' | 'self';
  statusWas?: string | null;
}

interface EssayMeta {
  id: number;
  cadre_id: number;
  submitted_on: string;
  kept: number;
}

export const sourceKey = (kind: SourceKind, id: number): string => `${kind === 'reference' ? 'r' : 'e'}${id}`;

/**
 * Compares a stored essay with every stored essay submitted on or before its
 * day and with every reference. `text`: the essay's text when it is not kept
 * in the database (the policy keeps fingerprints only).
 */
export function compareStoredEssay(db: DB, essayId: number, s: SimilaritySettings, text?: string, made?: Printed): EssayCheck | null {
  // The text given (just stored, or not kept): its body is not read.
  const own = stmt(db, `SELECT e.id, e.cadre_id, e.submitted_on, ${text !== undefined ? 'NULL' : 't.body'} AS body FROM essays e JOIN essay_texts t ON t.essay_id = e.id WHERE e.id = ?`).get(essayId) as
    | { id: number; cadre_id: number; submitted_on: string; body: Uint8Array | null }
    | undefined;
  if (!own) return null;
  const body = text ?? (own.body ? decompressText(own.body) : null);
  // The other versions of this essay (what it resubmits after 退回修改, what resubmits it) are not
  // sources: a revised essay is mostly its original, and is no recycling of it.
  const versions = new Set(versionChain(db, essayId));
  if (body === null) return null;
  bigCache(db);
  const { keyed, prints, hashes } = made && made.keyed.text === body ? made : printed(body, s);
  const stored = stmt(db, 'SELECT count(*) FROM essay_texts').pluck().get() as number;
  const cutoff = commonCutoff(stored, s);
  // Every fingerprint's essays (at most cutoff + 2: more is 套话 anyway) in one statement, as JSON
  // (one statement per fingerprint cost more than the lookups themselves), made by joining the ids
  // as text: building it with SQLite's JSON functions cost a sixth more than the lookups.
  const found = JSON.parse(
    stmt(
      db,
      "SELECT coalesce('[' || group_concat('[' || coalesce((SELECT group_concat(essay_id) FROM (SELECT essay_id FROM essay_prints p WHERE p.hash = j.value LIMIT ?)), '') || ']', ',' ORDER BY j.key) || ']', '[]') FROM json_each(?) j",
    )
      .pluck()
      .get(cutoff + 2, JSON.stringify(Array.from(hashes))) as string,
  ) as number[][];
  const common = new Set<number>();
  const rare: number[] = [];
  const shares = new Map<number, number>();
  const other = (id: number) => id !== essayId && !versions.has(id);
  for (let x = 0; x < hashes.length; x++) {
    const ids = found[x];
    const others = versions.size ? ids.filter(other).length : ids.includes(essayId) ? ids.length - 1 : ids.length;
    if (others > cutoff) {
      common.add(hashes[x]);
      continue;
    }
    rare.push(hashes[x]);
    for (const id of ids) if (other(id)) shares.set(id, (shares.get(id) ?? 0) + 1);
  }
  /** The fingerprints an essay shares with this one (for a source known by its fingerprints only). */
  const sharedWith = (id: number): Set<number> => {
    const out = new Set<number>();
    for (let x = 0; x < hashes.length; x++) if (!common.has(hashes[x]) && found[x].includes(id)) out.add(hashes[x]);
    return out;
  };
  const refShared = new Map<number, number[]>();
  if (rare.length && (stmt(db, 'SELECT EXISTS (SELECT 1 FROM reference_prints)').pluck().get() as number)) {
    for (const [id, h] of stmt(db, 'SELECT r.reference_id, j.value FROM json_each(?) j JOIN reference_prints r ON r.hash = j.value').raw().all(JSON.stringify(rare)) as [number, number][]) {
      let l = refShared.get(id);
      if (!l) refShared.set(id, (l = []));
      l.push(h);
    }
  }
  // The essays sharing most fingerprints first (then by id), read in slices until enough
  // earlier-dated ones are found: a topic's essays can share a fingerprint or two with thousands
  // of others. Sorted as numbers: (hashes − shares) × 2^32 + id.
  const keys = new Float64Array(shares.size);
  let nk = 0;
  for (const [id, n] of shares) keys[nk++] = (hashes.length - n) * 2 ** 32 + id;
  keys.sort();
  const ranked = Array.from(keys, (v) => v % 2 ** 32);
  const meta = stmt(db, 'SELECT e.id, e.cadre_id, e.submitted_on, t.body IS NOT NULL AS kept FROM essays e JOIN essay_texts t ON t.essay_id = e.id WHERE e.id IN (SELECT value FROM json_each(?))');
  const chosen: EssayMeta[] = [];
  const later: number[] = [];
  const SLICE = 4 * s.candidates;
  for (let at = 0; at < ranked.length && (chosen.length < s.candidates || at < 2 * s.candidates); at += SLICE) {
    const slice = ranked.slice(at, at + SLICE);
    const byId = new Map((meta.all(JSON.stringify(slice)) as EssayMeta[]).map((m) => [m.id, m]));
    for (const id of slice) {
      const m = byId.get(id);
      if (!m) continue;
      if (m.submitted_on <= own.submitted_on) {
        if (chosen.length < s.candidates) chosen.push(m);
      } else if (m.kept) later.push(m.id);
    }
  }
  const refs = [...refShared.keys()].sort((a, b) => refShared.get(b)!.length - refShared.get(a)!.length || a - b).slice(0, s.candidates);
  const texts = new Map<string, Keyed>();
  const bodyOf = stmt(db, 'SELECT body FROM essay_texts WHERE essay_id = ?').pluck();
  const refBody = stmt(db, 'SELECT body FROM reference_texts WHERE id = ?').pluck();
  const sources: Source[] = [];
  for (const m of chosen) {
    const b = m.kept ? (bodyOf.get(m.id) as Uint8Array | null) : null;
    const k = b ? keyOf(decompressText(b)) : null;
    if (k) texts.set(sourceKey('other', m.id), k);
    sources.push({ kind: m.cadre_id === own.cadre_id ? 'self' : 'other', id: m.id, keyed: k, shared: k ? new Set() : sharedWith(m.id) });
  }
  for (const id of refs) {
    const k = keyOf(decompressText(refBody.get(id) as Uint8Array));
    texts.set(sourceKey('reference', id), k);
    sources.push({ kind: 'reference', id, keyed: k, shared: new Set(refShared.get(id)) });
  }
  const report = compareEssay(keyed, prints, common, sources, s);
  return { report, essaysCompared: Math.max(0, stored - 1), referencesCompared: stmt(db, 'SELECT count(*) FROM reference_texts').pluck().get() as number, texts, later };
}

/** Saves an essay's latest comparison. */
export function saveReport(db: DB, essayId: number, r: SimilarityReport, checkedAt: string): void {
  const sources: StoredSource[] = r.sources.slice(0, 10).map((x) => ({ kind: x.kind, id: x.id, zi: x.zi, permille: x.permille }));
  // A hold and a reviewer's verdict stay when the figures are renewed.
  db.prepare(
    `INSERT INTO essay_similarity (essay_id, checked_at, zi, others_zi, self_zi, quoted_zi, others_permille, self_permille, sources)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (essay_id) DO UPDATE SET checked_at = excluded.checked_at, zi = excluded.zi, others_zi = excluded.others_zi, self_zi = excluded.self_zi,
       quoted_zi = excluded.quoted_zi, others_permille = excluded.others_permille, self_permille = excluded.self_permille, sources = excluded.sources`,
  ).run(essayId, checkedAt, r.zi, r.othersZi, r.selfZi, r.quotedZi, r.othersPermille, r.selfPermille, JSON.stringify(sources));
}

/**
 * Stores a new essay's text and fingerprints, compares it, saves its report
 * and re-checks the stored essays dated after it that share its fingerprints.
 */
export function indexAndCheck(db: DB, essayId: number, text: string, sha256: string, s: SimilaritySettings, at: string): EssayCheck | null {
  const made = storeEssayText(db, essayId, text, sha256, s, at);
  const check = compareStoredEssay(db, essayId, s, text, made);
  if (!check) return null;
  saveReport(db, essayId, check.report, at);
  // At or over a threshold: held for review. An essay recorded as approved waits as pending.
  const held = holdReason(check.report, s);
  if (held) {
    db.prepare('UPDATE essay_similarity SET held = ? WHERE essay_id = ?').run(held, essayId);
    check.held = held;
    check.statusWas = (db.prepare('SELECT status FROM essays WHERE id = ?').pluck().get(essayId) as string) ?? null;
    db.prepare("UPDATE essays SET status = 'pending' WHERE id = ? AND status = 'approved'").run(essayId);
  }
  for (const id of check.later) {
    const again = compareStoredEssay(db, id, s);
    if (again) saveReport(db, id, again.report, at);
  }
  return check;
}

export interface StoredReport {
  essay_id: number;
  checked_at: string;
  zi: number;
  others_zi: number;
  self_zi: number;
  quoted_zi: number;
  others_permille: number;
  self_permille: number;
  sources: StoredSource[];
}

export function storedReport(db: DB, essayId: number): StoredReport | undefined {
  const row = db.prepare('SELECT * FROM essay_similarity WHERE essay_id = ?').get(essayId) as (Omit<StoredReport, 'sources'> & { sources: string }) | undefined;
  return row ? { ...row, sources: JSON.parse(row.sources) as StoredSource[] } : undefined;
}

export interface SourceInfo {
  kind: SourceKind;
  id: number;
  /** An essay's learner ID, name, title and date; a reference's title. */
  learner_id: string | null;
  name: string | null;
  title: string;
  submitted_on: string | null;
}

/** What the sources of a report are, for showing them. */
export function describeSources(db: DB, sources: readonly { kind: SourceKind; id: number }[]): Map<string, SourceInfo> {
  const out = new Map<string, SourceInfo>();
  const essay = db.prepare('SELECT e.title, e.submitted_on, c.learner_id, c.name FROM essays e JOIN cadres c ON c.id = e.cadre_id WHERE e.id = ?');
  const ref = db.prepare('SELECT title FROM reference_texts WHERE id = ?');
  for (const s of sources) {
    if (s.kind === 'reference') {
      const r = ref.get(s.id) as { title: string } | undefined;
      out.set(sourceKey(s.kind, s.id), { kind: s.kind, id: s.id, learner_id: null, name: null, title: r?.title ?? '', submitted_on: null });
    } else {
      const e = essay.get(s.id) as { title: string; submitted_on: string; learner_id: string; name: string } | undefined;
      out.set(sourceKey(s.kind, s.id), { kind: s.kind, id: s.id, learner_id: e?.learner_id ?? null, name: e?.name ?? null, title: e?.title ?? '', submitted_on: e?.submitted_on ?? null });
    }
  }
  return out;
}

export interface FlaggedRow {
  essay_id: number;
  learner_id: string;
  name: string;
  department: string;
  kind: string;
  title: string;
  submitted_on: string;
  status: string;
  zi: number;
  others_permille: number;
  self_permille: number;
  quoted_zi: number;
  sources: string;
}

/** The compared essays submitted between two dates (an academic year), optionally of one department, at least `overPermille` copied or repeated. */
export function essaysBySimilarity(db: DB, from: string, to: string, department: string | undefined, overPermille: number): FlaggedRow[] {
  return db
    .prepare(
      `SELECT e.id AS essay_id, c.learner_id, c.name, c.department, e.kind, e.title, e.submitted_on, e.status,
              s.zi, s.others_permille, s.self_permille, s.quoted_zi, s.sources
       FROM essay_similarity s JOIN essays e ON e.id = s.essay_id JOIN cadres c ON c.id = e.cadre_id
       WHERE e.submitted_on BETWEEN ? AND ? AND (? IS NULL OR c.department = ?)
         AND max(s.others_permille, s.self_permille) >= ?
       ORDER BY max(s.others_permille, s.self_permille) DESC, e.id`,
    )
    .all(from, to, department ?? null, department ?? null, overPermille) as FlaggedRow[];
}

export interface Hold {
  held: 'copied' | 'self' | null;
  others_permille: number;
  self_permille: number;
  override_reason: string | null;
}

/** An essay's hold for review, if it has a report. */
export function essayHold(db: DB, essayId: number): Hold | undefined {
  return db.prepare('SELECT held, others_permille, self_permille, override_reason FROM essay_similarity WHERE essay_id = ?').get(essayId) as Hold | undefined;
}

/** A reviewer's verdict overriding a hold: the reason, who and when. */
export function overrideHold(db: DB, essayId: number, reason: string, by: string, at: string): void {
  db.prepare('UPDATE essay_similarity SET override_reason = ?, overridden_by = ?, overridden_at = ? WHERE essay_id = ?').run(reason, by, at, essayId);
}
