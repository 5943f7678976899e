/**
 * writeSplitFiles (src/report/split-files.ts) with contents made ahead: each file gets its own
 * content whatever order the makings finish in, and one failing leaves no file of the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSplitFiles } from '../../src/report/split-files.js';
import { tempDir } from '../helpers/cli.js';
import { testContext } from '../helpers/context.js';

const layout = (outDir: string) => ({ outDir, before: 'list-', after: '_2025', ext: 'txt', overwrite: false });
const groups = () => new Map(Array.from({ length: 20 }, (_, i) => [`dept${String(i).padStart(2, '0')}`, [i, i * 2]] as [string, number[]]));
const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('writeSplitFiles', () => {
  it('writes each department its own content when the makings finish out of order', async () => {
    const dir = tempDir('cadre-split-');
    const ctx = testContext({ cwd: dir });
    const order: string[] = [];
    await writeSplitFiles(ctx, groups(), layout('out'), async (list, dept) => {
      order.push(dept);
      await later((list[0] * 7) % 5);
      return `${dept}: ${list.join(',')}\n`;
    });
    const files = fs.readdirSync(path.join(dir, 'out')).sort();
    expect(files.length).toBe(20);
    for (const f of files) {
      const dept = /^list-(dept\d+)_2025\.txt$/.exec(f)![1];
      const i = Number(dept.slice(4));
      expect(fs.readFileSync(path.join(dir, 'out', f), 'utf8')).toBe(`${dept}: ${i},${i * 2}\n`);
    }
    // Started in the plan's order (the departments sorted).
    expect(order).toEqual([...order].sort());
  });

  it('leaves no file and no temporary when one making fails half-way, with others still in the making', async () => {
    const dir = tempDir('cadre-split-');
    const ctx = testContext({ cwd: dir });
    fs.mkdirSync(path.join(dir, 'out'));
    const run = writeSplitFiles(ctx, groups(), layout('out'), async (list, dept) => {
      await later(list[0] % 3);
      if (dept === 'dept07') throw new Error('disk full');
      return `${dept}\n`;
    });
    await expect(run).rejects.toThrow('disk full');
    expect(fs.readdirSync(path.join(dir, 'out'))).toEqual([]);
  });
});
