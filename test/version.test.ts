import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { VERSION } from '../src/cli/version.js';
import { repoRoot, runCli } from './helpers/cli.js';

// `cadre --version` prints a constant so it loads nothing; it must stay the package's version.
it('cadre --version is the version in package.json', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  expect(VERSION).toBe(pkg.version);
});

it('the binary prints that version, and exits 0', async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const r = await runCli([flag]);
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  }
});
