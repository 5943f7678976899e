/**
 * The one way the tool writes a file (src/io/atomic-file.ts): exclusive
 * create, no symlink followed, mode at creation whatever the umask, link or
 * rename into place, nothing left on failure, never an overwrite that was not
 * asked for; several files put in place as one; a full disk told as such.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CadreError, InputError } from '../../src/errors.js';
import { createTranslator } from '../../src/i18n/index.js';
import {
  AtomicFile,
  FileWriteError,
  HOST_TAG,
  PUBLIC_MODE,
  TEMP_SUFFIX,
  commitAll,
  diskOf,
  ensureDir,
  fileSystemError,
  removeCreatedDirs,
  sweepStaleTemps,
  targetOfTemp,
  writeFileAtomic,
} from '../../src/io/atomic-file.js';
import { repoRoot } from '../helpers/cli.js';
import { fillDisk, leftIn, mountTinyDisk, tinyDiskAvailable, tinyDiskReason, unmountTinyDisk } from '../helpers/tmpfs.js';

if (!tinyDiskAvailable) console.warn(`skipped: the full-disk tests on a real tmpfs, because ${tinyDiskReason}`);

const en = createTranslator('en');
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-atomic-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;
const temps = (d = dir) => fs.readdirSync(d).filter((n) => n.endsWith(TEMP_SUFFIX));
const withUmask = <T>(mask: number, fn: () => T): T => {
  const old = process.umask(mask);
  try {
    return fn();
  } finally {
    process.umask(old);
  }
};
function thrown(fn: () => unknown): CadreError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CadreError) return e;
    throw e;
  }
  throw new Error('did not throw');
}
const enospc = (p: string) => Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', errno: -28, syscall: 'write', path: p });

describe('one file', () => {
  it('is 0600 whatever the umask, unless told otherwise', () => {
    for (const mask of [0o000, 0o077, 0o022]) {
      withUmask(mask, () => {
        const f = path.join(dir, `private-${mask}.csv`);
        writeFileAtomic(f, 'x');
        expect(modeOf(f)).toBe(0o600);
        const g = path.join(dir, `public-${mask}.txt`);
        writeFileAtomic(g, 'x', { mode: PUBLIC_MODE });
        expect(modeOf(g)).toBe(0o644);
      });
    }
    expect(temps()).toEqual([]);
  });

  it('nobody sees half a file: nothing at the name until commit, then all of it', () => {
    const f = path.join(dir, 'out.json');
    const a = new AtomicFile(f);
    a.write('[1,');
    expect(fs.existsSync(f)).toBe(false);
    expect(temps()).toHaveLength(1);
    a.write('2]');
    a.commit();
    expect(fs.readFileSync(f, 'utf8')).toBe('[1,2]');
    expect(temps()).toEqual([]);
  });

  it('an existing file is refused before any work, with the fix naming the option, and stays as it was', () => {
    const f = path.join(dir, 'audit.csv');
    fs.writeFileSync(f, 'old');
    const e = thrown(() => new AtomicFile(f, { overwriteHint: '--overwrite' }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.exitCode).toBe(2);
    expect(en.m(e.msg)).toMatch(/already exists/);
    expect(en.m(e.fix!)).toContain('--overwrite');
    expect(fs.readFileSync(f, 'utf8')).toBe('old');
    expect(temps()).toEqual([]);
  });

  it('a file that appears at the name while the output is made is not overwritten either', () => {
    const f = path.join(dir, 'audit.csv');
    const a = new AtomicFile(f);
    a.write('new');
    fs.writeFileSync(f, 'someone else');
    expect(thrown(() => a.commit()).msg.key).toBe('file.exists');
    expect(fs.readFileSync(f, 'utf8')).toBe('someone else');
    expect(temps()).toEqual([]);
  });

  it('with overwrite, replaces the file', () => {
    const f = path.join(dir, 'audit.csv');
    fs.writeFileSync(f, 'old');
    writeFileAtomic(f, 'new', { overwrite: true });
    expect(fs.readFileSync(f, 'utf8')).toBe('new');
    expect(modeOf(f)).toBe(0o600);
  });

  it('a directory at the name is refused, with or without overwrite', () => {
    const f = path.join(dir, 'out');
    fs.mkdirSync(f);
    expect(thrown(() => writeFileAtomic(f, 'x')).msg.key).toBe('file.isDirectory');
    expect(thrown(() => writeFileAtomic(f, 'x', { overwrite: true })).msg.key).toBe('file.isDirectory');
    expect(temps()).toEqual([]);
  });

  describe('a symbolic link at the name is never followed', () => {
    for (const kind of ['dangling', 'to an existing file'] as const) {
      it(`${kind}: refused without overwrite, the file it points to untouched`, () => {
        const pointee = path.join(dir, 'pointee.txt');
        if (kind === 'to an existing file') fs.writeFileSync(pointee, 'precious');
        const f = path.join(dir, 'audit.csv');
        fs.symlinkSync(pointee, f);
        expect(thrown(() => writeFileAtomic(f, 'data')).msg.key).toBe('file.exists');
        expect(fs.lstatSync(f).isSymbolicLink()).toBe(true);
        if (kind === 'dangling') expect(fs.existsSync(pointee)).toBe(false);
        else expect(fs.readFileSync(pointee, 'utf8')).toBe('precious');
        expect(temps()).toEqual([]);
      });
      it(`${kind}: with overwrite, the link itself is replaced by the file, the file it points to untouched`, () => {
        const pointee = path.join(dir, 'pointee.txt');
        if (kind === 'to an existing file') fs.writeFileSync(pointee, 'precious');
        const f = path.join(dir, 'audit.csv');
        fs.symlinkSync(pointee, f);
        writeFileAtomic(f, 'data', { overwrite: true });
        expect(fs.lstatSync(f).isFile()).toBe(true);
        expect(fs.readFileSync(f, 'utf8')).toBe('data');
        if (kind === 'dangling') expect(fs.existsSync(pointee)).toBe(false);
        else expect(fs.readFileSync(pointee, 'utf8')).toBe('precious');
      });
    }
    it('a link planted at a temporary name is not written through either', () => {
      // The temporary is created with O_EXCL|O_NOFOLLOW: guess its name and plant a link there.
      const pointee = path.join(dir, 'pointee.txt');
      fs.writeFileSync(pointee, 'precious');
      const randomBytes = vi.spyOn(crypto, 'randomBytes').mockImplementation(((n: number) => Buffer.alloc(n, 0xab)) as never);
      const f = path.join(dir, 'audit.csv');
      const planted = path.join(dir, `.audit.csv.${process.pid}.${HOST_TAG}abababab${TEMP_SUFFIX}`);
      fs.symlinkSync(pointee, planted);
      expect(() => writeFileAtomic(f, 'data')).toThrow();
      randomBytes.mockRestore();
      expect(fs.readFileSync(pointee, 'utf8')).toBe('precious');
      expect(fs.existsSync(f)).toBe(false);
    });
  });

  it('discard leaves nothing', () => {
    const f = path.join(dir, 'x.csv');
    const a = new AtomicFile(f);
    a.write('partial');
    a.discard();
    a.discard();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a failure half-way through writing leaves no temporary and no file, and says which file and disk', () => {
    const f = path.join(dir, 'big.json');
    const a = new AtomicFile(f);
    a.write('first chunk');
    const real = fs.writeSync;
    vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, ...rest: unknown[]) => {
      void fd;
      void rest;
      throw enospc(a.tmp);
    }) as typeof real);
    const e = thrown(() => a.write('second chunk'));
    vi.restoreAllMocks();
    expect(e).toBeInstanceOf(FileWriteError);
    expect(e.exitCode).toBe(2);
    expect((e as FileWriteError).code).toBe('ENOSPC');
    expect((e as FileWriteError).target).toBe(f);
    expect((e as FileWriteError).disk).toBe(diskOf(dir));
    const text = en.m(e.msg);
    expect(text).toContain(f);
    expect(text).toMatch(/full/);
    expect(en.m(e.fix!)).toContain(diskOf(dir));
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a full disk found when flushing (fsync) also leaves nothing', () => {
    const f = path.join(dir, 'big.json');
    const a = new AtomicFile(f);
    a.write('all of it');
    vi.spyOn(fs, 'fsyncSync').mockImplementation(() => {
      throw Object.assign(new Error('EDQUOT'), { code: 'EDQUOT' });
    });
    const e = thrown(() => a.commit());
    vi.restoreAllMocks();
    expect((e as FileWriteError).code).toBe('EDQUOT');
    expect(en.m(e.msg)).toMatch(/full/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a folder that does not exist is a FileWriteError naming the file, not an unexpected error', () => {
    const f = path.join(dir, 'missing', 'x.csv');
    const e = thrown(() => writeFileAtomic(f, 'x'));
    expect(e).toBeInstanceOf(FileWriteError);
    expect((e as FileWriteError).code).toBe('ENOENT');
    expect(en.m(e.msg)).toContain(f);
  });

  it('a long name leaves room for its temporary', () => {
    const f = path.join(dir, '计'.repeat(80) + '.csv');
    const a = new AtomicFile(f);
    expect(Buffer.byteLength(path.basename(a.tmp))).toBeLessThanOrEqual(255);
    a.write('x');
    a.commit();
    expect(fs.readFileSync(f, 'utf8')).toBe('x');
  });
});

describe('several files as one (commitAll)', () => {
  function written(names: string[], opts: { overwrite?: boolean } = {}): AtomicFile[] {
    return names.map((n) => {
      const a = new AtomicFile(path.join(dir, n), opts);
      a.write(`new ${n}`);
      a.flush();
      return a;
    });
  }
  it('puts all in place', () => {
    commitAll(written(['a.csv', 'b.csv', 'c.csv']));
    expect(fs.readdirSync(dir).sort()).toEqual(['a.csv', 'b.csv', 'c.csv']);
    expect(fs.readFileSync(path.join(dir, 'b.csv'), 'utf8')).toBe('new b.csv');
  });
  it('or none: when the third cannot be put in place, the first two are taken back and no temporary is left', () => {
    const files = written(['a.csv', 'b.csv', 'c.csv']);
    fs.writeFileSync(path.join(dir, 'c.csv'), 'theirs');
    expect(thrown(() => commitAll(files)).msg.key).toBe('file.exists');
    expect(fs.readdirSync(dir)).toEqual(['c.csv']);
    expect(fs.readFileSync(path.join(dir, 'c.csv'), 'utf8')).toBe('theirs');
  });
  it('or none with overwrite: the files already replaced come back as they were', () => {
    for (const n of ['a.csv', 'b.csv']) fs.writeFileSync(path.join(dir, n), `old ${n}`);
    const files = written(['a.csv', 'b.csv', 'c.csv'], { overwrite: true });
    const rename = fs.renameSync;
    let calls = 0;
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      // The third file's rename into place fails on a full disk.
      if (String(to).endsWith('c.csv') && String(from).endsWith(TEMP_SUFFIX) && ++calls === 1) throw enospc(String(from));
      return rename(from, to);
    });
    const e = thrown(() => commitAll(files));
    vi.restoreAllMocks();
    expect((e as FileWriteError).code).toBe('ENOSPC');
    expect(fs.readdirSync(dir).sort()).toEqual(['a.csv', 'b.csv']);
    expect(fs.readFileSync(path.join(dir, 'a.csv'), 'utf8')).toBe('old a.csv');
    expect(fs.readFileSync(path.join(dir, 'b.csv'), 'utf8')).toBe('old b.csv');
  });
  it('a Ctrl-C while the files go in place waits until all of them are', () => {
    // In a child of its own (the built module): the first link into place sends SIGINT to the process itself.
    const script = `
      import fs from 'node:fs';
      import path from 'node:path';
      import { AtomicFile, commitAll } from ${JSON.stringify(path.join(repoRoot, 'dist', 'io', 'atomic-file.js'))};
      const dir = process.argv[1];
      const files = ['a.csv', 'b.csv', 'c.csv'].map((n) => { const f = new AtomicFile(path.join(dir, n)); f.write(n); return f; });
      const link = fs.linkSync;
      let sent = false;
      fs.linkSync = (from, to) => { link(from, to); if (!sent) { sent = true; process.kill(process.pid, 'SIGINT'); } };
      commitAll(files);
      process.stdout.write('placed all\\n');
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, dir], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('placed all\n');
    expect(fs.readdirSync(dir).sort()).toEqual(['a.csv', 'b.csv', 'c.csv']);
  });
  it('with overwrite and success: no second name of a replaced file is left', () => {
    fs.writeFileSync(path.join(dir, 'a.csv'), 'old');
    commitAll(written(['a.csv', 'b.csv'], { overwrite: true }));
    expect(fs.readdirSync(dir).sort()).toEqual(['a.csv', 'b.csv']);
    expect(fs.readFileSync(path.join(dir, 'a.csv'), 'utf8')).toBe('new a.csv');
  });
});

describe('folders', () => {
  it('are created 0700 under any umask, and only the created ones are removed again', () => {
    withUmask(0, () => {
      const deep = path.join(dir, 'a', 'b', 'c');
      const created = ensureDir(deep);
      expect(created).toEqual([path.join(dir, 'a'), path.join(dir, 'a', 'b'), deep]);
      for (const d of created) expect(modeOf(d)).toBe(0o700);
      expect(ensureDir(deep)).toEqual([]);
      removeCreatedDirs(created);
      expect(fs.readdirSync(dir)).toEqual([]);
    });
  });
  it('a folder someone else created is left alone', () => {
    fs.mkdirSync(path.join(dir, 'theirs'), { mode: 0o755 });
    const created = ensureDir(path.join(dir, 'theirs', 'mine'));
    expect(created).toEqual([path.join(dir, 'theirs', 'mine')]);
    removeCreatedDirs(created);
    expect(fs.readdirSync(dir)).toEqual(['theirs']);
  });
});

describe('temporaries of killed runs', () => {
  function deadPid(): number {
    // A pid no process has: a child that has exited.
    for (let pid = 4_000_000; pid > 100_000; pid -= 7919) {
      try {
        process.kill(pid, 0);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ESRCH') return pid;
      }
    }
    throw new Error('no free pid found');
  }
  it('are removed when their process is gone and they were made on this machine, and named', () => {
    const dead = deadPid();
    const stale = `.audit.csv.${dead}.${HOST_TAG}0badf00d${TEMP_SUFFIX}`;
    const live = `.audit.csv.${process.ppid}.${HOST_TAG}0badf00d${TEMP_SUFFIX}`;
    const elsewhere = `.audit.csv.${dead}.${HOST_TAG === 'ffff' ? 'eeee' : 'ffff'}0badf00d${TEMP_SUFFIX}`;
    const notOurs = 'audit.csv.cadre-tmp';
    for (const n of [stale, live, elsewhere, notOurs]) fs.writeFileSync(path.join(dir, n), 'x');
    expect(sweepStaleTemps(dir)).toEqual([stale]);
    expect(fs.readdirSync(dir).sort()).toEqual([live, elsewhere, notOurs].sort());
  });
  it('a temporary made now carries this machine\'s tag, so a killed run\'s is found', () => {
    const a = new AtomicFile(path.join(dir, 'x.csv'));
    expect(path.basename(a.tmp)).toMatch(new RegExp(`^\\.x\\.csv\\.${process.pid}\\.${HOST_TAG}[0-9a-f]{8}\\.cadre-tmp$`));
    a.discard();
  });
});

describe('errors that reach the top (fileSystemError)', () => {
  it('name the target of a temporary, not the temporary', () => {
    expect(targetOfTemp(path.join('/d', `.audit.csv.123.${HOST_TAG}00ff00ff.cadre-tmp`))).toBe(path.join('/d', 'audit.csv'));
    expect(targetOfTemp('/d/cred.csv.123.tmp')).toBe('/d/cred.csv');
    expect(targetOfTemp('/d/plain.csv')).toBe('/d/plain.csv');
    expect(targetOfTemp(path.join('/d', '.cadre.1.00ff00ff0000.cadre-tmp'))).toBe('/d');
  });
  it('a full disk (ENOSPC, EDQUOT, EFBIG) is exit 2 naming the file and the disk', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'EFBIG']) {
      const e = fileSystemError(Object.assign(new Error(code), { code, path: path.join(dir, `.x.csv.1.${HOST_TAG}00000000.cadre-tmp`) }));
      expect(e).toBeInstanceOf(FileWriteError);
      expect(e!.exitCode).toBe(2);
      expect(en.m(e!.msg)).toContain(path.join(dir, 'x.csv'));
      expect(en.m(e!.msg)).toContain(diskOf(dir));
      expect(en.m(e!.msg)).not.toContain('cadre-tmp');
    }
  });
  it('another file system error is exit 2 naming the file; anything else is not its business', () => {
    const e = fileSystemError(Object.assign(new Error('EACCES'), { code: 'EACCES', path: '/d/x.csv' }));
    expect(e!.msg.key).toBe('error.fileSystem');
    expect(e!.msg.params).toMatchObject({ file: '/d/x.csv', code: 'EACCES' });
    expect(fileSystemError(new Error('boom'))).toBeNull();
    expect(fileSystemError(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }))).toBeNull();
  });
  it('the disk of a path is a mount point that holds it', () => {
    const disk = diskOf(path.join(dir, 'not-yet', 'x.csv'));
    expect(fs.statSync(disk).isDirectory()).toBe(true);
    expect(fs.realpathSync(dir).startsWith(disk === '/' ? '/' : disk)).toBe(true);
  });
});

describe.runIf(tinyDiskAvailable)('on a real full disk (a tiny tmpfs)', () => {
  let disk: string;
  beforeEach(() => {
    disk = mountTinyDisk(64);
  });
  afterEach(() => unmountTinyDisk(disk));

  it('a file that does not fit is a FileWriteError naming the disk, and nothing is left', () => {
    fillDisk(disk);
    const f = path.join(disk, 'audit.json');
    const e = thrown(() => writeFileAtomic(f, Buffer.alloc(100_000, 65)));
    expect((e as FileWriteError).code).toBe('ENOSPC');
    expect((e as FileWriteError).disk).toBe(disk);
    expect(leftIn(disk)).toEqual([]);
  });
  it('a set of files that does not fit leaves none of them', () => {
    const files = ['a.csv', 'b.csv', 'c.csv'].map((n) => new AtomicFile(path.join(disk, n)));
    const e = thrown(() => {
      for (const f of files) {
        f.write(Buffer.alloc(30_000, 66));
        f.flush();
      }
      commitAll(files);
    });
    for (const f of files) f.discard();
    expect((e as FileWriteError).code).toBe('ENOSPC');
    expect(leftIn(disk)).toEqual([]);
  });
});
