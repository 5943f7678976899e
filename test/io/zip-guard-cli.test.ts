/**
 * The two archives of the issue, given to the real binary: a workbook whose
 * shared strings unpack to a gigabyte (its directory says a kilobyte), and a
 * 1 MB document that unpacks to a text of 103 million 字. Each is refused with exit 2 and a message naming the
 * part, and the child's peak resident memory (from GNU time, where the
 * machine has it) stays under 500 MB.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, repoRoot } from '../helpers/cli.js';
import { buildZip, deflatedPieces, docxOf, DOCUMENT_HEAD, DOCUMENT_TAIL, paragraph, partsOf, withPart } from './zip-build.js';

const GNU_TIME = '/usr/bin/time';
const timeAvailable = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-v', 'true'], { stdio: 'ignore' }).status === 0;
if (!timeAvailable) console.warn(`skipped: the peak-memory checks, because ${GNU_TIME} -v (GNU time) is not available here`);

const PEAK_LIMIT_KB = 500 * 1024;

let dir: string;

interface Run {
  code: number;
  stderr: string;
  /** Peak resident set size of the child in kB, when GNU time measured it. */
  peakKb?: number;
}

/** Runs `cadre args…` in `dir` (under GNU time when there is one), as runCli does: English, no colour, no CADRE_* but the database. */
function cadre(args: string[]): Promise<Run> {
  if (!existsSync(path.join(repoRoot, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is not built: run `npm run build` first');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CADRE_')) env[k] = v;
  Object.assign(env, { NO_COLOR: '1', CADRE_LANG: 'en', CADRE_DB: path.join(dir, 'cadre.db') });
  delete env.FORCE_COLOR;
  const command = timeAvailable ? GNU_TIME : process.execPath;
  const argv = timeAvailable ? ['-v', process.execPath, binPath, ...args] : [binPath, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      let stderr = Buffer.concat(err).toString('utf8');
      let peakKb: number | undefined;
      if (timeAvailable) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
        if (m) peakKb = Number(m[1]);
        const at = stderr.search(/Command exited with non-zero status|\tCommand being timed/);
        if (at !== -1) stderr = stderr.slice(0, at);
      }
      // GNU time passes the child's exit status on as its own.
      resolve({ code: code ?? -1, stderr, peakKb });
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cadre-bomb-'));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('学时');
  ws.addRow(['学员编号', '课程编号', '完成日期', '学时']);
  ws.addRow(['WZ250001', 'C001', '2025-09-01', 1]);
  const parts = await partsOf(Buffer.from(await wb.xlsx.writeBuffer()));
  // A gigabyte of shared strings, said to be one kilobyte.
  const sst = deflatedPieces([
    { data: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' },
    { data: '<si><t>a</t></si>'.repeat(1 << 12), times: 1 << 14 },
    { data: '</sst>' },
  ]);
  writeFileSync(path.join(dir, 'bomb.xlsx'), buildZip(withPart(parts, { name: 'xl/sharedStrings.xml', deflated: sst, declaredSize: 1024 })));
  // 103 million 字 in paragraphs of a thousand, about 1 MB packed, with its true size (mammoth checks it).
  const text = deflatedPieces([{ data: DOCUMENT_HEAD }, { data: paragraph('学习心得体会认真学习'.repeat(100)).repeat(100), times: 1030 }, { data: DOCUMENT_TAIL }]);
  writeFileSync(path.join(dir, 'bomb.docx'), docxOf(text));
  writeFileSync(path.join(dir, 'essays.csv'), 'learner_id,kind,title,submitted_on,file\nWZ250001,reflection,心得,2025-10-01,bomb.docx\n');
  // Imports need a database (only issue-accounts creates one): a roster of one cadre.
  writeFileSync(path.join(dir, 'roster.csv'), '工号,姓名,部门,职级,任职日期\n00120001,张伟,计算机学院,正处,2024-07-01\n');
  const made = await cadre(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
  expect(made.code, made.stderr).toBe(0);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the binary refuses the hostile archives of the issue', () => {
  it('import-hours bomb.xlsx: exit 2, the shared strings named, bounded memory', async () => {
    const r = await cadre(['import-hours', 'bomb.xlsx']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/bomb\.xlsx was not read: its part xl\/sharedStrings\.xml expands more than 200 times/);
    expect(r.stderr).toMatch(/fix: open the workbook in Excel or WPS and save it again as \.xlsx, or save it as CSV UTF-8/);
    if (timeAvailable) expect(r.peakKb, 'peak resident memory (kB)').toBeLessThan(PEAK_LIMIT_KB);
  }, 60_000);

  it('record-essay --file bomb.docx: exit 2, the document part named, nothing counted', async () => {
    const r = await cadre(['record-essay', 'WZ250001', '--kind', 'reflection', '--title', '心得', '--submitted-on', '2025-10-01', '--file', 'bomb.docx']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/bomb\.docx was not read: its part word\/document\.xml unpacks to more than 32 MB/);
    expect(r.stderr).toMatch(/fix: open the document in Word or WPS and save it again as \.docx/);
    expect(r.stderr).not.toMatch(/字 counted/);
    if (timeAvailable) expect(r.peakKb, 'peak resident memory (kB)').toBeLessThan(PEAK_LIMIT_KB);
  }, 60_000);

  it('import-essays with the bomb in its file column: the row is refused with the same reason', async () => {
    const r = await cadre(['import-essays', 'essays.csv']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/line 2, column 5 \(file\): cannot read essay bomb\.docx: .*bomb\.docx was not read: its part word\/document\.xml unpacks to more than 32 MB/);
    if (timeAvailable) expect(r.peakKb, 'peak resident memory (kB)').toBeLessThan(PEAK_LIMIT_KB);
  }, 60_000);
});
