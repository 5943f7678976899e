import type { Section } from './index.js';

/** Messages of interaction that forgives (cancelling, re-asking) and of quiet consistency checks. */
export const forgive: Section = {
  zh: {
    'forgive.cancelled': '已取消',
    'forgive.cancelledSaved': '已取消；取消之前已保存的内容保留（可用 cadre log 查看）',
  },
  en: {
    'forgive.cancelled': 'cancelled',
    'forgive.cancelledSaved': 'cancelled; what was saved before it stays (see cadre log)',
  },
};
