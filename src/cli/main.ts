/**
 * The program: registers every command and lazy-imports the module that runs
 * it, so `--help` and `--version` load nothing heavy. One place maps errors to
 * exit codes and prints them.
 *
 * Start-up cost (issue 4): bin/cadre.js runs this module and everything it
 * loads as one bundle (bin/bundle.mjs) from V8's code cache. The process
 * context (SQLite, policy) and the error printer are loaded only when a
 * command runs or fails.
 */
import { Command as CommandClass, CommanderError, Option, type Command } from 'commander';
import { CadreHelp, helpWidth, translatePlaceholders, type HelpExtras } from './help.js';
import { parseAcademicYear, readOptionValue, valueSet } from '../core/option-values.js';
import { forTerminal } from '../core/text.js';
import { CadreError, CancelledError, InputError, UsageError, isPromptExit, msg } from '../errors.js';
import { createTranslator, resolveLang, type Translator } from '../i18n/index.js';
import type { GlobalOptions } from '../shell/process-context.js';
import { commandNameIn } from './argv.js';
import { columnsHelp } from './column-help.js';
import { COMMANDS, type CommandDef, type OptionDef } from './program.js';
import type { Context, Stream } from '../shell/context.js';
import { VERSION } from './version.js';

// For the launcher, before it makes a code cache (bin/cadre.js).
export { heapSettings, setHeapSettings } from '../shell/small-heap.js';

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

/**
 * An option as typed, for a message: only its name. A value given with it
 * (`--password=…`, or glued to a short flag, `-psecret`) may be a secret and
 * is never echoed; `hidden` says one was dropped.
 */
export function optionNameOf(typed: string): { name: string; hidden: boolean } {
  if (typed.startsWith('--')) {
    const eq = typed.indexOf('=');
    return eq < 0 ? { name: typed, hidden: false } : { name: typed.slice(0, eq), hidden: true };
  }
  if (typed.startsWith('-') && typed.length > 2) return { name: typed.slice(0, 2), hidden: true };
  return { name: typed, hidden: false };
}

