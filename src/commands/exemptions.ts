/** `cadre exemptions [--all] [--learner ID]`: every exemption in force (with --all, revoked ones too). */
import type { Context } from '../cli/context.js';
import { chooseFormat, emit, jsonArray, renderCsv, renderTable } from '../cli/render.js';
import { findCadre, loadCadres } from '../db/cadres.js';
import { listExemptions } from '../db/exemptions.js';
import { InputError, msg } from '../errors.js';
import { scopeText } from './shared/exemption-target.js';

export async function run(args: unknown[], ctx: Context): Promise<number> {
  const [opts] = args as [{ all?: boolean; learner?: string; format?: string }];
  const format = chooseFormat(opts.format, ctx.out);
  const db = ctx.db({ readOnly: true });
  let cadreId: number | undefined;
  if (opts.learner !== undefined) {
    const cadre = findCadre(loadCadres(db), opts.learner);
    if (!cadre) throw new InputError(msg('ops.unknownLearner', { id: opts.learner }), [], msg('ops.fix.unknownLearner'));
    cadreId = cadre.id;
  }
  const rows = listExemptions(db, { all: opts.all, cadreId });
  if (format === 'json') {
    emit(ctx, jsonArray(rows, !!ctx.out.isTTY));
    return 0;
  }
  const { t } = ctx.tr;
  const view = rows.map((r) => ({
    ...r,
    requirement: format === 'csv' ? r.requirement : t(`req.${r.requirement}`),
    scope: scopeText(r, ctx),
    year: r.year ?? '',
    revoked_at: r.revoked_at ?? '',
  }));
  const keys = ['id', 'learner_id', 'name', 'department', 'requirement', 'year', 'scope', 'reason', 'granted_by', 'granted_at', ...(opts.all ? (['revoked_at'] as const) : [])] as const;
  const columns = keys.map((key) => ({ key, header: t(`ops.exemptions.col.${key}`) }));
  if (format === 'csv') emit(ctx, renderCsv(columns, view, false));
  else emit(ctx, view.length ? await renderTable(columns, view, ctx.color) : t(opts.all ? 'ops.exemptions.noneAll' : 'ops.exemptions.none') + '\n');
  return 0;
}
