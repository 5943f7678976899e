/**
 * Typed errors. The CLI maps each to an exit code in one place (src/cli/main.ts):
 * InputError and UsageError → 2 (nothing was changed), ReportedFailure → 1.
 * Messages are catalogue keys with parameters so they render in zh or en;
 * the translator escapes every parameter for the terminal (src/i18n/index.ts).
 */
/**
 * A message parameter: a string (escaped for the terminal when the message is
 * put together), a number, or text the translator already made safe. Only
 * src/i18n makes that text (its class `Echoed`, checked there at run time);
 * this shape is all the ground floor needs to know of it.
 */
export type Param = string | number | { readonly text: string; readonly echoed: true };

export interface Msg {
  key: string;
  params?: Record<string, Param>;
}

/** Where in an input a problem is: file, 1-based line and column, column name. */
export interface Place {
  file?: string;
  line?: number;
  column?: number;
  columnName?: string;
}

export interface Problem extends Place {
  reason: Msg;
  /** How to fix it, when there is something to say. */
  fix?: Msg;
}

export class CadreError extends Error {
  constructor(
    readonly exitCode: number,
    readonly msg: Msg,
    readonly problems: Problem[] = [],
    readonly fix?: Msg,
  ) {
    super(msg.key);
  }
}

/** Bad input: a file, a row, an option value. Exit 2; nothing was written. */
export class InputError extends CadreError {
  constructor(msg: Msg, problems: Problem[] = [], fix?: Msg) {
    super(2, msg, problems, fix);
  }
}

/** Wrong use of the command line. Exit 2. */
export class UsageError extends CadreError {
  constructor(msg: Msg, fix?: Msg) {
    super(2, msg, [], fix);
  }
}

/** The command ran and found what it reports as failure. Exit 1. */
export class ReportedFailure extends CadreError {
  constructor(msg: Msg) {
    super(1, msg);
  }
}

export const msg = (key: string, params?: Record<string, Param>): Msg => ({ key, params });

/**
 * The user cancelled (Ctrl-C at a prompt). Exit 130, as a shell reports a
 * command ended by Ctrl-C; main prints only "cancelled", never a stack.
 * Whatever the command had not committed is not written.
 */
export class CancelledError extends CadreError {
  constructor() {
    super(130, { key: 'forgive.cancelled' });
  }
}

/** Whether `e` is a prompt closed by the user (the prompt library's ExitPromptError, Ctrl-C or Ctrl-D). */
export function isPromptExit(e: unknown): boolean {
  return e instanceof Error && e.name === 'ExitPromptError';
}
