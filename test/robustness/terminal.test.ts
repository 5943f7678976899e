/**
 * Issue 9, item 7: nothing from an input reaches the terminal raw. Course
 * titles, topics, names, departments and a file name itself carry ESC
 * sequences (clear screen, set the window title), a C1 CSI, a right-to-left
 * override and a bidi isolate, and cells of 500 KB. Every command that echoes
 * them (import-hours refusing rows, import-training, imports, courses, audit
 * and the transcript, log, record-training) prints them escaped (\u{1B}…),
 * never a raw control or bidi character, and no line of its output is longer
 * than 2,000 characters. A mistyped `--password=…` is never echoed.
 *
 * Names and departments are written into the database directly: whether the
 * roster import refuses them is the roster's own test; here they stand for
 * data stored before that check, which every listing must still show safely.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlIn } from '../../src/core/text.js';
import { makeWorkspace, NOW, removeScratch, runCli, type Workspace } from './lib/cadre.js';

interface Printed {
  code: number;
  stdout: string;
  stderr: string;
}

afterAll(removeScratch);

const CLEAR = '\x1b[2J';
const TITLE = '\x1b]0;owned\x07';
const CSI = '\x9b31m';
const RLO = '\u202e';
const LRI = '\u2066';
const BIG = 'x'.repeat(500_000);
const MAX_LINE = 2000;
/** The file's own name: ESC, a right-to-left override, a C1 control. */
const HOSTILE_FILE = `hours${CLEAR}${RLO}${CSI}.csv`;

/** Every line of what a command printed: no raw control or bidi character, none longer than MAX_LINE. */
function expectSafe(r: Printed, what: string): void {
  for (const [stream, text] of [['stdout', r.stdout], ['stderr', r.stderr]] as const) {
    const lines = text.split('\n');
    for (const [i, line] of lines.entries()) {
      expect(controlIn(line), `${what}: ${stream} line ${i + 1} has a raw control: ${JSON.stringify(line.slice(0, 120))}`).toBeNull();
      expect(line.length, `${what}: ${stream} line ${i + 1} is ${line.length} characters`).toBeLessThanOrEqual(MAX_LINE);
    }
  }
}

let ws: Workspace;
let id: string;
// A command that hangs on a hostile value is killed (and fails) before the test's own timeout.
const run = (args: string[], input?: string, extraEnv: Record<string, string> = {}): Promise<Printed> =>
  runCli(args, { cwd: ws.dir, env: { ...ws.env, CADRE_NOW: NOW, CADRE_OPERATOR: 'tester', ...extraEnv }, input, timeoutMs: 45_000 });
/** A listing on a wide terminal: every column shown (a narrow one leaves some out), each cell on one line. */
const wide = (args: string[]): Promise<Printed> => run(args, undefined, { COLUMNS: '400' });

beforeAll(async () => {
  ws = await makeWorkspace(2);
  id = ws.ids[0]!;
  // Stored before any import check: hostile names and departments, as they would show in every listing.
  const db = new Database(ws.db);
  db.prepare('UPDATE cadres SET name = ?, department = ? WHERE learner_id = ?').run(`张${CLEAR}三${RLO}`, `学院${TITLE}${CSI}${LRI}`, id);
  db.prepare('UPDATE cadres SET name = ?, department = ? WHERE learner_id = ?').run(`李四${BIG}`, `图书馆${RLO}`, ws.ids[1]!);
  db.close();
}, 60_000);

