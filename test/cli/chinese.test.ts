/**
 * In Chinese throughout: the help (commander's titles, choices, defaults,
 * placeholders, "did you mean"), its width at the terminal's columns with
 * CJK counted as 2, `cadre help COMMAND`, `-v`, the help cache keyed by
 * language and width, the prompts' key hints, and the headers of the files
 * written in Chinese (credentials, rejected rows), which the importers read
 * back.
 */
import fs from 'node:fs';
import path from 'node:path';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { buildProgram, usageMessage } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/program.js';
import { wrap } from '../../src/cli/help.js';
import { displayWidth } from '../../src/io/text-width.js';
import { sections } from '../../src/i18n/catalogue/index.js';
import { createTranslator, type Lang } from '../../src/i18n/index.js';
import { CADRE_COLUMNS } from '../../src/import/columns.js';
import { ROSTER_SPEC } from '../../src/import/kinds/roster.js';
import { promptTheme, yesNo } from '../../src/shell/prompt-theme.js';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { cadreIn } from '../helpers/run.js';

/** The help `argv` prints, in-process, on a terminal of `columns`. */
async function helpOf(argv: string[], lang: Lang, columns = 80): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const term = (sink: string[]) => ({ isTTY: true, columns, write: (s: string | Uint8Array) => sink.push(String(s)) });
  const program = buildProgram(createTranslator(lang), async () => {}, undefined, undefined, { out: term(out), err: term(err) });
  let code = 0;
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    const c = (e as { code?: string }).code ?? '';
    if (!c.startsWith('commander.')) throw e;
    code = c === 'commander.helpDisplayed' || c === 'commander.help' || c === 'commander.version' ? 0 : 2;
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const EVERY_HELP: string[][] = [['--help'], ...COMMANDS.map((c) => [c.name, '--help']), ['help', '--help']];

/** English that commander would print and a Chinese help must not. */
const ENGLISH = ['Usage', 'Options', 'Arguments', 'Commands', 'Example', 'default:', 'choices:', 'Did you mean', 'display help', 'output the version', '[options]', '[command]', 'preset:'];

describe('the help in Chinese', () => {
  it('has no English word of commander and no English placeholder, in the program and every command', async () => {
    for (const argv of EVERY_HELP) {
      const { stdout, code } = await helpOf(argv, 'zh');
      expect(code, argv.join(' ')).toBe(0);
      for (const word of ENGLISH) expect(stdout.includes(word), `${argv.join(' ')}: ${word}`).toBe(false);
      // <learner_id>, [roster], <files...>: every placeholder is a Chinese word.
      expect(stdout.match(/[<[][a-z_]+(\.\.\.)?[>\]]/g), argv.join(' ')).toBeNull();
      expect(stdout).toMatch(/^用法：cadre/);
    }
  });

  it('names choices and defaults in Chinese', async () => {
    const { stdout } = await helpOf(['record-essay', '--help'], 'zh', 120);
    expect(stdout).toContain('--status <状态>');
    // Each value with the word people type in its place: 通过 or approved both work.
    expect(stdout.replace(/\n\s+/g, '')).toContain('（可选：通过（approved）、待审核（pending）、未通过（rejected）；默认：通过（approved））');
    expect(stdout).toContain('学员编号');
    const en = await helpOf(['record-essay', '--help'], 'en', 120);
    expect(en.stdout.replace(/\n\s+/g, ' ')).toContain('(choices: approved (通过), pending (待审核), rejected (未通过), default: approved (通过))');
    expect(en.stdout).toContain('Usage: cadre record-essay [options] <learner_id>');
  });

  it('fits the terminal, counting CJK as 2 columns, at 80, 120 and 60', async () => {
    for (const columns of [80, 120, 60]) {
      for (const lang of ['zh', 'en'] as const) {
        for (const argv of EVERY_HELP) {
          const { stdout } = await helpOf(argv, lang, columns);
          const wide = stdout.split('\n').filter((l) => stringWidth(l) > columns);
          expect(wide, `${lang} ${columns} ${argv.join(' ')}`).toEqual([]);
        }
      }
    }
  });

  it('the program help has examples, each command its own', async () => {
    const zh = (await helpOf(['--help'], 'zh')).stdout;
    expect(zh).toContain('示例：');
    expect(zh).toContain('cadre help audit');
    expect(zh).toContain('help [命令]');
    const en = (await helpOf(['--help'], 'en')).stdout;
    expect(en).toContain('Examples:');
    expect(en).toContain('cadre audit WZ250001');
  });

  it('wraps Chinese between characters, never before a closing mark nor after an opening one', () => {
    const lines = wrap('核算学分：每名干部的任期状态、学习档案和缺口清单（含已撤销）。', 12);
    for (const l of lines) {
      expect(displayWidth(l)).toBeLessThanOrEqual(12);
      expect(l).not.toMatch(/^[，。、；：）]/);
      expect(l).not.toMatch(/（$/);
    }
    expect(lines.join('')).toBe('核算学分：每名干部的任期状态、学习档案和缺口清单（含已撤销）。');
  });

  it('counts widths as string-width does, on every message of the catalogue', () => {
    for (const s of sections) {
      for (const text of [...Object.values(s.zh), ...Object.values(s.en)]) {
        for (const line of text.split('\n')) expect(displayWidth(line), line).toBe(stringWidth(line));
      }
    }
  });
});

