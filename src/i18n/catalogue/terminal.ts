import type { Section } from './index.js';

/** Messages about what is echoed on the terminal: a mistyped option whose value is not shown. */
export const terminal: Section = {
  zh: {
    'usage.unknownOptionValue': '没有选项 {a}（其后所带的值可能是密码，不予显示）',
  },
  en: {
    'usage.unknownOptionValue': 'unknown option {a} (the value typed with it is not shown: it may be a password)',
  },
};