describe('imports echo hostile cells and file names escaped', () => {
  it('import-hours refusing rows: the file name, the dates and the 500 KB cells are escaped and shortened', async () => {
    fs.writeFileSync(
      path.join(ws.dir, HOSTILE_FILE),
      'learner_id,course_code,course_title,completed_on,hours\n' +
        `${id},C1,T${RLO}itle${CSI},2025-10-01,1\n` +
        `${id},C2,${CLEAR}Title,${TITLE},1\n` +
        `${id},C3,Ok,2025-10-01,${CLEAR}${BIG}\n` +
        `${id},C4,Ok,${LRI}${BIG},2\n` +
        `${id},C5${CSI},Ok,2025-10-01,1\n`,
    );
    const r = await run(['import-hours', HOSTILE_FILE]);
    expect(r.code, r.stderr.slice(0, 2000)).toBe(2);
    expectSafe(r, 'import-hours (refused)');
    // Escaped, not dropped: the reader still sees what was there.
    expect(r.stderr).toContain('hours\\u{1B}[2J\\u{202E}\\u{9B}31m.csv');
    expect(r.stderr).toContain('\\u{1B}]0;owned\\u{7}');
    expect(r.stderr).toContain('\\u{2066}xxx');
    // The 500 KB cells are cut, with their length.
    expect(r.stderr).toMatch(/…\(500004\)/);
    expect(r.stderr.length).toBeLessThan(20_000);
  }, 60_000);

  it('import-hours --skip-invalid: warnings, the summary and the rejected file named escaped', async () => {
    const r = await run(['import-hours', HOSTILE_FILE, '--skip-invalid']);
    expect(r.code, r.stderr.slice(0, 2000)).toBe(0);
    expectSafe(r, 'import-hours --skip-invalid');
    expect(r.stderr).toContain('hours\\u{1B}[2J\\u{202E}\\u{9B}31m.csv');
  }, 60_000);

  it('two files at once: the summary lists each file name escaped', async () => {
    fs.writeFileSync(path.join(ws.dir, `b${TITLE}.csv`), `learner_id,course_code,course_title,completed_on,hours\n${id},C9,Fine,2025-10-02,1\n`);
    const r = await run(['import-hours', HOSTILE_FILE, `b${TITLE}.csv`]);
    expectSafe(r, 'import-hours (two files)');
    expect(r.stderr).toContain('b\\u{1B}]0;owned\\u{7}.csv');
  }, 60_000);

  it('import-training: hostile topics and a 500 KB topic', async () => {
    fs.writeFileSync(
      path.join(ws.dir, 'training.csv'),
      'learner_id,topic,attended_on\n' + `${id},专题${RLO}一${CSI},2025-10-08\n` + `${id},${CLEAR}专题,2025-10-09\n` + `${id},${BIG},2025-10-10\n`,
    );
    const r = await run(['import-training', 'training.csv', '--skip-invalid']);
    expectSafe(r, 'import-training');
  }, 60_000);

  it('record-training with a hostile --topic', async () => {
    // One argument may not exceed 128 KB (the kernel's limit): 100 KB stands for the long one.
    for (const topic of [`${CLEAR}清屏`, `专题${RLO}${LRI}二`, `${CSI}${'y'.repeat(100_000)}`]) {
      const r = await run(['record-training', id, '--topic', topic, '--date', '2025-11-01']);
      expectSafe(r, `record-training ${JSON.stringify(topic.slice(0, 20))}`);
    }
  }, 60_000);
});

describe('listings show stored hostile text escaped', () => {
  beforeAll(() => {
    // Titles as they may already be stored, the worst included (ESC sequences, a 500 KB title).
    const db = new Database(ws.db);
    const codes = db.prepare('SELECT code FROM courses ORDER BY code').pluck().all() as string[];
    const titles = [`课程${CLEAR}${TITLE}`, `${RLO}程课`, `${CSI}${LRI}${BIG}`];
    codes.forEach((code, i) => db.prepare('UPDATE courses SET title = ? WHERE code = ?').run(titles[i % titles.length], code));
    db.close();
  });

  it.each([
    ['imports', ['imports', '--format', 'table']],
    ['courses', ['courses', '--format', 'table']],
    ['log', ['log', '--format', 'table']],
    ['audit', ['audit', '--format', 'table']],
    ['audit of one cadre (the transcript)', ['audit', 'LEARNER', '--format', 'table']],
    ['accounts', ['accounts', '--format', 'table']],
  ])('%s', async (what, args) => {
    const r = await wide(args.map((a) => (a === 'LEARNER' ? id : a)));
    expect(r.code, r.stderr.slice(0, 2000)).toBe(0);
    expectSafe(r, what);
    expect(r.stdout).toContain('\\u{');
  }, 60_000);

  it('the imports table names the hostile file escaped', async () => {
    const r = await wide(['imports', '--format', 'table']);
    expect(r.stdout).toContain('hours\\u{1B}[2J\\u{202E}\\u{9B}31m.csv');
  }, 60_000);
});

describe('a mistyped password option is never echoed', () => {
  it.each([
    [['verify', 'WZ000001', '--password=secret123']],
    [['verify', 'WZ000001', '--password=secret123', '--password-stdin']],
    [['--password=secret123', 'verify', 'WZ000001']],
    [['verify', 'WZ000001', '--pasword', 'secret123']],
    [['verify', 'WZ000001', '--pasword=secret123']],
    [['verify', 'WZ000001', '-psecret123']],
    [['verify', 'WZ000001', '-p=secret123']],
    [['passwd', 'WZ000001', '--new-password=secret123']],
    [['verify', 'WZ000001', '--password=my secret123']],
  ])('%j', async (args) => {
    const r = await run(args, 'x\n');
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('secret123');
    expect(r.stdout).not.toContain('secret123');
    expect(r.stderr).toMatch(/unknown option/);
  }, 30_000);

  it('an option name with controls in it is escaped', async () => {
    const r = await run(['verify', 'WZ000001', `--${CLEAR}x`]);
    expect(r.code).toBe(2);
    expectSafe(r, 'unknown option');
    expect(r.stderr).toContain('--\\u{1B}[2Jx');
  }, 30_000);

  it('an unknown command with controls in it is escaped', async () => {
    const r = await run([`veri${TITLE}fy`, 'x']);
    expect(r.code).toBe(2);
    expectSafe(r, 'unknown command');
  }, 30_000);
});