describe('help, version and usage errors', () => {
  it('`cadre help audit` is `cadre audit --help`, in both languages; `cadre help` is `cadre --help`', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const a = await runCli(['help', 'audit'], { env: { CADRE_LANG: lang } });
      const b = await runCli(['audit', '--help'], { env: { CADRE_LANG: lang } });
      expect(a.code).toBe(0);
      expect(a.stdout).toBe(b.stdout);
      expect(a.stdout).toContain('--shortfall');
      expect((await helpOf(['help'], lang)).stdout).toBe((await helpOf(['--help'], lang)).stdout);
    }
  });

  it('`cadre help NAME` of no command is refused as that command would be, with the suggestion in Chinese', async () => {
    const r = await helpOf(['help', 'adit'], 'zh');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('错误: 没有命令 adit\n（是不是要输入 audit？）\n用法见 cadre --help 或 cadre <命令> --help\n');
  });

  it('`-v` prints the version, as `--version` and `-V` do', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(await runCli(['-v'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    for (const flag of ['-v', '-V', '--version']) expect((await helpOf([flag], 'zh')).stdout).toBe(`${pkg.version}\n`);
    expect((await helpOf(['--help'], 'zh')).stdout).toContain('-v, --version');
  });

  it('says "did you mean" and the names of arguments in Chinese', async () => {
    const zh = createTranslator('zh');
    expect(usageMessage("error: unknown option '--formt'\n(Did you mean --format?)", zh)).toBe('错误: 没有选项 --formt\n（是不是要输入 --format？）\n用法见 cadre --help 或 cadre <命令> --help');
    expect(usageMessage("error: unknown command 'a'\n(Did you mean one of audit, log?)", zh)).toContain('（是不是要输入其中之一：audit、log？）');
    expect(usageMessage("error: missing required argument 'learner_id'", zh)).toContain('缺少参数 学员编号');
    expect(usageMessage("error: option '--kind <kind>' argument missing", zh)).toContain('选项 --kind <类型> 需要一个值');
    const en = createTranslator('en');
    expect(usageMessage("error: unknown option '--formt'\n(Did you mean --format?)", en)).toContain('\n(Did you mean --format?)\n');
    const r = await helpOf(['audit', '--formt', 'csv'], 'zh');
    expect(r.stderr).toContain('（是不是要输入 --format？）');
  });
});

