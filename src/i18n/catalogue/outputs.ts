import type { Section } from './index.js';

/** Messages about the files the tool writes: --out, --split-by, rejected rows, a full disk, temporaries of killed runs. */
export const outputs: Section = {
  zh: {
    'outputs.opt.overwrite': '目标文件已存在时替换它（默认不覆盖，报错退出）',
    'outputs.opt.overwriteRejected': '替换同一文件上次留下的“原文件名.rejected.csv”（默认保留旧文件，另写“原文件名.rejected-2.csv”）',
    'outputs.diskFull': '{file} 未能写入：{disk} 所在的磁盘已满，没有留下不完整的文件',
    'outputs.fix.diskFull': '在 {disk} 上腾出空间后重新运行，或把输出写到另一个磁盘上的文件夹',
    'outputs.writeFailed': '{file} 未能写入（{code}）',
    'outputs.staleRemoved': '已清理此前中断的运行在 {dir} 中留下的 {count} 个临时文件：{files}',
    'outputs.outDirNotDir': '--out-dir {dir} 是一个文件，不是文件夹',
    'outputs.fix.outDirNotDir': '换一个 --out-dir，写一个文件夹的名字（不存在的文件夹会自动创建）',
    'outputs.splitExists': '{dir} 中已有 {count} 个同名文件：没有覆盖，也没有写入任何文件',
    'outputs.existsHere': '已存在',
    'outputs.fix.splitExists': '换一个 --out-dir，或先移走这些文件；确要替换它们，请加 {option}',
    'outputs.fileAsOf': '截至{date}',
    'outputs.wroteDept': '已写入 {file}（{dept}，{count} 行）',
    'outputs.splitWrote': '共 {count} 个部门，每个部门一个文件，已写入 {dir}',
    'outputs.rejectedKept': '{old} 已存在（之前导入时留下的），已保留；本次被拒绝的行写入 {file}。如要替换旧文件，请加 {option}',
  },
  en: {
    'outputs.opt.overwrite': 'replace the target file if it exists (by default it is refused)',
    'outputs.opt.overwriteRejected': 'replace the NAME.rejected.csv an earlier import of the file left (by default it is kept and NAME.rejected-2.csv is written)',
    'outputs.diskFull': '{file} was not written: the disk of {disk} is full. No part of the file was left behind',
    'outputs.fix.diskFull': 'free some space on {disk} and run again, or write to a folder on another disk',
    'outputs.writeFailed': '{file} was not written ({code})',
    'outputs.staleRemoved': 'removed {count} temporary {count|file|files} that interrupted runs had left in {dir}: {files}',
    'outputs.outDirNotDir': '--out-dir {dir} is a file, not a folder',
    'outputs.fix.outDirNotDir': 'give another --out-dir, the name of a folder (a folder that does not exist is created)',
    'outputs.splitExists': '{count} of the files already exist in {dir}: nothing was overwritten and no file was written',
    'outputs.existsHere': 'already exists',
    'outputs.fix.splitExists': 'give another --out-dir, or move these files away first; to replace them, add {option}',
    'outputs.fileAsOf': 'as-of-{date}',
    'outputs.wroteDept': 'wrote {file} ({dept}, {count} {count|row|rows})',
    'outputs.splitWrote': '{count} {count|department|departments}, one file each, written to {dir}',
    'outputs.rejectedKept': '{old} already exists (an earlier import left it) and was kept; the rows rejected this time are in {file}. To replace the old file, add {option}',
  },
};
