/** The year-end report: what it says of the year before a closed year, and the essay-similarity summary. */
import type { Section } from './index.js';

export const reportperf: Section = {
  zh: {
    'reportperf.fact.previousOpen': '上一学年尚未关账：与上一学年的对比及其逐月学时按生成报告时的记录统计，此后上一学年的记录变动会改变这些对比数字。',
  },
  en: {
    'reportperf.fact.previousOpen': 'The year before is not closed: the comparison with it and its hours by month are read from the records when the report is made, so later changes to that year\'s records change them.',
  },
};
