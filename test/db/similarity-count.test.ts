/** The stored essays are counted (for the 套话 cut-off) from a small index, not by reading every page of their texts. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';

it('counts the stored essay texts from an index of their ids', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-simcount-'));
  try {
    const db = openDatabase(path.join(dir, 'c.db'), { create: true });
    const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT count(*) FROM essay_texts').all() as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan).toContain('COVERING INDEX essay_texts_counted');
    db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
