/** Column names shared by every import that names a cadre. */
import type { ColumnDef } from '../io/table.js';

export const CADRE_COLUMNS: ColumnDef[] = [
  { key: 'learner_id', aliases: ['学员编号', '学号', '学员号', 'learner id', 'learner'] },
  { key: 'staff_no', aliases: ['工号', '职工号', '教工号', 'staff no', 'staff number', 'staff_id'] },
  { key: 'name', aliases: ['姓名', '学员姓名', '名字'] },
];
