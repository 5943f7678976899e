import type { Section } from './index.js';

/** assign: the year asked for. */
export const assign: Section = {
  zh: {
    'assign.yearNotBegun': '{year}还没有开始（从 {start} 起），还没有文章可以分配',
    'assign.fix.yearNotBegun': '检查 --year：学年按开始的年份写，例如 2025 指 2025-2026 学年；今天属于{current}',
  },
  en: {
    'assign.yearNotBegun': 'academic year {year} has not begun (it starts on {start}): there are no essays of it to assign yet',
    'assign.fix.yearNotBegun': 'check --year: a year is written by the year it starts, e.g. 2025 for 2025-2026; today is in {current}',
  },
};
