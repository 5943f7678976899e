/** A reviewer as `--reviewer`, `--reviewers` and `reviewer remove` name them: by code, or by a name only one reviewer has. */
import type { DB } from '../../db/open.js';
import { findReviewers, type ReviewerRow } from '../../db/reviews.js';
import { InputError, msg } from '../../errors.js';
import { readableTime } from '../../local-time.js';

/** The one reviewer `key` names (code, or a name only one reviewer has). */
export function oneReviewer(db: DB, key: string, active: boolean): ReviewerRow {
  const found = findReviewers(db, key.trim());
  if (!found.length) throw new InputError(msg('review.reviewer.unknown', { key }), [], msg('review.reviewer.fix.list'));
  if (found.length > 1) throw new InputError(msg('review.reviewer.ambiguous', { key, codes: found.map((f) => f.code).join(', ') }), [], msg('review.reviewer.fix.ambiguous'));
  if (active && found[0].retired_at) throw new InputError(msg('review.reviewer.retired', { code: found[0].code, name: found[0].name, at: readableTime(found[0].retired_at) }), [], msg('review.reviewer.fix.list'));
  return found[0];
}

