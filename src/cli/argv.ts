/**
 * Reading a command line before commander does: bin/cadre.js (to key the
 * code cache by the command) and main.ts (to load the command's module
 * while commander parses). Imports nothing.
 */

/** The global options that take a value (see buildProgram): their value is never the command. */
export const GLOBAL_VALUE_OPTIONS: readonly string[] = ['--db', '--lang', '--operator', '--policy'];

/** The first argument that is neither an option nor a global option's value: the name of the command, if one is given. */
export function commandNameIn(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (GLOBAL_VALUE_OPTIONS.includes(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}
