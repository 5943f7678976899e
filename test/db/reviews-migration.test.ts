/** Migration 13 rebuilds `essays` (a new status, the resubmission link): a version 12 database keeps every essay and what refers to it. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS } from '../../src/db/migrations.js';
import { openDatabase } from '../../src/db/open.js';
import { schemaDifferences } from '../../src/db/schema.js';
import { tempDir } from '../helpers/cli.js';

describe('migration 13: the review workflow', () => {
  it('a version 12 database keeps its essays, their texts and reports, and takes returned essays after it', () => {
    const file = path.join(tempDir(), 'cadre.db');
    const v12 = openDatabase(file, { create: true, migrations: MIGRATIONS.filter((m) => m.version <= 12) });
    v12.prepare("INSERT INTO cadres (id, learner_id, staff_no, name, department, created_at, updated_at) VALUES (1, 'L1', 'S1', 'n', 'd', 'x', 'x')").run();
    v12.prepare("INSERT INTO essays (id, cadre_id, kind, title, submitted_on, chars, status, file_sha256, entered_by, reviewed_at) VALUES (7, 1, 'reflection', 'T', '2025-10-01', 3200, 'approved', 'ab', 't', '2025-10-02T09:00:00')").run();
    v12.prepare("INSERT INTO essay_texts (essay_id, sha256, body, hashes, stored_at) VALUES (7, 'ab', NULL, x'00', 'x')").run();
    v12.close();
    const db = openDatabase(file, { create: false });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(schemaDifferences(db, LATEST_VERSION)).toEqual([]);
    expect(db.prepare('SELECT id, status, reviewed_at, resubmits_id, counts_on FROM essays').all()).toEqual([{ id: 7, status: 'approved', reviewed_at: '2025-10-02T09:00:00', resubmits_id: null, counts_on: null }]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.prepare('SELECT essay_id FROM essay_texts').pluck().all()).toEqual([7]);
    db.prepare("UPDATE essays SET status = 'returned' WHERE id = 7").run();
    // An essay_texts row still needs its essay: the foreign key holds on the rebuilt table.
    expect(() => db.prepare("INSERT INTO essay_texts (essay_id, sha256, body, hashes, stored_at) VALUES (99, 'cd', NULL, x'00', 'x')").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
