/**
 * What the prompts say besides the question, in the user's language: the
 * key hints of a choice ("↑↓ 选择 • ⏎ 确定"), the yes/no hint of a
 * confirmation and its answer. The keys typed are the prompts' own (y/n,
 * the arrows, Enter).
 */
import type { Translator } from '../i18n/index.js';

export interface PromptTheme {
  style: {
    keysHelpTip: (keys: [string, string][]) => string;
    defaultAnswer: (text: string) => string;
  };
}

export function promptTheme(tr: Translator): PromptTheme {
  const action = (a: string) => {
    const key = `prompt.key.${a}`;
    const said = tr.t(key);
    return said === key ? a : said;
  };
  return {
    style: {
      keysHelpTip: (keys) => keys.map(([key, a]) => `${key} ${action(a)}`).join(' • '),
      defaultAnswer: (text) => (text === 'Y/n' ? tr.t('prompt.confirm.defaultYes') : text === 'y/N' ? tr.t('prompt.confirm.defaultNo') : `(${text})`),
    },
  };
}

/** A confirmation's answer as shown once given. */
export function yesNo(tr: Translator): (answer: boolean) => string {
  return (answer) => tr.t(answer ? 'prompt.yes' : 'prompt.no');
}
