/**
 * `audit --split-by department --format json`: one JSON file per
 * department (the items of `audit --format json`, one cadre a line), all
 * of them or none (split-files.ts). CSV and xlsx are split by audit-xlsx.ts.
 */
import type { Context } from '../shell/context.js';
import { jsonArray } from '../shell/render.js';
import { auditJson, type AuditedCadre } from './audit-view.js';
import { groupBy, writeSplitFiles } from './split-files.js';

export interface SplitJsonOptions {
  outDir: string;
  shortfall: boolean;
  overwrite: boolean;
  /** The view's year or as-of date as it goes into each file's name. */
  period: string;
}

export async function writeSplitJson(ctx: Context, audited: AuditedCadre[], opts: SplitJsonOptions): Promise<void> {
  const prefix = ctx.tr.t(opts.shortfall ? 'xlsx.fileShortfall' : 'xlsx.fileAudit');
  const groups = groupBy(audited, (a) => a.cadre.department);
  await writeSplitFiles(ctx, groups, { outDir: opts.outDir, before: `${prefix}-`, after: `_${opts.period}`, ext: 'json', overwrite: opts.overwrite }, (list) => jsonArray(list.map(auditJson), false));
}
