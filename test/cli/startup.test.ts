/**
 * How bin/cadre.js starts the program: the bundle (bin/bundle.mjs) compiled
 * from V8's code cache in dist/.code-cache/, and a closed pipe on stdout.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath, repoRoot, runCli, tempDir } from '../helpers/cli.js';

const cacheDir = path.join(repoRoot, 'dist', '.code-cache');
const build = () => JSON.parse(fs.readFileSync(path.join(repoRoot, 'dist', 'bundle', 'build.json'), 'utf8')) as { hash: string };
const cacheOf = (command: string) => path.join(cacheDir, `${build().hash}-${process.version}-${process.arch}-${command}.bin`);

describe('the bundle and its code cache', () => {
  it('npm run build made the bundle the program runs, with its hash', () => {
    const bundle = fs.readFileSync(path.join(repoRoot, 'dist', 'bundle', 'main.cjs'));
    expect(build().hash).toMatch(/^[0-9a-f]{16}$/);
    expect(bundle.length).toBeGreaterThan(100_000);
  });

  it('a command writes its cache after its first successful run, reads it after, and a spoiled cache is replaced, the output the same each time', async () => {
    const dir = tempDir();
    const env = { CADRE_DB: path.join(dir, 'cadre.db'), CADRE_OPERATOR: 'tester' };
    // Only issue-accounts creates a database.
    fs.writeFileSync(path.join(dir, 'roster.csv'), 'staff_no,name,department,rank,appointed_on\nS1,Alice,Law,division,2024-09-10\n');
    const created = await runCli(['issue-accounts', 'roster.csv', '--out', 'creds.csv'], { cwd: dir, env });
    expect(created.code, created.stderr).toBe(0);
    const made = await runCli(['require', '--year', '2025', '--rank', 'division', 'C101', '--hours', '2', '--title', '党史'], { cwd: dir, env });
    expect(made.code, made.stderr).toBe(0);
    // `courses` lists the one course: a command no other test runs.
    const file = cacheOf('courses');
    fs.rmSync(file, { force: true });
    // A refused run compiles little of the command: it leaves no cache.
    const refused = await runCli(['courses', '--format', 'yaml'], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(fs.existsSync(file)).toBe(false);
    const first = await runCli(['courses', '--format', 'json'], { cwd: dir, env });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject([{ code: 'C101' }]);
    expect(fs.existsSync(file)).toBe(true);
    const written = fs.statSync(file).mtimeMs;
    const second = await runCli(['courses', '--format', 'json'], { cwd: dir, env });
    expect(second).toEqual(first);
    expect(fs.statSync(file).mtimeMs).toBe(written);
    // Garbage where the cache was: V8 refuses it, the command runs all the same and writes a good one.
    fs.writeFileSync(file, Buffer.alloc(4096, 7));
    const third = await runCli(['courses', '--format', 'json'], { cwd: dir, env });
    expect(third).toEqual(first);
    expect(fs.readFileSync(file).equals(Buffer.alloc(4096, 7))).toBe(false);
    // And no temporary file is left beside it.
    expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('code caches of commands that change V8\'s heap settings (src/shell/small-heap.ts)', () => {
  it('are made once and read by every later run: the office-wide audit, and the report PDF with its two package bundles', async () => {
    const dir = tempDir();
    const env = { CADRE_DB: path.join(dir, 'cadre.db'), CADRE_OPERATOR: 'tester' };
    fs.writeFileSync(path.join(dir, 'roster.csv'), 'staff_no,name,department,rank,appointed_on\nS1,闫文,法学院,division,2024-09-10\nS2,李明,法学院,section,2024-09-10\n');
    expect((await runCli(['issue-accounts', 'roster.csv', '--out', 'creds.csv'], { cwd: dir, env })).code).toBe(0);
    // V8 keeps a hash of its flags in a cache and refuses one made under other flags: a cache made
    // after the command's heap settings was refused and made again by every run.
    const stamp = (file: string) => {
      const st = fs.statSync(file);
      return `${st.ino} ${st.mtimeMs}`;
    };
    const runs = async (args: (n: number) => string[], files: string[]) => {
      for (const f of files) fs.rmSync(f, { force: true });
      const seen: string[][] = [];
      for (const n of [1, 2, 3]) {
        const r = await runCli(args(n), { cwd: dir, env });
        expect(r.code, r.stderr).toBe(0);
        seen.push(files.map((f) => (fs.existsSync(f) ? stamp(f) : 'none')));
      }
      // Made by the first run; the second and third read it and leave it as it was.
      expect(seen[0]).not.toContain('none');
      expect(seen[1]).toEqual(seen[0]);
      expect(seen[2]).toEqual(seen[0]);
    };
    await runs(() => ['audit', '--format', 'json'], [cacheOf('audit')]);
    await runs((n) => ['report', '--year', '2025', '--out', `r${n}.pdf`], [cacheOf('report'), cacheOf('pdf-lean'), cacheOf('charts-lean')]);
  });
});

describe('the PDF bundle (dist/bundle/pdf.cjs) and its code cache', () => {
  it('a PDF is drawn by pdfkit as the build bundled it, compiled from its own cache once written; a spoiled cache is replaced, the PDF the same', async () => {
    expect(fs.statSync(path.join(repoRoot, 'dist', 'bundle', 'pdf.cjs')).size).toBeGreaterThan(100_000);
    const dir = tempDir();
    const env = { CADRE_DB: path.join(dir, 'cadre.db'), CADRE_OPERATOR: 'tester' };
    fs.writeFileSync(path.join(dir, 'roster.csv'), 'staff_no,name,department,rank,appointed_on\nS1,闫文,法学院,division,2024-09-10\n');
    expect((await runCli(['issue-accounts', 'roster.csv', '--out', 'creds.csv'], { cwd: dir, env })).code).toBe(0);
    const id = fs.readFileSync(path.join(dir, 'creds.csv'), 'utf8').split('\n')[1].split(',')[0];
    const file = cacheOf('pdf');
    fs.rmSync(file, { force: true });
    const texts: string[] = [];
    for (const n of [1, 2, 3]) {
      if (n === 3) fs.writeFileSync(file, Buffer.alloc(4096, 7));
      const r = await runCli(['certificate', id, '--out', `c${n}.pdf`], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(0);
      expect(fs.existsSync(file)).toBe(true);
      const pdf = fs.readFileSync(path.join(dir, `c${n}.pdf`));
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      // Its Chinese drawn in the font files of the package, subset and embedded, pages counted alike.
      const text = pdf.toString('latin1');
      texts.push(`${/NotoSansSC/.test(text) && /FontFile2/.test(text)} ${(text.match(/\/Type \/Page\b/g) ?? []).length}`);
    }
    expect(fs.readFileSync(file).equals(Buffer.alloc(4096, 7))).toBe(false);
    expect(new Set(texts).size).toBe(1);
    expect(texts[0]).toMatch(/^true [1-9]/);
  });
});

describe('a closed pipe on stdout', () => {
  it('ends the output quietly: exit 0, nothing on stderr', async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [binPath, 'audit', '--help'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c) => (stderr += c));
      // The reader goes away before the help is written.
      child.stdout.destroy();
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('a bundle older than the modules (tsc run alone after a build)', () => {
  it('is not run: the modules are', () => {
    // A copy of the program whose bundle only throws.
    const root = tempDir('cadre-stale-');
    fs.cpSync(path.join(repoRoot, 'dist'), path.join(root, 'dist'), { recursive: true, filter: (src) => !src.includes('.code-cache') });
    fs.cpSync(path.join(repoRoot, 'bin'), path.join(root, 'bin'), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(root, 'package.json'));
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    fs.symlinkSync(path.join(repoRoot, 'data'), path.join(root, 'data'), 'dir');
    fs.writeFileSync(path.join(root, 'dist', 'bundle', 'main.cjs'), "throw new Error('the bundle ran');\n");
    const buildFile = path.join(root, 'dist', 'bundle', 'build.json');
    const mainJs = path.join(root, 'dist', 'cli', 'main.js');
    const run = () => spawnSync(process.execPath, [path.join(root, 'bin', 'cadre.js'), '--db', path.join(root, 'none.db'), 'courses'], { encoding: 'utf8', env: { ...process.env, CADRE_LANG: 'en' } });
    // The build's stamp matches the modules: the (broken) bundle runs, so the check below can fail.
    fs.writeFileSync(buildFile, JSON.stringify({ hash: 'test', modules: fs.statSync(mainJs).mtimeMs }));
    expect(run().stderr).toContain('the bundle ran');
    // The modules rewritten after the bundle: they run, and say the database is missing.
    fs.utimesSync(mainJs, new Date(), new Date(Date.now() + 60_000));
    const r = run();
    expect(r.stderr).not.toContain('the bundle ran');
    expect(r.stderr).toMatch(/does not exist/);
    expect(r.status).toBe(2);
  });
});
