/**
 * The columns of every input file, written once: the header names each
 * import accepts (its TableSpec), and what `--help` and `cadre template`
 * say of each column (its Chinese name, whether it is required, its
 * default, an example value). Data only: the registry's help reads it
 * without loading an importer.
 */
import type { ColumnDef, TableSpec } from '../io/table.js';
import { createTranslator, type Translator } from '../i18n/index.js';

/** The kinds of input file (`cadre template KIND`). */
export type InputKind = 'roster' | 'hours' | 'training' | 'exams' | 'essays';
export const INPUT_KINDS: readonly InputKind[] = ['roster', 'hours', 'training', 'exams', 'essays'];

export interface ColumnInfo extends ColumnDef {
  /** The Chinese header a template writes (one of the aliases). */
  zh: string;
  /** Catalogue key of what the column holds (help, template comments). */
  about: string;
  /** The template's example value. */
  example: string;
  /** A text column of identifiers (staff numbers keep their leading zeros: a text cell). */
  id?: boolean;
  /** Catalogue key of what an empty or absent column means, if it has a default. */
  default?: string;
}

export interface InputSpec extends TableSpec {
  columns: ColumnInfo[];
}

const LEARNER: ColumnInfo = { key: 'learner_id', zh: '学员编号', aliases: ['学员编号', '学号', '学员号', 'learner id', 'learner'], about: 'inputs.col.learnerId', example: 'WZ260001', id: true };
const STAFF: ColumnInfo = { key: 'staff_no', zh: '工号', aliases: ['工号', '职工号', '教工号', 'staff no', 'staff number', 'staff_id'], about: 'inputs.col.staffNo', example: '0012345', id: true };
const NAME: ColumnInfo = { key: 'name', zh: '姓名', aliases: ['姓名', '学员姓名', '名字'], about: 'inputs.col.nameChecked', example: '张伟' };

/** Column names shared by every import that names a cadre. */
export const CADRE_COLUMNS: ColumnInfo[] = [LEARNER, STAFF, NAME];
const WHO = [['learner_id', 'staff_no']];

export const ROSTER_COLUMNS: InputSpec = {
  columns: [
    { key: 'staff_no', zh: '工号', aliases: ['工号', '职工号', '教工号', 'staff no', 'staff number'], about: 'inputs.col.rosterStaffNo', example: '0012345', id: true },
    { key: 'name', zh: '姓名', aliases: ['姓名'], about: 'inputs.col.name', example: '张伟' },
    { key: 'department', zh: '部门', aliases: ['部门', '学院', '单位', '所在单位', '部门/学院', 'dept'], about: 'inputs.col.department', example: '计算机学院' },
    { key: 'rank', zh: '职级', aliases: ['职级', '级别', '职务级别'], about: 'inputs.col.rank', example: '处级' },
    { key: 'appointed_on', zh: '任职日期', aliases: ['任职日期', '任职时间', '任命日期', 'appointed'], about: 'inputs.col.appointedOn', example: '2025-09-01' },
    { key: 'phone', zh: '电话', aliases: ['电话', '手机', '联系电话', '手机号'], about: 'inputs.col.phone', example: '13800000000', id: true },
    { key: 'email', zh: '邮箱', aliases: ['邮箱', '电子邮箱', 'e-mail'], about: 'inputs.col.email', example: 'zhangwei@example.edu.cn' },
    { key: 'left_on', zh: '离任日期', aliases: ['离任日期', '离任时间', 'left'], about: 'inputs.col.leftOn', example: '', default: 'inputs.default.inOffice' },
  ],
  required: ['staff_no', 'name', 'department', 'rank', 'appointed_on'],
};

export const HOURS_COLUMNS: InputSpec = {
  columns: [
    ...CADRE_COLUMNS,
    { key: 'course_code', zh: '课程编号', aliases: ['课程编号', '课程代码', '课程号', 'course code', 'course'], about: 'inputs.col.courseCode', example: 'C101', id: true },
    { key: 'completed_on', zh: '完成日期', aliases: ['完成日期', '学习日期', '完成时间', '学习时间', 'completed', 'date'], about: 'inputs.col.completedOn', example: '2025-11-03' },
    { key: 'course_title', zh: '课程名称', aliases: ['课程名称', '课程标题', '课程', 'title', 'course name'], about: 'inputs.col.courseTitle', example: '习近平新时代中国特色社会主义思想概论' },
    { key: 'hours', zh: '学时', aliases: ['学时', '学时数', 'hour'], about: 'inputs.col.hours', example: '2', default: 'inputs.default.oneHour' },
    { key: 'started_at', zh: '开始时间', aliases: ['开始时间', '开始学习时间', '开始日期', 'started', 'start time'], about: 'anomalies.col.startedAt', example: '2025-11-03 08:30', default: 'anomalies.default.none' },
    { key: 'studied', zh: '学习时长', aliases: ['学习时长', '时长', '学习用时', 'duration', 'time spent'], about: 'anomalies.col.studied', example: '120', default: 'anomalies.default.none' },
  ],
  required: ['course_code', 'completed_on'],
  oneOf: WHO,
};

