import type { Section } from './index.js';

/** Spreadsheet files for people: the audit's data columns, the title and footer of its workbooks, the hint on IDs in CSV. */
export const sheets: Section = {
  zh: {
    'sheets.col.actual': '{label}（实际）',
    'sheets.col.required': '{label}（要求）',
    'sheets.col.exempt': '免修',
    'sheets.sub.actual': '实际',
    'sheets.sub.required': '要求',
    'sheets.allDepartments': '全部部门',
    'sheets.asOf': '截至 {date}',
    'sheets.titlePeriod': '{period} {kind}',
    'sheets.titleCount': '共 {count} 人',
    'sheets.footer': '第 {page} 页，共 {pages} 页',
    'sheets.outAndOutDir': '--out 与 --out-dir 只能给一个（不分文件时）',
    'sheets.fix.outAndOutDir': '用 --out 文件名 指定文件，或用 --out-dir 目录 让文件以学年或日期命名；按部门分文件再加 --split-by department',
    'sheets.outDirFormat': '--out-dir 写 xlsx 或 csv 文件，不写 {format}',
    'sheets.fix.outDirFormat': '去掉 --format，或用 --format xlsx / --format csv',
    'sheets.csvIdHint':
      '提示：{file} 中的编号（如 {example}）按文本写出；在 Excel/WPS 中直接双击打开会去掉开头的 0 或改成日期。请用“数据 → 自文本/CSV”（WPS：数据 → 导入数据）打开，并把编号列设为“文本”',
    'sheets.csvIdHintXlsx':
      '提示：{file} 中的编号（如 {example}）按文本写出；在 Excel/WPS 中直接双击打开会去掉开头的 0 或改成日期。请用“数据 → 自文本/CSV”（WPS：数据 → 导入数据）打开，并把编号列设为“文本”；或改写为 xlsx（--out 文件名.xlsx），编号原样保留',
  },
  en: {
    'sheets.col.actual': '{label}_actual',
    'sheets.col.required': '{label}_required',
    'sheets.col.exempt': 'exempt',
    'sheets.sub.actual': 'actual',
    'sheets.sub.required': 'required',
    'sheets.allDepartments': 'all departments',
    'sheets.asOf': 'as of {date}',
    'sheets.titlePeriod': '{kind} {period}',
    'sheets.titleCount': '{count} {count|cadre|cadres}',
    'sheets.footer': 'page {page} of {pages}',
    'sheets.outAndOutDir': 'give --out or --out-dir, not both (without --split-by)',
    'sheets.fix.outAndOutDir': 'name the file with --out FILE, or give --out-dir DIR for a file named with the year or date; add --split-by department for one file per department',
    'sheets.outDirFormat': '--out-dir writes xlsx or csv files, not {format}',
    'sheets.fix.outDirFormat': 'leave out --format, or give --format xlsx or --format csv',
    'sheets.csvIdHint':
      'note: the IDs in {file} (e.g. {example}) are written as text; Excel and WPS opening it by double-click drop leading zeros or turn them into dates. Open it with Data → From Text/CSV and set the ID columns to Text',
    'sheets.csvIdHintXlsx':
      'note: the IDs in {file} (e.g. {example}) are written as text; Excel and WPS opening it by double-click drop leading zeros or turn them into dates. Open it with Data → From Text/CSV and set the ID columns to Text, or write xlsx instead (--out NAME.xlsx), which keeps them as they are',
  },
};
