/** Shared by the input-reading tests: where things are, and how to look at an InputError. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';
import { CadreError, InputError, type Msg } from '../../src/errors.js';
import { createTranslator } from '../../src/i18n/index.js';
import type { TableRecord } from '../../src/io/table.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtures = path.join(repoRoot, 'test/fixtures/input');
export const fixture = (name: string): string => path.join(fixtures, name);
/** The public CSV suites: in CI the clone has shared/ beside it. */
/** The public CSV suites, copied into the repository with their licences (a clone alone has everything). */
export const suitesDir = path.resolve(repoRoot, 'test/fixtures/suites');

const zh = createTranslator('zh');
const en = createTranslator('en');

/** A message rendered in both languages; fails when a key is missing or a placeholder stays unfilled. */
export function render(m: Msg): { zh: string; en: string } {
  const out = { zh: zh.m(m), en: en.m(m) };
  for (const text of [out.zh, out.en]) {
    expect(text, `message ${m.key}`).not.toBe(m.key);
    expect(text, `message ${m.key} has an unfilled placeholder`).not.toMatch(/\{\w+\}/);
  }
  return out;
}

/** The InputError a promise rejects with, rendered: message, problems and fix. */
export async function inputError(p: Promise<unknown>): Promise<{ error: InputError; text: string }> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected an InputError').toBeInstanceOf(InputError);
  const error = caught as InputError;
  expect(error.exitCode).toBe(2);
  const parts = [render(error.msg).en, ...error.problems.map((pr) => render(pr.reason).en), error.fix ? render(error.fix).en : ''];
  for (const pr of error.problems) if (pr.fix) parts.push(render(pr.fix).en);
  return { error, text: parts.join('\n') };
}

export function isCadreError(e: unknown): e is CadreError {
  return e instanceof CadreError;
}

export async function collect(records: AsyncIterable<TableRecord>): Promise<TableRecord[]> {
  const out: TableRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cadre-io-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A temporary folder removed after the file's tests, and a writer of files into it (returns the path). */
export function scratch(): { dir: string; write: (name: string, bytes: Buffer | string) => string } {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  return {
    dir: tmp.dir,
    write: (name, bytes) => {
      const file = path.join(tmp.dir, name);
      writeFileSync(file, bytes);
      return file;
    },
  };
}
