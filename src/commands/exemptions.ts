/** `cadre exemptions [--all] [--learner ID]`: every exemption in force (with --all, revoked ones too). */
import type { Context } from '../shell/context.js';
import { listingOutput } from '../shell/listing-out.js';
import type { CellKind } from '../io/xlsx-out.js';
import { present, type FitHints, type Format } from '../shell/render.js';
import { readableTime } from '../local-time.js';
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
    requirement: t(`req.${r.requirement}`),
    scope: scopeText(r, ctx),
    year: r.year ?? '',
    revoked_at: r.revoked_at ?? '',
  }));
  type ViewRow = (typeof view)[number];
  const keys = ['id', 'learner_id', 'name', 'department', 'requirement', 'year', 'scope', 'reason', 'granted_by', 'granted_at', ...(opts.all ? (['revoked_at'] as const) : [])] as const;
  // The requirement in words, in CSV and xlsx too (a person opens them); JSON keeps its ID.
  const kinds: Partial<Record<(typeof keys)[number], CellKind>> = { id: 'number', learner_id: 'id', year: 'number', granted_at: 'datetime', revoked_at: 'datetime' };
  // On a terminal the times are local and to the minute; on a narrow one the year (its scope says it), who granted it,
  // the department and when give way first, the revocation last.
  const short: Partial<Record<string, (r: ViewRow) => string>> = {
    granted_at: (r) => readableTime(r.granted_at),
    revoked_at: (r) => readableTime(r.revoked_at),
  };
  const fit: Partial<Record<string, FitHints>> = {
    id: { essential: true, keep: true, align: 'right' },
    learner_id: { essential: true, keep: true },
    name: { keep: true, drop: 2 },
    department: { drop: 4 },
    requirement: { min: 8 },
    year: { keep: true, drop: 6 },
    scope: { min: 9 },
    reason: { min: 9 },
    granted_by: { drop: 5 },
    granted_at: { keep: true, drop: 3 },
    revoked_at: { keep: true, drop: 1 },
  };
  const columns = keys.map((key) => ({ key, header: t(`ops.exemptions.col.${key}`), short: short[key], fit: fit[key], kind: kinds[key] }));
  await present(ctx, { columns, rows: view, json: () => rows, empty: t(opts.all ? 'ops.exemptions.noneAll' : 'ops.exemptions.none') }, { format, out });
  return 0;
}
