/**
 * The program: registers every command and lazy-imports the module that runs
 * it, so `--help` and `--version` load nothing heavy. One place maps errors to
 * exit codes and prints them.
 */
import { Command, CommanderError, Option } from 'commander';
import { CadreError } from '../errors.js';
import { createTranslator, resolveLang, type Translator } from '../i18n/index.js';
import { createProcessContext, type GlobalOptions } from './process-context.js';
import { printError, printUnexpected } from './report-error.js';
import { COMMANDS, type CommandDef } from './commands.js';
import type { Context } from './context.js';

const VERSION = '0.1.0';

function langFromArgv(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
}

/** Commander's usage errors, in the user's language, with where to look for help. */
const USAGE_PATTERNS: [RegExp, string][] = [
  [/^error: missing required argument '(.+)'$/, 'usage.missingArgument'],
  [/^error: unknown option '(.+?)'/, 'usage.unknownOption'],
  [/^error: unknown command '(.+?)'/, 'usage.unknownCommand'],
  [/^error: option '(.+?)' argument missing$/, 'usage.optionArgumentMissing'],
  [/^error: option '(.+?)' argument '(.*)' is invalid\. Allowed choices are (.+)\.$/, 'usage.invalidChoice'],
  [/^error: option '(.+?)' cannot be used with option '(.+?)'$/, 'usage.conflict'],
  [/^error: too many arguments/, 'usage.tooManyArguments'],
];

export function usageMessage(text: string, tr: Translator): string {
  const firstLine = text.split('\n')[0];
  const rest = text.split('\n').slice(1).join('\n');
  for (const [re, key] of USAGE_PATTERNS) {
    const m = re.exec(firstLine);
    if (m) {
      const line = `${tr.t('error.prefix')}: ${tr.t(key, { a: m[1] ?? '', b: m[2] ?? '', c: m[3] ?? '' })}`;
      return [line, rest, tr.t('usage.seeHelp')].filter(Boolean).join('\n');
    }
  }
  return [text, tr.t('usage.seeHelp')].join('\n');
}

export function buildProgram(tr: Translator, run: (def: CommandDef, args: unknown[], global: GlobalOptions) => Promise<void>): Command {
  const { t } = tr;
  const program = new Command('cadre')
    .description(t('cli.description'))
    .version(VERSION, '-V, --version', t('cli.opt.version'))
    .helpOption('-h, --help', t('cli.opt.help'))
    .addHelpCommand(false)
    .option('--db <path>', t('cli.opt.db'))
    .addOption(new Option('--lang <lang>', t('cli.opt.lang')).choices(['zh', 'en']))
    .option('--no-color', t('cli.opt.noColor'))
    .option('--operator <name>', t('cli.opt.operator'))
    .option('--policy <file>', t('cli.opt.policy'))
    .option('--debug', t('cli.opt.debug'))
    .showSuggestionAfterError(true)
    .exitOverride();
  program.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    writeOut: (s) => process.stdout.write(s),
    outputError: (s, write) => write(`${usageMessage(s.trim(), tr)}\n`),
  });
  for (const def of COMMANDS) {
    const cmd = program.command(def.name).description(t(def.description)).helpOption('-h, --help', t('cli.opt.help'));
    for (const a of def.args ?? []) cmd.argument(a.spec, t(a.description));
    for (const o of def.options ?? []) {
      const opt = new Option(o.flags, t(o.description));
      if (o.choices) opt.choices(o.choices);
      if (o.defaultValue !== undefined) opt.default(o.defaultValue);
      if (o.conflicts) opt.conflicts(o.conflicts);
      cmd.addOption(opt);
    }
    if (def.example) cmd.addHelpText('after', `\n${t('cli.example')}\n  ${def.example}\n`);
    cmd.exitOverride();
    cmd.action(async (...args: unknown[]) => {
      await run(def, args.slice(0, -1), program.opts() as GlobalOptions);
    });
  }
  program.addHelpText('after', `\n${t('cli.helpFooter')}\n`);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const lang = resolveLang(langFromArgv(argv), process.env);
  const tr = createTranslator(lang);
  let ctx: Context | undefined;
  let debug = argv.includes('--debug');
  const program = buildProgram(tr, async (def, args, global) => {
    debug = !!global.debug;
    ctx = createProcessContext(global, tr);
    const mod = (await def.load()) as { run: (args: unknown[], ctx: Context) => Promise<number | void> };
    const code = await mod.run(args, ctx);
    exitCode = typeof code === 'number' ? code : 0;
  });
  let exitCode = 0;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof CadreError) {
      printError(e, tr, process.stderr, ctx?.colorErr ?? false);
      return e.exitCode;
    }
    printUnexpected(e, tr, process.stderr, debug);
    return 70;
  } finally {
    ctx?.dispose?.();
  }
}
