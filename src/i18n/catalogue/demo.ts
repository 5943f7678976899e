import type { Section } from './index.js';

/** The headings of `npm run demo` (bin/demo.mjs), in the language it runs in. */
export const demo: Section = {
  zh: {
    'demo.accounts': '1. 从人事名册开通账号（可重复运行；晋升开始新的任期）',
    'demo.required': '2. 指定2025-2026学年必修课',
    'demo.hours': '3. 每周导入平台学时：UTF-8、中文表头的 GBK、带 BOM 与 Excel 日期的 UTF-8',
    'demo.essays': '4. 心得体会与调研报告（计字数、查重、评审）、专题培训、考试',
    'demo.audit': '5. 截至 2026年6月30日 的学分情况',
    'demo.shortfall': '6. 2025-2026学年年终未达标名单，发给各部门',
    'demo.transcript': '7. 一名干部的学习档案',
    'demo.outward': '9. 学年关账、给领导的年度报告、一份学时证明',
    'demo.where': '演示数据库与文件：{dir}',
    'demo.failed': '演示中断："cadre {command}" 退出码为 {code}，应为 {expected}',
  },
  en: {
    'demo.accounts': '1. Accounts from the HR roster (safe to re-run; a promotion opens a term)',
    'demo.required': '2. Required courses of 2025-2026',
    'demo.hours': '3. Weekly hour exports: UTF-8, GBK with Chinese headers, Excel dates',
    'demo.essays': '4. Essays (字数 counted, compared, reviewed), topic training, exams',
    'demo.audit': '5. Audit as of 30 June 2026',
    'demo.shortfall': '6. The 2025-2026 year-end shortfall list, for departments',
    'demo.transcript': '7. One transcript (学习档案)',
    'demo.outward': '9. Closing the year, the report for leadership, a certificate of study',
    'demo.where': 'Demo database and files: {dir}',
    'demo.failed': 'demo: "cadre {command}" exited {code}, expected {expected}',
  },
};