describe('the help cache', () => {
  it('is kept apart for each language and width', async () => {
    // The built module: its cache sits beside the build it is of.
    const { helpCachePath } = (await import(path.join(repoRoot, 'dist', 'cli', 'help-cache.js'))) as typeof import('../../src/cli/help-cache.js');
    expect(helpCachePath({}, { isTTY: false })).toMatch(/\.txt$/);
    const at = (env: NodeJS.ProcessEnv) => helpCachePath(env, { isTTY: false });
    expect(at({ CADRE_LANG: 'zh' })).not.toBe(at({ CADRE_LANG: 'en' }));
    expect(at({ CADRE_LANG: 'zh', COLUMNS: '80' })).not.toBe(at({ CADRE_LANG: 'zh', COLUMNS: '120' }));
    expect(helpCachePath({}, { isTTY: true, columns: 80 })).not.toBe(helpCachePath({}, { isTTY: true, columns: 120 }));
  });

  it('a bare `cadre --help` in Chinese and then in English gives English, and each at its width', async () => {
    const zh = await runCli(['--help'], { env: { CADRE_LANG: 'zh', COLUMNS: '80' } });
    const en = await runCli(['--help'], { env: { CADRE_LANG: 'en', COLUMNS: '80' } });
    const zhAgain = await runCli(['--help'], { env: { CADRE_LANG: 'zh', COLUMNS: '80' } });
    const wide = await runCli(['--help'], { env: { CADRE_LANG: 'zh', COLUMNS: '120' } });
    expect(zh.stdout).toMatch(/^用法：cadre/);
    expect(en.stdout).toMatch(/^Usage: cadre/);
    expect(zhAgain.stdout).toBe(zh.stdout);
    expect(Math.max(...zh.stdout.split('\n').map((l) => stringWidth(l)))).toBeLessThanOrEqual(80);
    expect(Math.max(...wide.stdout.split('\n').map((l) => stringWidth(l)))).toBeGreaterThan(80);
  });
});

describe('the prompts in Chinese', () => {
  it('give their key hints and yes/no in Chinese', () => {
    const theme = promptTheme(createTranslator('zh'));
    expect(theme.style.keysHelpTip([['↑↓', 'navigate'], ['⏎', 'select']])).toBe('↑↓ 选择 • ⏎ 确定');
    expect(theme.style.defaultAnswer('Y/n')).toBe('（y 是，n 否；直接回车为“是”）');
    expect(theme.style.defaultAnswer('y/N')).toContain('直接回车为“否”');
    expect(yesNo(createTranslator('zh'))(true)).toBe('是');
    expect(promptTheme(createTranslator('en')).style.keysHelpTip([['⏎', 'select']])).toBe('⏎ select');
  });
});

