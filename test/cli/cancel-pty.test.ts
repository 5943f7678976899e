/**
 * Ctrl-C at a real prompt: the binary runs in a pseudo-terminal (python3's
 * pty module), gets \x03 at the prompt and must say 已取消 / cancelled and
 * exit 130, with no "unexpected error" and no stack. Ctrl-C during a long
 * import (no prompt) kills the run at once, and SQLite discards its
 * unfinished transaction: nothing of the file is recorded.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, runCli, tempDir } from '../helpers/cli.js';

const python = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;
if (!python) console.warn('skipped: test/cli/cancel-pty.test.ts needs python3 (its pty module), which is not installed here');

/** Runs argv in a pseudo-terminal; when `wait` has appeared, types `send`; prints the output, then EXIT <code>. */
const PTY = String.raw`
import os, pty, sys, time, select, signal
wait, send, cmd = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
buf, sent, end = b'', False, time.time() + 30
while time.time() < end:
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            d = os.read(fd, 65536)
        except OSError:
            break
        if not d:
            break
        buf += d
    if not sent and wait in buf:
        time.sleep(0.3)
        os.write(fd, send)
        sent = True
p, status = os.waitpid(pid, os.WNOHANG)
if p == 0:
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
sys.stdout.write(buf.decode('utf8', 'replace'))
print('\nEXIT %d' % os.waitstatus_to_exitcode(status))
`;

function inPty(dir: string, lang: 'zh' | 'en', wait: string, send: string, args: string[]): { out: string; code: number } {
  const r = spawnSync('python3', ['-c', PTY, wait, send, process.execPath, binPath, ...args], {
    cwd: dir,
    env: { ...process.env, CADRE_DB: path.join(dir, 'cadre.db'), CADRE_LANG: lang, NO_COLOR: '1', CADRE_NOW: '2026-03-01T09:00:00+08:00' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const m = /\nEXIT (-?\d+)\n$/.exec(r.stdout);
  return { out: r.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''), code: m ? Number(m[1]) : NaN };
}

describe.runIf(python)('Ctrl-C in a terminal', () => {
  let dir: string;
  let learnerId: string;
  beforeAll(async () => {
    dir = tempDir();
    fs.writeFileSync(path.join(dir, 'roster.csv'), '工号,姓名,部门,职级,任职日期\nP001,周八,音乐学院,正科,2025-09-01\n');
    const r = await runCli(['issue-accounts', 'roster.csv', '--out', 'cred.csv'], { cwd: dir, env: { CADRE_DB: path.join(dir, 'cadre.db'), CADRE_NOW: '2026-03-01T09:00:00+08:00' } });
    expect(r.code, r.stderr).toBe(0);
    learnerId = fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').trim().split(/\r?\n/)[1]!.split(',')[0]!;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const clean = (out: string) => {
    expect(out).not.toMatch(/unexpected|意外错误|ExitPromptError|SIGINT|\n\s+at /);
  };

  it('at the password prompt of passwd: 已取消, exit 130 (zh)', () => {
    const r = inPty(dir, 'zh', '当前密码', '\x03', ['passwd', learnerId]);
    expect(r.code, r.out).toBe(130);
    expect(r.out).toMatch(/已取消\s*\n/);
    clean(r.out);
  });

  it('at the password prompt of verify: cancelled, exit 130 (en)', () => {
    const r = inPty(dir, 'en', 'Password of', '\x03', ['verify', learnerId]);
    expect(r.code, r.out).toBe(130);
    expect(r.out).toMatch(/\ncancelled\s*\n/);
    clean(r.out);
  });

  it('at a prompt of issue-accounts --interactive: nothing is written, no database is created', () => {
    const fresh = tempDir();
    try {
      const r = inPty(fresh, 'zh', '工号', '\x03', ['issue-accounts', '--interactive']);
      expect(r.code, r.out).toBe(130);
      expect(r.out).toContain('已取消');
      clean(r.out);
      expect(fs.readdirSync(fresh)).toEqual([]);
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('during a long import: the run stops and nothing of the file is recorded', async () => {
    const rows = ['工号,课程编号,完成日期,学时'];
    for (let i = 0; i < 500_000; i++) rows.push(`P001,K${i},2025-10-${String(1 + (i % 28)).padStart(2, '0')},1`);
    fs.writeFileSync(path.join(dir, 'big.csv'), rows.join('\n') + '\n');
    const child = spawn(process.execPath, [binPath, 'import-hours', 'big.csv'], { cwd: dir, env: { ...process.env, CADRE_DB: path.join(dir, 'cadre.db'), CADRE_NOW: '2026-03-01T09:00:00+08:00' }, stdio: 'ignore' });
    setTimeout(() => child.kill('SIGINT'), 900);
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, s) => resolve(s)));
    expect(signal).toBe('SIGINT');
    const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM batches').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM hours').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  }, 60_000);
});