export const TRAINING_COLUMNS: InputSpec = {
  columns: [
    ...CADRE_COLUMNS,
    { key: 'topic', zh: '培训专题', aliases: ['专题', '培训专题', '专题名称', '培训主题', 'training topic'], about: 'inputs.col.topic', example: '高校治理专题' },
    { key: 'attended_on', zh: '培训日期', aliases: ['日期', '培训日期', '参训日期', 'date', 'attended'], about: 'inputs.col.attendedOn', example: '2025-10-12' },
  ],
  required: ['topic', 'attended_on'],
  oneOf: WHO,
};

export const EXAMS_COLUMNS: InputSpec = {
  columns: [
    ...CADRE_COLUMNS,
    { key: 'exam', zh: '考试名称', aliases: ['考试名称', '考试', '摸底考试', 'exam name'], about: 'inputs.col.exam', example: '2025年摸底考试' },
    { key: 'taken_on', zh: '考试日期', aliases: ['日期', '考试日期', 'date', 'taken'], about: 'inputs.col.takenOn', example: '2025-12-20' },
    { key: 'score', zh: '成绩', aliases: ['成绩', '分数', '得分'], about: 'inputs.col.score', example: '86.5' },
  ],
  required: ['exam', 'taken_on', 'score'],
  oneOf: WHO,
};

export const ESSAYS_COLUMNS: InputSpec = {
  columns: [
    ...CADRE_COLUMNS,
    { key: 'kind', zh: '类型', aliases: ['类型', '成果类型', '类别', 'type'], about: 'inputs.col.essayKind', example: '心得体会' },
    { key: 'title', zh: '题目', aliases: ['题目', '标题', '名称'], about: 'inputs.col.essayTitle', example: '学习二十大精神心得' },
    { key: 'submitted_on', zh: '提交日期', aliases: ['提交日期', '日期', '提交时间', 'date', 'submitted'], about: 'inputs.col.submittedOn', example: '2025-12-01' },
    { key: 'chars', zh: '字数', aliases: ['字数', 'characters', 'length'], about: 'inputs.col.chars', example: '4000' },
    { key: 'file', zh: '文件', aliases: ['文件', '文件路径', 'path'], about: 'inputs.col.essayFile', example: '' },
    { key: 'status', zh: '状态', aliases: ['状态', '审核状态', '审核结果'], about: 'inputs.col.essayStatus', example: '通过', default: 'inputs.default.approved' },
    // The review workflow: the ID of the returned (退回修改) essay this row resubmits.
    { key: 'resubmits', zh: '修改自', aliases: ['修改自', '原文编号', '退回文章编号', 'resubmits'], about: 'review.col.resubmits', example: '', default: 'review.default.resubmits' },
  ],
  required: ['kind', 'title', 'submitted_on'],
  oneOf: [['chars', 'file'], ...WHO],
};

export const INPUT_SPECS: Record<InputKind, InputSpec> = {
  roster: ROSTER_COLUMNS,
  hours: HOURS_COLUMNS,
  training: TRAINING_COLUMNS,
  exams: EXAMS_COLUMNS,
  essays: ESSAYS_COLUMNS,
};

/** Whether a column must be there: required, one of a group (the other keys), or optional. */
export type ColumnNeed = { need: 'required' } | { need: 'oneOf'; group: string[] } | { need: 'optional' };

export function columnNeed(spec: TableSpec, key: string): ColumnNeed {
  if (spec.required.includes(key)) return { need: 'required' };
  const group = (spec.oneOf ?? []).find((g) => g.includes(key));
  if (group) return { need: 'oneOf', group };
  return { need: 'optional' };
}

/** The Chinese name of a key in a spec (the key itself when the spec has none). */
export function zhName(spec: InputSpec, key: string): string {
  return spec.columns.find((c) => c.key === key)?.zh ?? key;
}

/**
 * The header of a rejected-rows file (NAME.rejected.csv): the rows' own
 * header as read, between a line-number column and a reason column named in
 * the language of the run ("行号 … 原因", "line … reason").
 */
export function rejectedHeader(names: string[], tr: Translator): string[] {
  return [tr.t('file.col.line'), ...names, tr.t('file.col.reason')];
}

const REJECTED_EXTRA = new Set((['zh', 'en'] as const).flatMap((l) => ['file.col.line', 'file.col.reason'].map((k) => createTranslator(l).t(k).toLowerCase())));

/**
 * Of a header's unknown columns, those the user should hear about: a
 * corrected rejected-rows file, in either language, imports again without
 * its line and reason columns being called unknown (they are ignored).
 */
export function unknownToTell(unknown: string[]): string[] {
  return unknown.filter((n) => !REJECTED_EXTRA.has(n.normalize('NFKC').trim().toLowerCase()));
}