describe('files written in Chinese', () => {
  const ROSTER = '工号,姓名,部门,职级,任职日期\r\nS001,张伟,计算机学院,处级,2025-09-01\r\nS002,王芳,财务处,科级,2025-09-01\r\n';

  it('credentials have Chinese headers, each one a header the importers take', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '花名册.csv'), ROSTER);
    const cli = cadreIn({ cwd: dir, lang: 'zh' });
    const r = await cli(['issue-accounts', '花名册.csv', '--out', '初始密码.csv']);
    expect(r.code, r.stderr).toBe(0);
    const header = fs.readFileSync(path.join(dir, '初始密码.csv'), 'utf8').split('\r\n')[0];
    expect(header).toBe('\uFEFF学员编号,工号,姓名,部门,初始密码');
    const aliases = [...CADRE_COLUMNS, ...ROSTER_SPEC.columns].flatMap((c) => c.aliases);
    for (const name of header.replace('\uFEFF', '').split(',').slice(0, 4)) expect(aliases, name).toContain(name);
    const en = tempDir();
    fs.writeFileSync(path.join(en, 'roster.csv'), ROSTER);
    expect((await cadreIn({ cwd: en, lang: 'en' })(['issue-accounts', 'roster.csv', '--out', 'c.csv'])).code).toBe(0);
    expect(fs.readFileSync(path.join(en, 'c.csv'), 'utf8').split('\r\n')[0]).toBe('\uFEFFlearner_id,staff_no,name,department,initial_password');
  });

  it('every listing written as CSV in Chinese is headed in Chinese', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'roster.csv'), ROSTER);
    const cli = cadreIn({ cwd: dir, lang: 'zh' });
    expect((await cli(['issue-accounts', 'roster.csv', '--out', 'c.csv'])).code).toBe(0);
    const id = fs.readFileSync(path.join(dir, 'c.csv'), 'utf8').split('\r\n')[1]!.split(',')[0]!;
    fs.writeFileSync(path.join(dir, 'h.csv'), '工号,课程编号,完成日期,学时\r\nS001,C1,2026-03-05,2\r\n');
    expect((await cli(['import-hours', 'h.csv'])).code).toBe(0);
    expect((await cli(['exempt', id, '--requirement', 'hours', '--year', '2025', '--reason', '借调'])).code).toBe(0);
    for (const argv of [['audit'], ['audit', '--shortfall'], ['accounts'], ['courses'], ['imports'], ['log'], ['exemptions', '--all']]) {
      const r = await cli([...argv, '--format', 'csv']);
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
      const header = r.stdout.split('\r\n')[0]!.replace('SHA-256', '');
      expect(header, argv.join(' ')).toMatch(/[\u4e00-\u9fff]/);
      expect(header.match(/[A-Za-z_]{2,}/g), `${argv.join(' ')}: ${header}`).toBeNull();
    }
  });

  it('a .rejected.csv written in Chinese has 行号 and 原因, and imports again once fixed, with no column called unknown', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'roster.csv'), ROSTER);
    const cli = cadreIn({ cwd: dir, lang: 'zh' });
    expect((await cli(['issue-accounts', 'roster.csv', '--out', 'c.csv'])).code).toBe(0);
    fs.writeFileSync(path.join(dir, '学时.csv'), '工号,课程编号,完成日期,学时\r\nS001,C1,2026-02-30,1\r\nS002,C2,2026-03-05,3小时\r\nS001,C3,2026-03-05,2\r\n');
    const first = await cli(['import-hours', '学时.csv', '--skip-invalid']);
    expect(first.code, first.stderr).toBe(0);
    const rejected = fs.readFileSync(path.join(dir, '学时.rejected.csv'), 'utf8');
    const lines = rejected.replace('\uFEFF', '').split('\r\n');
    expect(lines[0]).toBe('行号,工号,课程编号,完成日期,学时,原因');
    expect(lines[1]).toMatch(/^2,S001,C1,2026-02-30,1,第 3 列/);
    // The office corrects the two cells and imports the file as it is.
    const fixed = rejected.replace('2026-02-30', '2026-02-28').replace('3小时', '3');
    fs.writeFileSync(path.join(dir, '学时.rejected.csv'), fixed);
    const again = await cli(['import-hours', '学时.rejected.csv']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('不认识');
    expect(again.stderr).toMatch(/新增 2/);
    // The same in English: line … reason.
    const enDir = tempDir();
    fs.writeFileSync(path.join(enDir, 'roster.csv'), ROSTER);
    const en = cadreIn({ cwd: enDir, lang: 'en' });
    expect((await en(['issue-accounts', 'roster.csv', '--out', 'c.csv'])).code).toBe(0);
    fs.writeFileSync(path.join(enDir, 'h.csv'), 'staff_no,course_code,completed_on,hours\r\nS001,C1,2026-02-30,1\r\n');
    expect((await en(['import-hours', 'h.csv', '--skip-invalid'])).code).toBe(0);
    expect(fs.readFileSync(path.join(enDir, 'h.rejected.csv'), 'utf8').split('\r\n')[0]).toBe('\uFEFFline,staff_no,course_code,completed_on,hours,reason');
    fs.writeFileSync(path.join(enDir, 'h.rejected.csv'), fs.readFileSync(path.join(enDir, 'h.rejected.csv'), 'utf8').replace('2026-02-30', '2026-02-28'));
    const enAgain = await en(['import-hours', 'h.rejected.csv']);
    expect(enAgain.code, enAgain.stderr).toBe(0);
    expect(enAgain.stderr).not.toContain('unknown columns');
  });

  it('a roster row refused in Chinese is written with 行号 and 原因, and the corrected file issues it', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'roster.csv'), ROSTER + 'S003,李娜,财务处,处级,2025-02-30\r\n');
    const cli = cadreIn({ cwd: dir, lang: 'zh' });
    const r = await cli(['issue-accounts', 'roster.csv', '--skip-invalid', '--out', 'c.csv']);
    expect(r.code, r.stderr).toBe(0);
    const file = fs.readdirSync(dir).find((f) => f.includes('rejected'))!;
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    expect(text.replace('\uFEFF', '').split('\r\n')[0]).toBe('行号,工号,姓名,部门,职级,任职日期,原因');
    fs.writeFileSync(path.join(dir, file), text.replace('2025-02-30', '2025-02-28'));
    const again = await cli(['issue-accounts', file, '--out', 'c2.csv']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('不认识');
    expect(fs.readFileSync(path.join(dir, 'c2.csv'), 'utf8')).toContain('李娜');
  });
});
