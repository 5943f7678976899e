/**
 * Colour is decided once: off when the stream is not a terminal, when NO_COLOR
 * is set (chalk does not check it by itself), or with --no-color. chalk is
 * loaded only when colour is on (`loadColor`), so piped runs never pay for it.
 */
import type { ChalkInstance } from 'chalk';
import type { Stream } from './context.js';

export type Hue = 'red' | 'yellow' | 'green' | 'cyan' | 'bold' | 'dim';

export function useColor(stream: Stream, env: NodeJS.ProcessEnv, flag: boolean): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return !!stream.isTTY && env.TERM !== 'dumb';
}

let chalk: ChalkInstance | null = null;

/** Loads chalk; call once colour has been decided on. */
export async function loadColor(): Promise<void> {
  if (chalk) return;
  const { Chalk } = await import('chalk');
  chalk = new Chalk({ level: 1 });
}

export function paint(enabled: boolean, hue: Hue, text: string): string {
  return enabled && chalk ? chalk[hue](text) : text;
}