/** A text from commander with the value of every `--name=value` in it replaced by "…", quoted ('--a=b c') or not. */
export function hideOptionValues(text: string): string {
  return text.replace(/'(-{1,2}[^\s='"]+)=[^']*'/g, "'$1=…'").replace(/(^|[\s"(])(-{1,2}[^\s='"]+)=[^\s'")]*/g, '$1$2=…');
}

/** Commander's "(Did you mean …?)" line, in the user's language; another line as it is. */
function suggestionLine(line: string, tr: Translator): string {
  const one = /^\(Did you mean (\S+)\?\)$/.exec(line);
  if (one) return tr.t('usage.didYouMean', { a: one[1]! });
  const many = /^\(Did you mean one of (.+)\?\)$/.exec(line);
  if (many) return tr.t('usage.didYouMeanOneOf', { a: many[1]!.split(', ').join(tr.lang === 'zh' ? '、' : ', ') });
  return line;
}

export function usageMessage(text: string, tr: Translator): string {
  const lines = text.split('\n');
  const firstLine = lines[0] ?? '';
  // Commander's further lines ("(Did you mean …?)") may quote what was typed: escaped, values dropped.
  const rest = lines.slice(1).map((l) => suggestionLine(forTerminal(hideOptionValues(l)), tr)).join('\n');
  for (const [re, key] of USAGE_PATTERNS) {
    const m = re.exec(firstLine);
    if (m) {
      let k = key;
      let a = m[1] ?? '';
      if (key === 'usage.unknownOption') {
        const o = optionNameOf(a);
        a = o.name;
        if (o.hidden) k = 'usage.unknownOptionValue';
      }
      // An argument or an option as the help names it: `<学员编号>`, `--kind <类型>`.
      if (key === 'usage.missingArgument') a = translatePlaceholders(`<${a}>`, tr).slice(1, -1);
      if (key === 'usage.optionArgumentMissing' || key === 'usage.invalidChoice') a = translatePlaceholders(a, tr);
      const line = `${tr.t('error.prefix')}: ${tr.t(k, { a, b: m[2] ?? '', c: m[3] ?? '' })}`;
      return [line, rest, tr.t('usage.seeHelp')].filter(Boolean).join('\n');
    }
  }
  return [forTerminal(hideOptionValues(firstLine)), rest, tr.t('usage.seeHelp')].filter(Boolean).join('\n');
}

/** A command's options as the module's `run` takes them: commander's options and each positional argument by its name. */
export type FoldedOptions = Record<string, unknown>;

/** How a missing mandatory option is said: as the command itself said it before the registry marked it. */
function missingOption(o: OptionDef): UsageError {
  const m = o.mandatory!;
  return new UsageError(m.message ?? msg('usage.missingOption', { option: m.shown ?? /--[\w-]+/.exec(o.flags)![0] }), m.fix);
}

/**
 * Folds what commander hands an action (each positional argument, then the
 * options, then the command) into one options object, once for every
 * command: `{ ...options, learnerId, files, … }`. A mandatory option that
 * is missing is refused here (exit 2), after commander's own checks, so an
 * unknown option or a missing argument is said first, as before.
 */
export function foldOptions(def: CommandDef, actionArgs: readonly unknown[]): FoldedOptions {
  const cmd = actionArgs[actionArgs.length - 1] as Command;
  const folded: FoldedOptions = { ...cmd.opts() };
  (def.args ?? []).forEach((a, i) => {
    folded[a.name] = actionArgs[i];
  });
  for (const o of def.options ?? []) {
    if (!o.mandatory) continue;
    const key = cmd.options.find((x) => x.flags === o.flags)!.attributeName();
    if (folded[key] === undefined) throw missingOption(o);
  }
  return folded;
}

/**
 * What a value option takes as people type it (OptionDef.values, OptionDef.year):
 * the parser commander runs on each value, giving the canonical value or
 * refusing the value (exit 2) with the accepted ones in the user's language.
 */
function valueParser(o: OptionDef, tr: Translator): ((value: string) => string) | undefined {
  const option = /--[\w-]+/.exec(o.flags)![0];
  if (o.year) {
    return (value) => {
      // An empty value is the command's to refuse (it says which option is missing).
      if (value.trim() === '') return value;
      const year = parseAcademicYear(value);
      if (year === null) throw new UsageError(msg('options.badYear', { option, value }), msg('options.fix.badYear'));
      return String(year);
    };
  }
  if (!o.values) return undefined;
  const name = o.values;
  return (value) => {
    const canonical = readOptionValue(name, value);
    if (canonical === null) throw new UsageError(msg('options.badValue', { option, value }), msg('options.fix.badValue', { accepted: acceptedText(o, tr) }));
    return canonical;
  };
}

/** The accepted values of a value option, each with the Chinese word beside it: `division（处级）、section（科级）`. */
function acceptedText(o: OptionDef, tr: Translator): string {
  const set = valueSet(o.values!);
  return set.values.map((v) => tr.t('options.valueWithWord', { value: v, word: set.shown[v] ?? v })).join(tr.t('options.listSeparator'));
}

/** An option's help line: its description (a year option, the forms a year may take). */
function optionDescription(o: OptionDef, tr: Translator): string {
  const text = tr.t(o.description);
  return o.year ? `${text}${tr.t('options.yearForms')}` : text;
}

/**
 * A value option's choices as its help lists them: each value with the word
 * people also type, `通过（approved）` in zh, `approved (通过)` in en; the
 * default likewise. Only the help reads these (the parser is valueParser).
 */
function listValueChoices(opt: Option, o: OptionDef, tr: Translator): void {
  if (!o.values) return;
  const set = valueSet(o.values);
  const label = (v: string) => tr.t(tr.lang === 'zh' ? 'options.wordForValue' : 'options.valueWithWord', { value: v, word: set.shown[v] ?? v });
  opt.argChoices = set.values.map(label);
  if (typeof o.defaultValue === 'string') opt.defaultValueDescription = label(o.defaultValue);
}

/** Where commander writes help and usage errors: the process's streams unless given (in-process tests). */
export interface ProgramStreams {
  out: Stream;
  err: Stream;
}

/**
 * The program with every command, or (`only`) with just the command the
 * arguments name: its options, help and action are all a run of it needs,
 * and the others' are not built for nothing. `run` gets each command's
 * folded options (foldOptions).
 */
export function buildProgram(
  tr: Translator,
  run: (def: CommandDef, opts: FoldedOptions, global: GlobalOptions) => Promise<void>,
  onOut?: (text: string) => void,
  only?: CommandDef,
  streams: ProgramStreams = { out: process.stdout, err: process.stderr },
): Command {
  const { t } = tr;
  /** Each command's examples and closing text, for its help (src/cli/help.ts). */
  const extras = new WeakMap<Command, HelpExtras>();
  /** Commander's Command with the help in the user's language, for the program and each command. */
  class CadreCommand extends CommandClass {
    override createCommand(name?: string): Command {
      return new CadreCommand(name);
    }
    override createHelp(): CadreHelp {
      return Object.assign(new CadreHelp(tr, (c) => extras.get(c)), this.configureHelp());
    }
  }
  const program = new CadreCommand('cadre')
    .description(t('cli.description'))
    .version(VERSION, '-v, --version', t('cli.opt.version'))
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
  // `-V` as before `-v` was given to the version: still understood, not shown.
  program.addOption(new Option('-V').hideHelp());
  program.on('option:V', () => {
    streams.out.write(`${VERSION}\n`);
    throw new CommanderError(0, 'commander.version', VERSION);
  });
  program.configureOutput({
    writeErr: (s) => streams.err.write(s),
    writeOut: (s) => {
      onOut?.(s);
      streams.out.write(s);
    },
    outputError: (s, write) => write(`${usageMessage(s.trim(), tr)}\n`),
    getOutHelpWidth: () => helpWidth(streams.out as { isTTY?: boolean; columns?: number }, process.env),
    getErrHelpWidth: () => helpWidth(streams.err as { isTTY?: boolean; columns?: number }, process.env),
  });
  extras.set(program, {
    examples: TOP_EXAMPLES.map((n) => ({ what: t(`help.example.${n}.what`), command: t(`help.example.${n}.command`) })),
    footer: t('cli.helpFooter'),
  });
  for (const def of only ? [only] : COMMANDS) {
    const cmd = program.command(def.name).description(t(def.description)).helpOption('-h, --help', t('cli.opt.help'));
    for (const a of def.args ?? []) cmd.argument(a.spec, t(a.description));
    for (const o of def.options ?? []) {
      const opt = new Option(o.flags, optionDescription(o, tr));
      if (o.choices) opt.choices(o.choices);
      // After choices: the canonical values stay listed in help, and the words people type are read.
      const parse = valueParser(o, tr);
      if (parse) opt.argParser(parse);
      if (o.defaultValue !== undefined) opt.default(o.defaultValue);
      listValueChoices(opt, o, tr);
      if (o.conflicts) opt.conflicts(o.conflicts);
      cmd.addOption(opt);
    }
    // An import's columns, listed from the one list of columns (src/import/columns.ts) at the help's width.
    const kind = def.columns;
    if (kind) cmd.addHelpText('after', () => columnsHelp(kind, tr, helpWidth(streams.out as { isTTY?: boolean; columns?: number }, process.env)));
    if (def.example) extras.set(cmd, { examples: [{ command: def.example }] });
    cmd.exitOverride();
    cmd.action(async (...args: unknown[]) => {
      await run(def, foldOptions(def, args), program.opts() as GlobalOptions);
    });
  }
  // `cadre help audit` is `cadre audit --help`; `cadre help` the program's help. A name that is no command is refused as one.
  const help = program
    .command('help')
    .description(t('help.cmd.help'))
    .argument('[command]', t('help.arg.command'))
    .helpOption('-h, --help', t('cli.opt.help'))
    .exitOverride()
    .action(async (name: string | undefined) => {
      if (name === undefined || name === 'help') return void program.outputHelp();
      const sub = program.commands.find((c) => c.name() === name && c !== help);
      if (sub) return void sub.outputHelp();
      // Not a command: refused as `cadre NAME` is, with commander's own suggestion.
      await program.parseAsync([name], { from: 'user' });
    });
  extras.set(help, { examples: [{ command: 'cadre help audit' }] });
  return program;
}

/** The examples of the program's own help (help.example.N.what / .command). */
const TOP_EXAMPLES = [1, 2, 3, 4, 5, 6];

/**
 * The one error → exit code mapper: says on `err` why a run failed (in the
 * user's language) and returns its exit code. 2 for bad input or usage
 * (nothing was changed), 1 for a reported failure, 70 for the unexpected.
 * `dbPath` is the database the run used, when it got that far.
 */
export async function failureExit(e: unknown, tr: Translator, err: Stream, colorErr: boolean, dbPath: string | undefined, debug: boolean, dbChanged?: () => boolean | undefined): Promise<number> {
  const { printError, printUnexpected } = await import('../shell/report-error.js');
  // Ctrl-C at a prompt: the one place it is mapped (the prompter turns the prompt library's error into CancelledError).
  if (e instanceof CancelledError || isPromptExit(e)) {
    err.write(tr.t(dbChanged?.() ? 'forgive.cancelledSaved' : 'forgive.cancelled') + '\n');
    return 130;
  }
  if (e instanceof CadreError) {
    printError(e, tr, err, colorErr);
    return e.exitCode;
  }
  // SQLite refusing the database mid-command: a read-only file, a full disk (SQLITE_FULL; or an I/O
  // error, e.g. its -shm cannot grow, on a disk with no room left), a lock held too long, a file
  // replaced meanwhile. Each names the database (a full one, the disk) and says whether anything
  // was changed: the failed transaction was rolled back, earlier ones of the command are kept.
  if (dbPath !== undefined && String((e as { code?: unknown }).code ?? '').startsWith('SQLITE_')) {
    const { databaseError } = await import('../db/open.js');
    const mapped = databaseError(e, dbPath, dbChanged?.());
    if (mapped) {
      printError(mapped, tr, err, colorErr);
      return mapped.exitCode;
    }
  }
  // A file the command had to write or read could not be (a missing folder, no permission, a full
  // disk): every write happens in one transaction, so nothing changed; say which file (a temporary's
  // target, not the temporary) and why, and for a full disk which disk.
  const { fileSystemError } = await import('../io/atomic-file.js');
  const fsError = fileSystemError(e);
  if (fsError) {
    printError(fsError, tr, err, colorErr);
    return 2;
  }
  printUnexpected(e, tr, err, debug);
  return 70;
}

/**
 * Runs a command's module with its folded options in `ctx` (main, and the
 * in-process test runner, both come through here). `--amend` first gives the
 * context its permit: the run may change records of a closed year, each
 * change recorded with the reason (src/shell/amend.ts).
 */
export async function dispatch(def: CommandDef, opts: FoldedOptions, ctx: Context): Promise<number | void> {
  if (opts.amend) (await import('../shell/amend.js')).amendWith(ctx, def.name, opts);
  const mod = await def.load();
  return mod.run(opts as never, ctx);
}

export interface MainOptions {
  /** For a bare `cadre --help`: where to keep the help text (see help-cache.ts). */
  helpCache?: string | null;
}

/** The command the arguments name, if it is one. */
function commandIn(argv: string[]): CommandDef | undefined {
  const name = commandNameIn(argv);
  return name === undefined ? undefined : COMMANDS.find((d) => d.name === name);
}

export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  // Start loading the command's module now: its files are read while commander parses (the action awaits the same import).
  const named = commandIn(argv);
  named?.load().catch(() => undefined);
  const lang = resolveLang(langFromArgv(argv), process.env);
  const tr = createTranslator(lang);
  let ctx: Context | undefined;
  let debug = argv.includes('--debug');
  let helpText = '';
  const keepHelp = options.helpCache ? (s: string) => void (helpText += s) : undefined;
  const program = buildProgram(tr, async (def, opts, global) => {
    debug = !!global.debug;
    const { createProcessContext } = await import('../shell/process-context.js');
    ctx = createProcessContext(global, tr);
    if (ctx.color || ctx.colorErr) await (await import('../shell/color.js')).loadColor();
    const code = await dispatch(def, opts, ctx);
    exitCode = typeof code === 'number' ? code : 0;
  }, keepHelp, named);
  let exitCode = 0;
  /** The command's exit code once it ran to the end (undefined: it failed). */
  let outcome: number | undefined;
  try {
    await program.parseAsync(argv, { from: 'user' });
    outcome = exitCode;
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' && options.helpCache && helpText) {
        const { writeHelpCache } = await import('./help-cache-write.js');
        writeHelpCache(options.helpCache, helpText);
      }
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    const c = ctx as Context | undefined;
    // On a terminal the error wraps at its width, as every message does there (src/shell/fit.ts).
    const errOut = c?.err ?? (process.stderr.isTTY ? (await import('../shell/fit.js')).wrappingStream(process.stderr) : process.stderr);
    return await failureExit(e, tr, errOut, c?.colorErr ?? (await stderrColor(program)), c?.dbPath, debug, c?.dbChanged ? () => c.dbChanged!() : undefined);
  } finally {
    ctx?.dispose?.(outcome);
  }
}

/**
 * Colour on stderr for an error said before the command's context was made
 * (a mandatory option missing): decided as the context would have, with
 * chalk loaded only when it is on.
 */
async function stderrColor(program: Command): Promise<boolean> {
  const { useColor, loadColor } = await import('../shell/color.js');
  const on = useColor(process.stderr, process.env, program.opts().color !== false);
  if (on) await loadColor();
  return on;
}
