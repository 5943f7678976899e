/**
 * Numbered, forward-only migrations. `PRAGMA user_version` records the last
 * one applied; each runs in its own IMMEDIATE transaction together with the
 * version bump, so a crash leaves either the old schema or the new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT;

CREATE TABLE cadres (
  id          INTEGER PRIMARY KEY,
  learner_id  TEXT NOT NULL UNIQUE,
  staff_no    TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  department  TEXT NOT NULL,
  phone       TEXT,
  email       TEXT,
  left_on     TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;

-- One row per appointment; each opens a series of terms (see src/core/terms.ts).
CREATE TABLE appointments (
  id            INTEGER PRIMARY KEY,
  cadre_id      INTEGER NOT NULL REFERENCES cadres(id),
  rank          TEXT NOT NULL CHECK (rank IN ('division', 'section')),
  rank_title    TEXT NOT NULL,
  appointed_on  TEXT NOT NULL,
  recorded_at   TEXT NOT NULL,
  UNIQUE (cadre_id, appointed_on)
) STRICT;

CREATE TABLE accounts (
  cadre_id      INTEGER PRIMARY KEY REFERENCES cadres(id),
  password_hash TEXT NOT NULL,
  initial_hash  TEXT,
  must_change   INTEGER NOT NULL CHECK (must_change IN (0, 1)),
  issued_at     TEXT NOT NULL,
  changed_at    TEXT,
  locked_until  TEXT
) STRICT;

CREATE TABLE login_attempts (
  id        INTEGER PRIMARY KEY,
  cadre_id  INTEGER NOT NULL REFERENCES cadres(id),
  at        TEXT NOT NULL,
  ok        INTEGER NOT NULL CHECK (ok IN (0, 1))
) STRICT;
CREATE INDEX login_attempts_by_cadre ON login_attempts (cadre_id, at);

-- One row per imported file.
CREATE TABLE batches (
  id              INTEGER PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('roster', 'hours', 'training', 'exams', 'essays')),
  file_name       TEXT NOT NULL,
  sha256          TEXT NOT NULL,
  imported_at     TEXT NOT NULL,
  operator        TEXT NOT NULL,
  rows_read       INTEGER NOT NULL,
  rows_new        INTEGER NOT NULL,
  rows_duplicate  INTEGER NOT NULL,
  rows_rejected   INTEGER NOT NULL,
  undone_at       TEXT
) STRICT;
CREATE UNIQUE INDEX batches_live_file ON batches (kind, sha256) WHERE undone_at IS NULL;

CREATE TABLE courses (
  code        TEXT PRIMARY KEY,
  title       TEXT,
  quarters    INTEGER NOT NULL CHECK (quarters > 0),
  created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE designations (
  year           INTEGER NOT NULL,
  rank           TEXT NOT NULL CHECK (rank IN ('division', 'section')),
  course_code    TEXT NOT NULL REFERENCES courses(code),
  designated_at  TEXT NOT NULL,
  PRIMARY KEY (year, rank, course_code)
) STRICT;

-- Platform study records. Distinct (cadre, course, date); the audit counts a
-- course once per term, its earliest record. batch_id/line: the first import
-- that carried it; further batches that carried it too are in record_sources.
CREATE TABLE hours (
  id            INTEGER PRIMARY KEY,
  cadre_id      INTEGER NOT NULL REFERENCES cadres(id),
  course_code   TEXT NOT NULL REFERENCES courses(code),
  completed_on  TEXT NOT NULL,
  quarters      INTEGER NOT NULL CHECK (quarters > 0),
  batch_id      INTEGER REFERENCES batches(id),
  line          INTEGER,
  entered_by    TEXT NOT NULL,
  UNIQUE (cadre_id, course_code, completed_on)
) STRICT;

CREATE TABLE training (
  id           INTEGER PRIMARY KEY,
  cadre_id     INTEGER NOT NULL REFERENCES cadres(id),
  topic        TEXT NOT NULL,
  topic_key    TEXT NOT NULL,
  attended_on  TEXT NOT NULL,
  batch_id     INTEGER REFERENCES batches(id),
  line         INTEGER,
  entered_by   TEXT NOT NULL,
  UNIQUE (cadre_id, topic_key, attended_on)
) STRICT;

CREATE TABLE essays (
  id            INTEGER PRIMARY KEY,
  cadre_id      INTEGER NOT NULL REFERENCES cadres(id),
  kind          TEXT NOT NULL CHECK (kind IN ('reflection', 'report')),
  title         TEXT NOT NULL,
  submitted_on  TEXT NOT NULL,
  chars         INTEGER NOT NULL CHECK (chars >= 0),
  status        TEXT NOT NULL CHECK (status IN ('approved', 'pending', 'rejected')),
  file_sha256   TEXT,
  batch_id      INTEGER REFERENCES batches(id),
  line          INTEGER,
  entered_by    TEXT NOT NULL,
  reviewed_at   TEXT,
  UNIQUE (cadre_id, kind, title, submitted_on)
) STRICT;

CREATE TABLE exams (
  id            INTEGER PRIMARY KEY,
  cadre_id      INTEGER NOT NULL REFERENCES cadres(id),
  exam          TEXT NOT NULL,
  taken_on      TEXT NOT NULL,
  score_tenths  INTEGER NOT NULL CHECK (score_tenths BETWEEN 0 AND 1000),
  batch_id      INTEGER REFERENCES batches(id),
  line          INTEGER,
  entered_by    TEXT NOT NULL,
  UNIQUE (cadre_id, exam, taken_on)
) STRICT;

-- Further batches that carried a record already on file (it stays while any vouches for it).
CREATE TABLE record_sources (
  kind       TEXT NOT NULL CHECK (kind IN ('hours', 'training', 'essays', 'exams')),
  record_id  INTEGER NOT NULL,
  batch_id   INTEGER NOT NULL REFERENCES batches(id),
  line       INTEGER NOT NULL,
  PRIMARY KEY (kind, record_id, batch_id)
) STRICT;
CREATE INDEX record_sources_by_batch ON record_sources (batch_id);

CREATE TABLE exemptions (
  id            INTEGER PRIMARY KEY,
  cadre_id      INTEGER NOT NULL REFERENCES cadres(id),
  requirement   TEXT NOT NULL CHECK (requirement IN ('total', 'training', 'report', 'hours', 'required', 'reflection')),
  year          INTEGER,
  reason        TEXT NOT NULL,
  granted_by    TEXT NOT NULL,
  granted_at    TEXT NOT NULL,
  revoked_at    TEXT
) STRICT;

CREATE TABLE journal (
  id            INTEGER PRIMARY KEY,
  at            TEXT NOT NULL,
  operator      TEXT NOT NULL,
  command       TEXT NOT NULL,
  args          TEXT NOT NULL,
  input_sha256  TEXT,
  counts        TEXT,
  learner_ids   TEXT
) STRICT;
CREATE INDEX journal_by_time ON journal (at);
`,
  },
  {
    version: 2,
    name: 'hours by cadre and date, covering',
    // The audit reads each cadre's hours inside its term's window: this index holds every column
    // it reads, in cadre and date order, so the read never visits the table. Without it, a
    // database filled week by week has each cadre's rows spread over every week's pages.
    sql: `CREATE INDEX hours_by_cadre_day ON hours (cadre_id, completed_on, course_code, quarters);`,
  },
  {
    version: 3,
    name: 'record sources keyed by themselves',
    // A file whose rows are on file already vouches for each of them: a weekly export that repeats
    // last week's rows writes one voucher per row. Kept in its key's order (WITHOUT ROWID), a
    // voucher is written into two B-trees instead of three: a million vouchers about 40 % sooner.
    // The same columns, key, checks and index; every voucher is copied.
    sql: `
CREATE TABLE record_sources_v3 (
  kind       TEXT NOT NULL CHECK (kind IN ('hours', 'training', 'essays', 'exams')),
  record_id  INTEGER NOT NULL,
  batch_id   INTEGER NOT NULL REFERENCES batches(id),
  line       INTEGER NOT NULL,
  PRIMARY KEY (kind, record_id, batch_id)
) WITHOUT ROWID, STRICT;
INSERT INTO record_sources_v3 (kind, record_id, batch_id, line) SELECT kind, record_id, batch_id, line FROM record_sources ORDER BY kind, record_id, batch_id;
DROP TABLE record_sources;
ALTER TABLE record_sources_v3 RENAME TO record_sources;
CREATE INDEX record_sources_by_batch ON record_sources (batch_id);
`,
  },
  {
    version: 4,
    name: 'where catalogue hours come from; the other hours a further batch gave',
    // courses.hours_source: 'placeholder' (registered without hours: 1 hour until the first import that
    // gives them), 'require' (set with require --hours: kept, an import that disagrees is warned about) or
    // 'import' (given by an import row). A course on file is read from the journal: registered by require
    // (the entry listing it within seconds of its creation) with or without --hours; else by an import.
    // voucher_hours: a further batch (a voucher in record_sources) that carried an hours record with other
    // hours than the record's, and those hours; written only when they differ, so a voucher without an
    // entry gave the record's hours. Undoing the record's own batch moves it to its earliest voucher with
    // that voucher's hours; import-hours --replace-hours keeps the replaced hours here to put them back.
    sql: `
ALTER TABLE courses ADD COLUMN hours_source TEXT NOT NULL DEFAULT 'import' CHECK (hours_source IN ('placeholder', 'require', 'import'));
UPDATE courses SET hours_source = CASE WHEN (
    SELECT json_extract(j.args, '$.hours') FROM journal j, json_each(CASE WHEN json_valid(j.args) THEN j.args ELSE '{}' END, '$.codes') e
    WHERE j.command = 'require' AND e.value = courses.code AND unixepoch(j.at) - unixepoch(courses.created_at) BETWEEN 0 AND 5
    ORDER BY j.id LIMIT 1
  ) IS NULL THEN 'placeholder' ELSE 'require' END
WHERE EXISTS (
  SELECT 1 FROM journal j, json_each(CASE WHEN json_valid(j.args) THEN j.args ELSE '{}' END, '$.codes') e
  WHERE j.command = 'require' AND e.value = courses.code AND unixepoch(j.at) - unixepoch(courses.created_at) BETWEEN 0 AND 5
);
UPDATE courses SET hours_source = 'import' WHERE hours_source = 'placeholder' AND quarters <> 4;
CREATE TABLE voucher_hours (
  record_id  INTEGER NOT NULL,
  batch_id   INTEGER NOT NULL REFERENCES batches(id),
  quarters   INTEGER NOT NULL CHECK (quarters > 0),
  PRIMARY KEY (record_id, batch_id)
) WITHOUT ROWID, STRICT;
CREATE INDEX voucher_hours_by_batch ON voucher_hours (batch_id);
`,
  },
  {
    version: 5,
    name: 'leavings before a re-appointment; the issue-accounts run that created a cadre',
    // appointments.left_on: the day a cadre left office at the end of that appointment's series,
    // kept when a later roster re-appoints them (cadres.left_on is the latest series' leaving):
    // the years between belong to no term. cadres.issued_by: the journal entry of the
    // issue-accounts run that created the cadre, so that a mistaken run can be undone.
    sql: `
ALTER TABLE appointments ADD COLUMN left_on TEXT;
ALTER TABLE cadres ADD COLUMN issued_by INTEGER REFERENCES journal(id);
CREATE INDEX cadres_by_run ON cadres (issued_by) WHERE issued_by IS NOT NULL;
`,
  },
  {
    version: 6,
    name: 'year closes and their amendments',
    // A closed academic year: its year-end view as it was audited (result: the audited cadres as
    // gzip'd JSON, regenerated byte for byte by `audit --year`), the policy in force, the state of
    // the records it counted (by hash) and the dates of the view. A later change to a record dated
    // in a closed year is refused by the write connection's guard (src/db/closes.ts) unless it is
    // an amendment, which is recorded here with its reason, one row per year and command run.
    sql: `
CREATE TABLE year_closes (
  year          INTEGER PRIMARY KEY,
  starts_on     TEXT NOT NULL,
  ends_on       TEXT NOT NULL,
  as_of         TEXT NOT NULL,
  closed_at     TEXT NOT NULL,
  operator      TEXT NOT NULL,
  journal_id    INTEGER REFERENCES journal(id),
  policy        TEXT NOT NULL,
  policy_sha256 TEXT NOT NULL,
  state         TEXT NOT NULL,
  state_sha256  TEXT NOT NULL,
  cadres        INTEGER NOT NULL,
  counts        TEXT NOT NULL,
  result        BLOB NOT NULL,
  result_sha256 TEXT NOT NULL
) STRICT;

CREATE TABLE year_amendments (
  id        INTEGER PRIMARY KEY,
  year      INTEGER NOT NULL REFERENCES year_closes(year),
  run       TEXT NOT NULL,
  at        TEXT NOT NULL,
  operator  TEXT NOT NULL,
  command   TEXT NOT NULL,
  reason    TEXT NOT NULL,
  changes   INTEGER NOT NULL DEFAULT 0,
  UNIQUE (year, run)
) STRICT;

-- The cadres whose records each amending run changed in each closed year.
CREATE TABLE year_amendment_cadres (
  year      INTEGER NOT NULL,
  run       TEXT NOT NULL,
  cadre_id  INTEGER NOT NULL,
  PRIMARY KEY (year, run, cadre_id)
) WITHOUT ROWID, STRICT;
`,
  },
  {
    version: 7,
    name: "the office's settings: the day it began keeping records in the tool",
    // settings.records_since: set by `cadre start --since DATE`; a period that began before it is
    // not short for want of the records nobody kept (src/core/audit.ts, Evaluation.recordsSince).
    sql: `
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID, STRICT;
`,
  },
  {
    version: 8,
    name: 'essay texts, fingerprints, reference texts and similarity reports',
    // essay_texts: the text an essay was compared as (brotli, NULL when the policy keeps fingerprints
    // only), the SHA-256 of its file and its distinct fingerprint hashes (int32, little-endian), by which
    // its rows of essay_prints are removed without scanning the index. essay_prints: every stored
    // essay's fingerprints by hash (no foreign key: deleting an essay would scan the index), so a new
    // essay finds the essays sharing its fingerprints without reading any text. reference_texts and
    // reference_prints: the same for the documents the office registers as quoted by everyone
    // (excluded from the copied share). essay_similarity: each essay's latest comparison (字数; 字数
    // copied from other cadres, repeated from the same cadre, quoted from references; per-mille; the
    // sources, JSON); held: why the essay was held for review when it was recorded ('copied' from
    // others, or 'self': repeated from the same cadre's earlier essays, at or over the policy's
    // threshold), and the reviewer's reason, name and time when a verdict overrode the hold. The
    // k-gram length and window of the stored fingerprints are in counters.
    sql: `
CREATE TABLE essay_texts (
  essay_id   INTEGER PRIMARY KEY REFERENCES essays(id),
  sha256     TEXT NOT NULL,
  body       BLOB,
  hashes     BLOB NOT NULL,
  stored_at  TEXT NOT NULL
) STRICT;
CREATE TABLE essay_prints (
  hash      INTEGER NOT NULL,
  essay_id  INTEGER NOT NULL,
  PRIMARY KEY (hash, essay_id)
) WITHOUT ROWID, STRICT;
CREATE TABLE reference_texts (
  id         INTEGER PRIMARY KEY,
  title      TEXT NOT NULL,
  file_name  TEXT NOT NULL,
  sha256     TEXT NOT NULL UNIQUE,
  chars      INTEGER NOT NULL CHECK (chars >= 0),
  body       BLOB NOT NULL,
  hashes     BLOB NOT NULL,
  added_at   TEXT NOT NULL,
  added_by   TEXT NOT NULL
) STRICT;
CREATE TABLE reference_prints (
  hash          INTEGER NOT NULL,
  reference_id  INTEGER NOT NULL REFERENCES reference_texts(id),
  PRIMARY KEY (hash, reference_id)
) WITHOUT ROWID, STRICT;
CREATE TABLE essay_similarity (
  essay_id         INTEGER PRIMARY KEY REFERENCES essays(id),
  checked_at       TEXT NOT NULL,
  zi               INTEGER NOT NULL CHECK (zi >= 0),
  others_zi        INTEGER NOT NULL CHECK (others_zi >= 0),
  self_zi          INTEGER NOT NULL CHECK (self_zi >= 0),
  quoted_zi        INTEGER NOT NULL CHECK (quoted_zi >= 0),
  others_permille  INTEGER NOT NULL CHECK (others_permille BETWEEN 0 AND 1000),
  self_permille    INTEGER NOT NULL CHECK (self_permille BETWEEN 0 AND 1000),
  sources          TEXT NOT NULL,
  held             TEXT CHECK (held IN ('copied', 'self')),
  override_reason  TEXT,
  overridden_by    TEXT,
  overridden_at    TEXT
) STRICT;
`,
  },
  {
    version: 9,
    name: 'certificates of study and the key their verification codes are made with',
    // secrets.certificate_key: 32 random bytes made when the first certificate is issued; the
    // verification code is an HMAC-SHA256 with it over the certificate's canonical content
    // (src/core/certificate.ts). It is never printed or journaled; a backup carries it, so a
    // restored database still verifies the certificates it issued. certificates: one row per
    // certificate issued, with its content as issued (canonical JSON) and that content's hash.
    sql: `
CREATE TABLE secrets (
  name   TEXT PRIMARY KEY,
  value  BLOB NOT NULL
) WITHOUT ROWID, STRICT;

CREATE TABLE certificates (
  serial          TEXT PRIMARY KEY,
  code            TEXT NOT NULL UNIQUE,
  cadre_id        INTEGER NOT NULL REFERENCES cadres(id),
  learner_id      TEXT NOT NULL,
  scope           TEXT NOT NULL,
  issued_at       TEXT NOT NULL,
  operator        TEXT NOT NULL,
  journal_id      INTEGER REFERENCES journal(id),
  content_sha256  TEXT NOT NULL,
  content         TEXT NOT NULL
) STRICT;
CREATE INDEX certificates_learner ON certificates (learner_id);
`,
  },
  {
    version: 10,
    name: 'the reminders produced: which cadre, which gap, as of when, by whom, in what form',
    // One row per cadre and gap (requirement and period) a `cadre remind` run produced a message
    // for; `cadre remind` reads them to keep quiet about a gap reminded within the policy's quiet
    // period, `cadre reminders` lists them. period: 'term' or the academic year; term_start: the
    // first year of the term the gap belongs to (a new term is a new gap).
    sql: `
CREATE TABLE reminders (
  id             INTEGER PRIMARY KEY,
  journal_id     INTEGER NOT NULL REFERENCES journal(id),
  cadre_id       INTEGER NOT NULL REFERENCES cadres(id),
  requirement    TEXT NOT NULL,
  period         TEXT NOT NULL,
  term_start     INTEGER NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('behind', 'short')),
  gap            TEXT NOT NULL,
  deadline       TEXT NOT NULL,
  as_of          TEXT NOT NULL,
  produced_at    TEXT NOT NULL,
  operator       TEXT NOT NULL,
  format         TEXT NOT NULL,
  file           TEXT,
  notice         TEXT,
  message_sha256 TEXT NOT NULL
) STRICT;

CREATE INDEX reminders_by_as_of ON reminders (as_of);
`,
  },
  {
    version: 11,
    name: 'implausible study records: completion times kept, anomalies for the office to decide',
    // hour_times: the minute of the day an hours record was completed and how long its study took,
    // when the platform's file gave them (a file of dates alone adds no row). anomalies: what an
    // hours import found implausible (src/core/anomalies.ts), with the batch that found it; the
    // records each names are in anomaly_records. An open anomaly holds its records (they do not
    // count), a rejected one never lets them count, an accepted one lets them count.
    sql: `
CREATE TABLE hour_times (
  hour_id          INTEGER PRIMARY KEY,
  minute           INTEGER CHECK (minute BETWEEN 0 AND 1439),
  studied_minutes  INTEGER CHECK (studied_minutes >= 0)
) STRICT;

CREATE TABLE anomalies (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('day_hours', 'same_minute', 'too_fast')),
  cadre_id    INTEGER NOT NULL REFERENCES cadres(id),
  day         TEXT NOT NULL,
  minute      INTEGER,
  figure      INTEGER NOT NULL,
  limit_value INTEGER NOT NULL,
  batch_id    INTEGER REFERENCES batches(id),
  found_at    TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
  reason      TEXT,
  decided_by  TEXT,
  decided_at  TEXT
) STRICT;
CREATE INDEX anomalies_by_batch ON anomalies (batch_id);
CREATE INDEX anomalies_by_cadre ON anomalies (cadre_id, day);

CREATE TABLE anomaly_records (
  anomaly_id  INTEGER NOT NULL REFERENCES anomalies(id),
  hour_id     INTEGER NOT NULL,
  PRIMARY KEY (anomaly_id, hour_id)
) WITHOUT ROWID, STRICT;
CREATE INDEX anomaly_records_by_hour ON anomaly_records (hour_id);
`,
  },
  {
    version: 12,
    name: 'essay texts counted from an index',
    // Every comparison counts the stored essays (the 套话 cut-off is a share of them). Counted from
    // the table, that reads every page of the texts (44 ms for 10,000 essays in a fresh process);
    // counted from this index of their ids, a few pages (under 1 ms).
    sql: `
CREATE INDEX essay_texts_counted ON essay_texts (essay_id);
`,
  },
  {
    version: 13,
    name: 'the review workflow: reviewers, assignments, reviews, returned essays and their resubmissions',
    // essays is rebuilt (SQLite cannot change a CHECK in place) with the same rows: its status may now
    // be 'returned' (退回修改); resubmits_id links a resubmission to the returned essay it replaces,
    // counts_on is the date it counts on when that is not its own (src/core/review.ts, countedOn).
    // The foreign keys of essay_texts and essay_similarity name the table, not its storage: deferred
    // for this transaction, they hold again once the rows are back. reviewers: the office's register,
    // retired (never deleted) so that their reviews keep their name. essay_assignments: who is to
    // review which essay; withdrawn when the reviewer is retired before reviewing. essay_reviews: every
    // review, by an assigned reviewer or (reviewer_id NULL) by the office, with the essay's status after it.
    sql: `
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE essays_v11 AS SELECT * FROM main.essays;
DROP TABLE main.essays;
CREATE TABLE essays (
  id            INTEGER PRIMARY KEY,
  cadre_id      INTEGER NOT NULL REFERENCES cadres(id),
  kind          TEXT NOT NULL CHECK (kind IN ('reflection', 'report')),
  title         TEXT NOT NULL,
  submitted_on  TEXT NOT NULL,
  chars         INTEGER NOT NULL CHECK (chars >= 0),
  status        TEXT NOT NULL CHECK (status IN ('approved', 'pending', 'rejected', 'returned')),
  file_sha256   TEXT,
  batch_id      INTEGER REFERENCES batches(id),
  line          INTEGER,
  entered_by    TEXT NOT NULL,
  reviewed_at   TEXT,
  resubmits_id  INTEGER REFERENCES essays(id),
  counts_on     TEXT,
  UNIQUE (cadre_id, kind, title, submitted_on)
) STRICT;
INSERT INTO main.essays (id, cadre_id, kind, title, submitted_on, chars, status, file_sha256, batch_id, line, entered_by, reviewed_at)
  SELECT id, cadre_id, kind, title, submitted_on, chars, status, file_sha256, batch_id, line, entered_by, reviewed_at FROM temp.essays_v11;
DROP TABLE temp.essays_v11;
CREATE UNIQUE INDEX essays_resubmitted ON essays (resubmits_id) WHERE resubmits_id IS NOT NULL;

CREATE TABLE reviewers (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  department  TEXT NOT NULL,
  added_at    TEXT NOT NULL,
  added_by    TEXT NOT NULL,
  retired_at  TEXT,
  retired_by  TEXT
) STRICT;

CREATE TABLE essay_assignments (
  essay_id      INTEGER NOT NULL REFERENCES essays(id),
  reviewer_id   INTEGER NOT NULL REFERENCES reviewers(id),
  assigned_at   TEXT NOT NULL,
  assigned_by   TEXT NOT NULL,
  withdrawn_at  TEXT,
  PRIMARY KEY (essay_id, reviewer_id)
) WITHOUT ROWID, STRICT;
CREATE INDEX essay_assignments_by_reviewer ON essay_assignments (reviewer_id);

CREATE TABLE essay_reviews (
  id           INTEGER PRIMARY KEY,
  essay_id     INTEGER NOT NULL REFERENCES essays(id),
  reviewer_id  INTEGER REFERENCES reviewers(id),
  verdict      TEXT NOT NULL CHECK (verdict IN ('approve', 'reject', 'return')),
  score        TEXT,
  comment      TEXT,
  reason       TEXT,
  status_after TEXT NOT NULL CHECK (status_after IN ('approved', 'pending', 'rejected', 'returned')),
  reviewed_at  TEXT NOT NULL,
  operator     TEXT NOT NULL
) STRICT;
CREATE INDEX essay_reviews_by_essay ON essay_reviews (essay_id);
`,
  },
  {
    version: 14,
    name: 'the date of the earliest hours record, kept by the writes that change it',
    // record_span: the earliest completed_on of hours (src/db/record-span.ts), kept by import-hours
    // and undo-import inside their transactions, with the largest hours id it has seen (a row put in
    // by anything else leaves it behind, and the date is then looked for again). Read to word the
    // audit's hint of periods short before any record: found in a province's 20M rows it was a walk of
    // the covering index, cadre by cadre, on every audit that showed a short period. Filled here by
    // that walk, once.
    sql: `
CREATE TABLE record_span (
  kind       TEXT PRIMARY KEY CHECK (kind = 'hours'),
  first_day  TEXT NOT NULL,
  last_id    INTEGER NOT NULL
) WITHOUT ROWID, STRICT;
WITH RECURSIVE c(id) AS (SELECT MIN(cadre_id) FROM hours UNION ALL SELECT (SELECT MIN(cadre_id) FROM hours WHERE cadre_id > c.id) FROM c WHERE c.id IS NOT NULL)
INSERT INTO record_span (kind, first_day, last_id)
  SELECT 'hours', d, (SELECT MAX(id) FROM hours)
  FROM (SELECT MIN((SELECT MIN(completed_on) FROM hours INDEXED BY hours_by_cadre_day WHERE cadre_id = c.id)) AS d FROM c) WHERE d IS NOT NULL;
`,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
