/**
 * The one way the tool writes a file (DESIGN.md, pattern 5).
 *
 * - The bytes go to a temporary file beside the target, created exclusively
 *   (`O_CREAT|O_EXCL|O_NOFOLLOW`) with its mode set at creation and again with
 *   fchmod (so the umask cannot widen or narrow it): 0600 unless the caller
 *   says otherwise. Nobody ever sees half a file under the target's name.
 * - `commit()` flushes the file to disk and puts it in place:
 *     - without `overwrite`, by a hard link to the target name, which fails if
 *       anything (a file, a directory, a symlink, even a dangling one) already
 *       has the name: an existing file is never replaced and a symlink is never
 *       followed. Where the file system has no hard links (FAT, some shares)
 *       the target is created exclusively instead and the temporary renamed
 *       over that empty file of ours;
 *     - with `overwrite`, by rename, which replaces a symlink itself, never
 *       the file it points to. A directory at the target is refused.
 *   The folder is then synced, so the name survives a power cut.
 * - `discard()` (and any failure inside `commit()`) removes the temporary:
 *   nothing is left behind.
 *
 * Temporary names are `.<target name>.<pid>.<random>.cadre-tmp`, so a run
 * killed between create and commit leaves a file whose owner is known (see
 * `sweepStaleTemps`).
 *
 * Folders the tool creates for its outputs are 0700 (`ensureDir`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InputError, msg } from '../errors.js';

export const TEMP_SUFFIX = '.cadre-tmp';

/** Files holding personal data or hashes. */
export const PRIVATE_MODE = 0o600;
/** Files anyone on the machine may read (caches of the program's own text). */
export const PUBLIC_MODE = 0o644;

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

export interface AtomicOptions {
  /** Mode of the file at creation; default 0600. */
  mode?: number;
  /** Replace an existing file at the target (the user asked for it). Default: refuse. */
  overwrite?: boolean;
  /** How the user asks for an overwrite, for the refusal's fix (e.g. "--overwrite"). */
  overwriteHint?: string;
  /** Skip fsync (caches that may be lost without harm). */
  noSync?: boolean;
}

/** Creates `dir` (and parents) if missing, each new folder 0700. */
export function ensureDir(dir: string): void {
  const abs = path.resolve(dir);
  try {
    if (fs.statSync(abs).isDirectory()) return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  ensureDir(path.dirname(abs));
  try {
    fs.mkdirSync(abs, { mode: 0o700 });
    fs.chmodSync(abs, 0o700);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/** The refusal for a target that already exists. */
export function existsError(target: string, hint?: string): InputError {
  return new InputError(
    msg('file.exists', { file: target }),
    [],
    hint ? msg('file.fix.existsOverwrite', { option: hint }) : msg('file.fix.exists'),
  );
}

function isDirectory(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* some file systems cannot sync a folder; the rename itself stands */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export class AtomicFile {
  readonly target: string;
  readonly tmp: string;
  private fd: number | null;
  private done = false;
  private readonly opts: AtomicOptions;

  /**
   * Opens the temporary beside `target`. Refuses at once (before any work) a
   * target that exists when overwriting was not asked for, and a directory.
   */
  constructor(target: string, opts: AtomicOptions = {}) {
    this.opts = opts;
    this.target = path.resolve(target);
    if (isDirectory(this.target)) throw new InputError(msg('file.isDirectory', { file: target }), [], msg('file.fix.exists'));
    if (!opts.overwrite && exists(this.target)) throw existsError(target, opts.overwriteHint);
    const dir = path.dirname(this.target);
    const mode = opts.mode ?? PRIVATE_MODE;
    const tmp = path.join(dir, `.${path.basename(this.target)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
    // A long target name must still leave room for the temporary's: shorten the temporary, not the target.
    this.tmp = Buffer.byteLength(path.basename(tmp)) > 255
      ? path.join(dir, `.cadre.${process.pid}.${crypto.randomBytes(6).toString('hex')}${TEMP_SUFFIX}`)
      : tmp;
    this.fd = fs.openSync(this.tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW, mode);
    try {
      fs.fchmodSync(this.fd, mode);
    } catch (e) {
      this.discard();
      throw e;
    }
  }

  write(data: string | Uint8Array): void {
    if (this.fd === null) throw new Error('AtomicFile: write after close');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      for (let at = 0; at < bytes.length; ) at += fs.writeSync(this.fd, bytes, at, bytes.length - at);
    } catch (e) {
      this.discard();
      throw e;
    }
  }

  /** Flushes, closes and puts the file in place. On failure the temporary is gone and the target untouched. */
  commit(): void {
    if (this.done) return;
    try {
      if (this.fd !== null) {
        if (!this.opts.noSync) fs.fsyncSync(this.fd);
        fs.closeSync(this.fd);
        this.fd = null;
      }
      if (this.opts.overwrite) {
        if (isDirectory(this.target)) throw new InputError(msg('file.isDirectory', { file: this.target }), [], msg('file.fix.exists'));
        fs.renameSync(this.tmp, this.target);
      } else {
        this.linkIntoPlace();
      }
      this.done = true;
    } catch (e) {
      this.discard();
      throw e;
    }
    if (!this.opts.noSync) syncDir(path.dirname(this.target));
  }

  private linkIntoPlace(): void {
    try {
      fs.linkSync(this.tmp, this.target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw existsError(this.target, this.opts.overwriteHint);
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw e;
      // No hard links here: claim the name exclusively, then rename over our own empty file.
      let fd: number;
      try {
        fd = fs.openSync(this.target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW, this.opts.mode ?? PRIVATE_MODE);
      } catch (e2) {
        if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') throw existsError(this.target, this.opts.overwriteHint);
        throw e2;
      }
      fs.closeSync(fd);
      fs.renameSync(this.tmp, this.target);
      return;
    }
    fs.unlinkSync(this.tmp);
  }

  /** Removes the temporary (idempotent). Never throws. */
  discard(): void {
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = null;
    }
    if (!this.done) {
      this.done = true;
      try {
        fs.rmSync(this.tmp, { force: true });
      } catch {
        /* best effort */
      }
    }
  }
}

/** Writes a whole file atomically (see AtomicFile). */
export function writeFileAtomic(target: string, data: string | Uint8Array, opts: AtomicOptions = {}): void {
  const f = new AtomicFile(target, opts);
  f.write(data);
  f.commit();
}

/**
 * Removes temporaries of this tool in `dir` left by runs that were killed
 * (their process is gone). Returns the names removed, for the caller to say so.
 */
export function sweepStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.endsWith(TEMP_SUFFIX) || !name.startsWith('.')) continue;
    const pid = Number(/\.(\d+)\.[0-9a-f]+\.cadre-tmp$/.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    try {
      fs.rmSync(path.join(dir, name), { force: true });
      removed.push(name);
    } catch {
      /* not ours to remove */
    }
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
