/** `cadre exemptions [--all] [--learner ID]`: every exemption in force (with --all, revoked ones too). */
import type { Context } from '../shell/context.js';
import { present, type Format } from '../shell/render.js';
import { listingOutput } from '../shell/listing-out.js';
import type { CellKind } from '../io/xlsx-out.js';
import { findCadre, loadCadres } from '../db/cadres.js';
import { listExemptions } from '../db/exemptions.js';
import { InputError, msg } from '../errors.js';
import { scopeText } from './shared/exemption-target.js';

export interface ExemptionsOptions {
  all?: boolean;
  learner?: string;
  format?: Format;
  out?: string;
  overwrite?: boolean;
}

export async function run(opts: ExemptionsOptions, ctx: Context): Promise<number> {
  const { format, out } = listingOutput(ctx, opts);
  const db = ctx.db({ readOnly: true });
  let cadreId: number | undefined;
  if (opts.learner !== undefined) {
    const cadre = findCadre(loadCadres(db), opts.learner);
    if (!cadre) throw new InputError(msg('ops.unknownLearner', { id: opts.learner }), [], msg('ops.fix.unknownLearner'));
    cadreId = cadre.id;
  }
  const rows = listExemptions(db, { all: opts.all, cadreId });
  const { t } = ctx.tr;
  const view = rows.map((r) => ({
    ...r,
    scope: scopeText(r, ctx),
    year: r.year ?? '',
    revoked_at: r.revoked_at ?? '',
  }));
  type ViewRow = (typeof view)[number];
  const keys = ['id', 'learner_id', 'name', 'department', 'requirement', 'year', 'scope', 'reason', 'granted_by', 'granted_at', ...(opts.all ? (['revoked_at'] as const) : [])] as const;
  // The requirement is its ID in CSV (for programs) and in words on a terminal.
  const kinds: Partial<Record<(typeof keys)[number], CellKind>> = { id: 'number', learner_id: 'id', year: 'number', granted_at: 'datetime', revoked_at: 'datetime' };
  const columns = keys.map((key) => ({ key, header: t(`ops.exemptions.col.${key}`), kind: kinds[key], ...(key === 'requirement' ? { short: (r: ViewRow) => t(`req.${r.requirement}`) } : {}) }));
  await present(ctx, { columns, rows: view, json: () => rows, empty: t(opts.all ? 'ops.exemptions.noneAll' : 'ops.exemptions.none') }, { format, out });
  return 0;
}
