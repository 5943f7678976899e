/**
 * A tiny disk for full-disk tests: a tmpfs of a few KiB mounted on a fresh
 * folder. Needs root (or the right capability) and a mount program; where
 * either is missing, `tinyDiskReason` says why, and the tests that need one
 * are skipped with that reason printed (the rest of each file still runs).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function probe(): string | null {
  if (process.platform !== 'linux') return `mounting a tmpfs needs Linux (this is ${process.platform})`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-tmpfs-probe-'));
  try {
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', dir], { encoding: 'utf8' });
    if (r.error) return `no mount program (${r.error.message})`;
    if (r.status !== 0) return `mount -t tmpfs failed: ${(r.stderr || '').trim() || `exit ${r.status}`}`;
    spawnSync('umount', [dir]);
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Null when a tiny disk can be mounted here, else why not. */
export const tinyDiskReason: string | null = probe();
export const tinyDiskAvailable = tinyDiskReason === null;

/** Mounts a tmpfs of `kib` KiB on a new folder and returns the folder (mode 0755). */
export function mountTinyDisk(kib = 64): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-tinydisk-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k,mode=0755`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mount failed: ${r.stderr}`);
  return dir;
}

export function unmountTinyDisk(dir: string): void {
  spawnSync('umount', [dir]);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Fills the disk of `dir` with one file (returned) until not one more byte fits, or (`leaveKiB`) that much is left. */
export function fillDisk(dir: string, leaveKiB = 0): string {
  const reserve = path.join(dir, 'reserve.bin');
  if (leaveKiB) fs.writeFileSync(reserve, Buffer.alloc(leaveKiB * 1024));
  try {
    return fillAll(dir);
  } finally {
    fs.rmSync(reserve, { force: true });
  }
}

function fillAll(dir: string): string {
  const filler = path.join(dir, 'filler.bin');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
  try {
    for (;;) fs.writeSync(fd, chunk, 0, 1);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

/** Everything in `dir` but the filler: what a run left behind. */
export function leftIn(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n !== 'filler.bin').sort();
}
