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
 * - `commitAll()` puts several files in place as one: if any cannot be, the
 *   ones this call already put in place are taken back (a file one of them
 *   replaced comes back under its name) and every temporary is removed.
 * - A file system error while creating, writing or placing the file (a full
 *   disk above all: ENOSPC, EDQUOT, EFBIG) is thrown as a FileWriteError
 *   (exit 2) naming the file and, for a full disk, the disk; the temporary is
 *   gone by then.
 *
 * Temporary names are `.<target name>.<pid>.<tag>.cadre-tmp` (the tag: four
 * hex digits of this machine's name, then random ones), so a run killed
 * between create and commit leaves a file whose owner is known (see
 * `sweepStaleTemps`).
 *
 * Folders the tool creates for its outputs are 0700 (`ensureDir`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CadreError, InputError, msg } from '../errors.js';

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

/** Error codes of a full disk (no space, over quota, file too large for it). */
export const FULL_DISK_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/**
 * Creates `dir` (and parents) if missing, each new folder 0700. Returns the
 * folders it created, outermost first (for `removeCreatedDirs` after a failure).
 */
export function ensureDir(dir: string): string[] {
  const abs = path.resolve(dir);
  try {
    if (fs.statSync(abs).isDirectory()) return [];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(e, abs);
  }
  const created = abs === path.dirname(abs) ? [] : ensureDir(path.dirname(abs));
  try {
    fs.mkdirSync(abs, { mode: 0o700 });
    fs.chmodSync(abs, 0o700);
    created.push(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError(e, abs);
  }
  return created;
}

/** Removes folders ensureDir created, innermost first, if they are still empty. Never throws. */
export function removeCreatedDirs(created: readonly string[]): void {
  for (const dir of [...created].reverse()) {
    try {
      fs.rmdirSync(dir);
    } catch {
      /* not empty, or gone: leave it */
    }
  }
}

/**
 * The disk a path is on, for a message: its drive on Windows (`D:\`), the
 * mount point on Linux (from /proc/self/mounts), else the nearest folder
 * that exists.
 */
export function diskOf(p: string): string {
  const abs = path.resolve(p);
  if (process.platform === 'win32') return path.parse(abs).root || abs;
  let real = abs;
  // The nearest folder that exists, its links resolved: the mount table names real paths.
  for (let at = abs; ; at = path.dirname(at)) {
    try {
      real = fs.realpathSync(at);
      break;
    } catch {
      if (at === path.dirname(at)) break;
    }
  }
  try {
    let best = '';
    for (const line of fs.readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
      const mount = (line.split(' ')[1] ?? '').replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
      if (!mount.startsWith('/')) continue;
      const inside = mount === '/' || real === mount || real.startsWith(mount + '/');
      if (inside && mount.length > best.length) best = mount;
    }
    if (best) return best;
  } catch {
    /* no mount table here (macOS): the folder */
  }
  return real;
}

/** Whether the disk of `p` has (almost) no room left: less than 64 KiB for the user. False when it cannot be told. */
export function noRoomOn(p: string): boolean {
  try {
    const st = fs.statfsSync(path.dirname(path.resolve(p)));
    return st.bavail * st.bsize < 65_536;
  } catch {
    return false;
  }
}

/**
 * A file the tool could not write (exit 2): which file, why, and for a full
 * disk which disk. Keeps the system's code (`code`), so callers can still
 * tell one from another. Nothing of the file is left when this is thrown.
 */
export class FileWriteError extends InputError {
  constructor(
    readonly target: string,
    readonly code: string,
    readonly disk?: string,
  ) {
    super(
      disk !== undefined ? msg('outputs.diskFull', { file: target, disk }) : msg('outputs.writeFailed', { file: target, code }),
      [],
      disk !== undefined ? msg('outputs.fix.diskFull', { disk }) : msg('error.fix.fileSystem'),
    );
  }
}

/**
 * `e` as the error to throw for writing `target`: a file system error becomes
 * a FileWriteError; the tool's own errors (a refusal) and anything else pass
 * as they are.
 */
export function writeError(e: unknown, target: string): unknown {
  if (e instanceof CadreError) return e;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return e;
  return new FileWriteError(target, code, FULL_DISK_CODES.has(code) ? diskOf(path.dirname(target)) : undefined);
}

/**
 * The file a path of the tool's stands for: a temporary
 * (`.<name>.<pid>.<tag>.cadre-tmp`, or the older `<name>.<pid>.tmp`) for its
 * target (a shortened one, `.cadre.<pid>.<tag>.cadre-tmp`, for its folder);
 * any other path for itself.
 */
export function targetOfTemp(p: string): string {
  const base = path.basename(p);
  const m = /^\.(.+)\.\d+\.[0-9a-f]+\.cadre-tmp$/.exec(base);
  if (m) return m[1] === 'cadre' ? path.dirname(p) : path.join(path.dirname(p), m[1]);
  return p.replace(/\.\d+\.tmp$/, '');
}

/**
 * How an error of the file system that reached the top is told (exit 2): the
 * file it is about (a temporary's target, not the temporary), and for a full
 * disk the disk. Null for anything else.
 */
export function fileSystemError(e: unknown): InputError | null {
  if (e instanceof FileWriteError) return e;
  const err = e as NodeJS.ErrnoException | null;
  if (typeof err?.code !== 'string' || typeof err.path !== 'string' || !/^E[A-Z0-9]+$/.test(err.code)) return null;
  const file = targetOfTemp(err.path);
  if (FULL_DISK_CODES.has(err.code)) return new FileWriteError(file, err.code, diskOf(path.dirname(file)));
  return new InputError(msg('error.fileSystem', { file, code: err.code }), [], msg('error.fix.fileSystem'));
}

/** Four hex digits that differ from machine to machine: a temporary made by another machine (a shared folder) is never swept here. */
export const HOST_TAG = crypto.createHash('sha256').update(os.hostname()).digest('hex').slice(0, 4);

function tempTag(): string {
  return HOST_TAG + crypto.randomBytes(4).toString('hex');
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
  /** Put in place by place(), not yet settled: rollback() can still take it back. */
  private placed = false;
  /** A second name of the file place() replaced, kept until settle() so that rollback() can bring it back. */
  private sideline: string | null = null;
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
    const mode = opts.mode ?? PRIVATE_MODE;
    this.tmp = tempBeside(this.target);
    try {
      this.fd = fs.openSync(this.tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW, mode);
    } catch (e) {
      this.fd = null;
      this.done = true;
      throw writeError(e, this.target);
    }
    try {
      fs.fchmodSync(this.fd, mode);
    } catch (e) {
      this.discard();
      throw writeError(e, this.target);
    }
  }

  write(data: string | Uint8Array): void {
    if (this.fd === null) throw new Error('AtomicFile: write after close');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      for (let at = 0; at < bytes.length; ) at += fs.writeSync(this.fd, bytes, at, bytes.length - at);
    } catch (e) {
      this.discard();
      throw writeError(e, this.target);
    }
  }

  /**
   * Flushes the bytes to disk and closes the temporary, which stays until
   * commit() or discard(): a caller writing many files need not hold one
   * open descriptor each. A full disk shows here at the latest.
   */
  flush(): void {
    if (this.fd === null) return;
    try {
      if (!this.opts.noSync) fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      this.fd = null;
    } catch (e) {
      this.discard();
      throw writeError(e, this.target);
    }
  }

  /**
   * flush() off the main thread: the fsync runs in the thread pool while the
   * caller makes its next file. The file must not be written, placed or
   * discarded until the promise settles (on failure the temporary is gone).
   */
  async flushAsync(): Promise<void> {
    if (this.fd === null) return;
    const fd = this.fd;
    try {
      if (!this.opts.noSync) await new Promise<void>((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));
      fs.closeSync(fd);
      this.fd = null;
    } catch (e) {
      this.discard();
      throw writeError(e, this.target);
    }
  }

  /** Flushes, closes and puts the file in place. On failure the temporary is gone and the target untouched. */
  commit(): void {
    if (this.done) return;
    this.place(false);
    this.placed = false;
    if (!this.opts.noSync) syncDir(path.dirname(this.target));
  }

  /**
   * Puts the file in place (see commit()); with `reversible`, what it
   * replaces keeps a second name until settle(), so that rollback() can
   * bring it back. On failure the temporary is gone and the target untouched.
   */
  place(reversible = true): void {
    if (this.done) return;
    this.flush();
    try {
      if (this.opts.overwrite) {
        if (isDirectory(this.target)) throw new InputError(msg('file.isDirectory', { file: this.target }), [], msg('file.fix.exists'));
        if (reversible && exists(this.target)) this.sideline = this.keepAside();
        fs.renameSync(this.tmp, this.target);
      } else {
        this.linkIntoPlace();
      }
      this.done = true;
      this.placed = true;
    } catch (e) {
      if (this.sideline) {
        try {
          if (!exists(this.target)) fs.renameSync(this.sideline, this.target);
          else fs.rmSync(this.sideline, { force: true });
        } catch {
          /* the sideline is a temporary: a later run sweeps it */
        }
        this.sideline = null;
      }
      this.discard();
      throw writeError(e, this.target);
    }
  }

  /** A second name for the file at the target (a hard link; where there is none, the file itself moved). */
  private keepAside(): string {
    const aside = tempBeside(this.target);
    try {
      // link() of a symbolic link links the link itself on Linux; elsewhere it may follow it: move a link instead.
      if (!fs.lstatSync(this.target).isSymbolicLink()) {
        fs.linkSync(this.target, aside);
        return aside;
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw e;
    }
    fs.renameSync(this.target, aside);
    return aside;
  }

  /** After place(): drops what it kept for rollback(). */
  settle(): void {
    if (!this.placed) return;
    this.placed = false;
    if (this.sideline) fs.rmSync(this.sideline, { force: true });
    this.sideline = null;
  }

  /**
   * After place() and before settle(): takes the file back out of place (a
   * file it replaced comes back). Never throws; false when it could not.
   */
  rollback(): boolean {
    if (!this.placed) return true;
    this.placed = false;
    try {
      if (this.sideline) fs.renameSync(this.sideline, this.target);
      else fs.unlinkSync(this.target);
      this.sideline = null;
      return true;
    } catch {
      return false;
    }
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

/** A fresh temporary name beside `target` (see the module's comment). */
function tempBeside(target: string): string {
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${tempTag()}${TEMP_SUFFIX}`);
  // A long target name must still leave room for the temporary's: shorten the temporary, not the target.
  return Buffer.byteLength(path.basename(tmp)) > 255 ? path.join(dir, `.cadre.${process.pid}.${tempTag()}${crypto.randomBytes(2).toString('hex')}${TEMP_SUFFIX}`) : tmp;
}

/**
 * Puts several written files in place as one: all of them, or none. If one
 * cannot be (it exists now, the disk is full), those this call already put in
 * place are taken back, a file one of them replaced comes back, every
 * temporary is removed, and the error is thrown.
 */
export function commitAll(files: readonly AtomicFile[]): void {
  const placed: AtomicFile[] = [];
  try {
    for (const f of files) f.flush();
  } catch (e) {
    for (const f of files) f.discard();
    throw e;
  }
  // Ctrl-C (or a polite kill) while the files go in place would leave some of them: while listened
  // to, a signal only queues, and this loop runs to its end first (a kill -9 still cannot be held).
  const hold = () => {};
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, hold);
  try {
    for (const f of files) {
      f.place(true);
      placed.push(f);
    }
  } catch (e) {
    for (const f of placed.reverse()) f.rollback();
    for (const f of files) f.discard();
    throw e;
  } finally {
    for (const s of signals) process.off(s, hold);
  }
  for (const f of placed) {
    try {
      f.settle();
    } catch {
      /* a second name left: a temporary that a later run sweeps */
    }
  }
  for (const dir of new Set(files.map((f) => path.dirname(f.target)))) syncDir(dir);
}

/** Writes a whole file atomically (see AtomicFile). */
export function writeFileAtomic(target: string, data: string | Uint8Array, opts: AtomicOptions = {}): void {
  const f = new AtomicFile(target, opts);
  f.write(data);
  f.commit();
}

/**
 * Removes temporaries of this tool in `dir` left by runs on this machine that
 * were killed (their process is gone; a temporary made by another machine
 * into a shared folder is left to that machine). Returns the names removed,
 * for the caller to say so.
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
    const m = /\.(\d+)\.([0-9a-f]+)\.cadre-tmp$/.exec(name);
    const pid = Number(m?.[1]);
    if (!m || !m[2].startsWith(HOST_TAG) || !pid || pid === process.pid || processAlive(pid)) continue;
    try {
      fs.rmSync(path.join(dir, name), { force: true });
      removed.push(name);
    } catch {
      /* not ours to remove */
    }
  }
  return removed;
}

/** Whether process `pid` is still running on this machine (one that exists but is not ours counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
