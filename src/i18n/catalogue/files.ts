import type { Section } from './index.js';

/** Messages of the atomic-file helper (src/io/atomic-file.ts): outputs that exist, folders. */
export const files: Section = {
  zh: {
    'file.exists': '{file} 已存在，未覆盖',
    'file.fix.exists': '换一个文件名，或先移走已有的文件',
    'file.fix.existsOverwrite': '换一个文件名；确要替换已有的文件，请加 {option}',
    'file.isDirectory': '{file} 是一个文件夹，不能写成文件',
  },
  en: {
    'file.exists': '{file} already exists; it was not overwritten',
    'file.fix.exists': 'give another file name, or move the existing file away first',
    'file.fix.existsOverwrite': 'give another file name; to replace the existing file, add {option}',
    'file.isDirectory': '{file} is a folder and cannot be written as a file',
  },
};
