/**
 * `cadre accounts [LEARNER_ID…] [--state initial|expired|changed|locked]`:
 * each cadre's account state (on the initial password, expired, changed,
 * locked until …) with the dates of issue and change.
 */
import { localMinute } from '../local-time.js';
import { ACCOUNT_STATES, accountState, expiresAt, lockedUntil, normalizeLearnerId, type AccountState } from '../core/accounts.js';
import { loadAccounts, type CadreAccount } from '../db/accounts.js';
import { type Context } from '../shell/context.js';
import { localTimestamp } from '../local-time.js';
import { paint } from '../shell/color.js';
import { listingOutput } from '../shell/listing-out.js';
import type { CellKind } from '../io/xlsx-out.js';
import { present, type FitHints, type Format } from '../shell/render.js';
import { InputError, UsageError, msg } from '../errors.js';

interface Row {
  key: AccountState | 'none';
  learner_id: string;
  staff_no: string;
  name: string;
  department: string;
  state: string;
  issued: string;
  changed: string;
  detail: string;
}

/** What each column holds in CSV (IDs kept as text, dates as dates). */
const KINDS: Partial<Record<keyof Row, CellKind>> = { learner_id: 'id', staff_no: 'id', issued: 'date', changed: 'date' };

const localDate = (stamp: string | null): string => (stamp ? localTimestamp(new Date(stamp)).slice(0, 10) : '');

/** Colours the state cell: red when the account cannot be used, yellow while on the initial password. */
function paintState(key: string, text: string, row: Row): string {
  if (key !== 'state') return text;
  if (row.key === 'expired' || row.key === 'locked' || row.key === 'none') return paint(true, 'red', text);
  if (row.key === 'initial') return paint(true, 'yellow', text);
  return paint(true, 'green', text);
}

export interface AccountsOptions {
  learnerIds: string[];
  state?: AccountState;
  format?: Format;
  out?: string;
  overwrite?: boolean;
}

export async function run(opts: AccountsOptions, ctx: Context): Promise<number> {
  const ids = opts.learnerIds;
  const { format, out } = listingOutput(ctx, opts);
  if (opts.state !== undefined && !ACCOUNT_STATES.includes(opts.state as AccountState)) {
    throw new UsageError(msg('auth.badState', { state: opts.state, allowed: ACCOUNT_STATES.join('|') }));
  }
  const db = ctx.db({ readOnly: true });
  const policy = ctx.policy();
  const now = ctx.now();
  let list: CadreAccount[] = loadAccounts(db);
  if (ids.length) {
    const byId = new Map(list.map((c) => [c.learnerId, c]));
    const unknown = ids.filter((id) => !byId.has(normalizeLearnerId(id)));
    if (unknown.length) throw new InputError(msg('auth.unknownLearner', { id: unknown.join(', ') }), [], msg('auth.fix.unknownLearner'));
    list = [...new Set(ids.map(normalizeLearnerId))].map((id) => byId.get(id)!);
  }
  const shown = list
    .map((c) => ({ c, state: c.account ? accountState(c.account, policy, now) : ('none' as const) }))
    .filter((x) => opts.state === undefined || x.state === opts.state);

  const { t } = ctx.tr;
  const rows: Row[] = shown.map(({ c, state }) => {
    const a = c.account;
    let detail = '';
    if (a) {
      const exp = expiresAt(a, policy);
      const until = lockedUntil(a, now);
      if (state === 'expired') detail = t('auth.detail.expiredOn', { date: localMinute(exp!) });
      else if (state === 'locked') detail = t('auth.detail.lockedUntil', { until: localMinute(until!, true) });
      else if (state === 'initial') detail = t('auth.detail.expires', { date: localMinute(exp!) });
    } else detail = t('auth.detail.none', { id: c.learnerId });
    return {
      key: state,
      learner_id: c.learnerId,
      staff_no: c.staffNo,
      name: c.name,
      department: c.department,
      state: t(`auth.state.${state}`),
      issued: localDate(a?.issuedAt ?? null),
      changed: localDate(a?.changedAt ?? null),
      detail,
    };
  });
  const json = () =>
    shown.map(({ c, state }) => {
      const a = c.account;
      const exp = a ? expiresAt(a, policy) : null;
      const until = a ? lockedUntil(a, now) : null;
      return {
        learner_id: c.learnerId,
        staff_no: c.staffNo,
        name: c.name,
        department: c.department,
        state,
        must_change: a ? a.mustChange : null,
        issued_at: a?.issuedAt ?? null,
        changed_at: a?.changedAt ?? null,
        expires_at: exp ? localTimestamp(exp) : null,
        locked_until: until ? localTimestamp(until) : null,
      };
    });
  // On a narrow terminal the issue date gives way first, then the staff number and the department; the ID and the state always stay.
  const fit: Partial<Record<keyof Row, FitHints>> = {
    learner_id: { essential: true, keep: true },
    staff_no: { keep: true, drop: 3 },
    name: { keep: true, drop: 1 },
    department: { drop: 2 },
    state: { essential: true, keep: true },
    issued: { keep: true, drop: 4 },
    changed: { keep: true, merge: true, drop: 5 },
    detail: { min: 16 },
  };
  const columns = (['learner_id', 'staff_no', 'name', 'department', 'state', 'issued', 'changed', 'detail'] as const).map((key) => ({ key, header: t(`auth.col.${key}`), fit: fit[key], kind: KINDS[key] }));
  await present(ctx, { columns, rows, json, empty: t('auth.noAccounts'), paint: paintState }, { format, out });
  return 0;
}
