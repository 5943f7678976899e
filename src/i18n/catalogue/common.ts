import type { Section } from './index.js';

/** Messages shared by every command: places, exit summaries, generic errors. */
export const common: Section = {
  zh: {
    'place.file': '{file}',
    'place.line': '第 {line} 行',
    'place.column': '第 {column} 列',
    'place.columnName': '（{name}）',
    'error.prefix': '错误',
    'warning.prefix': '警告',
    'fix.prefix': '解决办法',
    'error.unexpected': '意外错误：{message}。加 --debug 重新运行可查看详细信息。',
    'error.moreProblems': '……另有 {count} 处问题未列出',
    'error.fileSystem': '无法读写文件 {file}（{code}），未作任何改动',
    'error.fix.fileSystem': '请确认文件夹存在、有写权限、磁盘未满，或换一个路径',
  },
  en: {
    'place.file': '{file}',
    'place.line': 'line {line}',
    'place.column': 'column {column}',
    'place.columnName': ' ({name})',
    'error.prefix': 'error',
    'warning.prefix': 'warning',
    'fix.prefix': 'fix',
    'error.unexpected': 'unexpected error: {message}. Run again with --debug to see the details.',
    'error.moreProblems': '… and {count} more {count|problem|problems} not listed',
    'error.fileSystem': 'cannot read or write {file} ({code}); nothing was changed',
    'error.fix.fileSystem': 'check that the folder exists, is writable and the disk is not full, or give another path',
  },
};
