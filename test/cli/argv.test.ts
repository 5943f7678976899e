import { describe, expect, it } from 'vitest';
import { commandNameIn } from '../../src/cli/argv.js';

describe('commandNameIn: the command a command line names, before commander reads it', () => {
  it.each([
    [['audit'], 'audit'],
    [['--db', 'x.db', 'audit', '--year', '2025'], 'audit'],
    [['--lang', 'zh', '--operator', 'audit', 'courses'], 'courses'],
    [['--policy', 'p.json', '--no-color', 'import-hours', 'a.csv'], 'import-hours'],
    [['--lang=zh', 'log'], 'log'],
    [['--help'], undefined],
    [['--db', 'audit'], undefined],
    [[], undefined],
  ])('%j → %s', (argv, name) => {
    expect(commandNameIn(argv)).toBe(name);
  });
});
