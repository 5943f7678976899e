import type { Section } from './index.js';

/**
 * Hours imports where real exports differ from the happy path: rows after
 * leaving office, other hours for a record on file, placeholder course hours.
 */
export const hours: Section = {
  zh: {
    'row.afterLeaving': '学员 {id} 已于 {left} 离任，本行日期 {date} 在离任之后，未导入（文件其余各行照常导入）',
    'record.afterLeaving': '学员 {id} 已于 {left} 离任，{date} 在离任之后，不能登记',
    'import.countsAfterLeaving': '，离任后未导入 {count}',
    'import.moreAfterLeaving': '……另有 {count} 行日期在离任之后，未导入',
    'hours.courseChange': '{code}（{from} → {to} 学时）',
    'hours.andMore': '……另有 {count} 门',
    'hours.placeholderReplaced': '{count} 门课程原为暂定学时（登记时未给学时，暂按 1 学时），现按本文件的学时登记：{list}',
    'hours.requireDisagrees': '{count} 门课程保留用 require --hours 设定的学时，但本文件给出的学时不同：{list} — 请与平台核对（必修课学时按课程目录中的学时计算）',
    'hours.otherHours.kept':
      '{file} 中有 {count} 行与已有记录的学员、课程和日期相同而学时不同，已保留原有学时 — 请与平台核对哪个正确。如要改用本文件的学时：先运行 cadre undo-import {batch}，再运行 cadre import-hours {arg} --replace-hours',
    'hours.otherHours.keptDry': '{file} 中有 {count} 行与已有记录的学员、课程和日期相同而学时不同；正式导入时保留原有学时 — 请与平台核对哪个正确；如要改用本文件的学时，导入时加 --replace-hours',
    'hours.otherHours.replaced': '已有记录中有 {count} 条改用 {file} 的学时（--replace-hours）；如需恢复原来的学时，运行 cadre undo-import {batch}',
    'hours.otherHours.replaceDry': '已有记录中有 {count} 条将改用 {file} 的学时（--replace-hours）',
    'hours.otherHours.row': '{file} 第 {line} 行：学员 {id}，课程 {code}，{date}：本文件 {hours} 学时，已有记录 {stored} 学时（来自{from}）',
    'hours.otherHours.batch': '批次 {batch}：{file} 第 {line} 行，{at} 导入',
    'hours.otherHours.byHand': '手工录入',
    'cli.opt.replaceHours': '某行的学员、课程和日期已有记录但学时不同时，改用本文件的学时（撤销本次导入即恢复原学时）',
    'require.placeholderReplaced': '这些课程原为暂定学时，现按 --hours 登记：{courses}',
    'require.registeredPlaceholder': '课程目录中没有 {codes}，已登记，暂按每门 1 学时计 — 第一次给出这些课程学时的学时导入会换成平台的学时（“课程名称”列会补上名称），也可用 --hours 指定',
    'courses.col.hoursSource': '学时来源',
    'courses.source.placeholder': '暂定（导入时补上）',
    'courses.source.require': 'require --hours',
    'courses.source.import': '导入',
  },
  en: {
    'row.afterLeaving': 'learner {id} left office on {left}; this row, dated {date}, is not imported (the rest of the file is)',
    'record.afterLeaving': 'learner {id} left office on {left}; {date} is after that, so nothing can be recorded for it',
    'import.countsAfterLeaving': ', after leaving office: {count}',
    'import.moreAfterLeaving': '… and {count} more {count|row|rows} dated after leaving office, not imported',
    'hours.courseChange': '{code} ({from} → {to} h)',
    'hours.andMore': ' … and {count} more',
    'hours.placeholderReplaced': '{count} {count|course|courses} had placeholder hours (registered without hours, counted as 1 hour) and now take this file\'s: {list}',
    'hours.requireDisagrees': '{count} {count|course keeps|courses keep} the hours set with require --hours, but this file gives others: {list} — check with the platform (the required-course hours are the catalogue\'s)',
    'hours.otherHours.kept':
      "{count} {count|row|rows} of {file} {count|gives|give} other hours than the record already on file for the same learner, course and date; the hours on file stay — check with the platform which are right. To take this file's hours instead: cadre undo-import {batch}, then cadre import-hours {arg} --replace-hours",
    'hours.otherHours.keptDry': "{count} {count|row|rows} of {file} {count|gives|give} other hours than the record already on file for the same learner, course and date; an import keeps the hours on file — check with the platform which are right; to take this file's hours, import it with --replace-hours",
    'hours.otherHours.replaced': '{count} {count|record|records} on file took the hours of {file} (--replace-hours); cadre undo-import {batch} puts the earlier hours back',
    'hours.otherHours.replaceDry': '{count} {count|record|records} on file would take the hours of {file} (--replace-hours)',
    'hours.otherHours.row': '{file}, line {line}: learner {id}, course {code}, {date}: {hours} h in this file, {stored} h on file from {from}',
    'hours.otherHours.batch': 'batch {batch}, {file} line {line}, imported {at}',
    'hours.otherHours.byHand': 'an entry by hand',
    'cli.opt.replaceHours': 'a row whose learner, course and date is on file with other hours replaces them (undoing this import puts them back)',
    'require.placeholderReplaced': 'these courses had placeholder hours and now take --hours: {courses}',
    'require.registeredPlaceholder': "not in the catalogue yet: {codes}; registered with a placeholder of 1 hour each — the first hours import that gives their hours replaces it with the platform's (and course_title fills in the titles), or give --hours",
    'courses.col.hoursSource': 'hours from',
    'courses.source.placeholder': 'placeholder (an import gives them)',
    'courses.source.require': 'require --hours',
    'courses.source.import': 'import',
  },
};
