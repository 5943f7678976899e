/**
 * `cadre reference add FILE --title T`: registers a text everyone quotes (the
 * report being studied, the notice, an official document); what an essay
 * shares with it is a quotation, left out of its 复制比.
 * `cadre reference list`: the texts registered.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../shell/context.js';
import { chooseFormat, present, type Format } from '../shell/render.js';
import { normaliseEssayText } from '../core/similarity.js';
import { countZi } from '../core/wordcount.js';
import { writeTransaction } from '../db/journal.js';
import { addReference, listReferences } from '../db/similarity.js';
import { InputError, UsageError, msg } from '../errors.js';
import { readText } from '../import/cells.js';
import { readEssayText } from '../io/essay-text.js';
import { localTimestamp } from '../local-time.js';

export interface ReferenceOptions {
  action: string;
  file?: string;
  title?: string;
  format?: Format;
}

export async function run(opts: ReferenceOptions, ctx: Context): Promise<number> {
  if (opts.action === 'list') {
    if (opts.file !== undefined) throw new UsageError(msg('essays.reference.listNoFile'), msg('essays.reference.fix.action'));
    return list(opts, ctx);
  }
  if (opts.action !== 'add') throw new UsageError(msg('essays.reference.badAction', { action: opts.action }), msg('essays.reference.fix.action'));
  if (opts.file === undefined) throw new UsageError(msg('essays.reference.needFile'), msg('essays.reference.fix.action'));
  if (!opts.title) throw new UsageError(msg('usage.missingOption', { option: '--title' }));
  const title = readText(opts.title, 200);
  if (!title.ok) throw new InputError(msg('essay.badOption', { option: '--title', reason: ctx.tr.m(title.reason) }));
  const file = path.resolve(ctx.cwd, opts.file);
  const text = normaliseEssayText(await readEssayText(file));
  const chars = countZi(text);
  const sha256 = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  const db = ctx.db();
  const policy = ctx.policy();
  const fileName = path.basename(opts.file);
  const result = writeTransaction(
    db,
    ctx,
    (r) => ({ command: 'reference add', args: { id: r.id, title: title.value, file: fileName, chars }, inputSha256: sha256, counts: { new: r.existed ? 0 : 1 } }),
    () => addReference(db, { title: title.value, fileName, sha256, text, chars, addedAt: localTimestamp(ctx.now()), addedBy: ctx.operator }, policy.similarity),
  );
  if (result.existed) ctx.warn(ctx.tr.t('essays.reference.already', { id: result.id, file: opts.file }));
  else ctx.err.write(ctx.tr.t('essays.reference.added', { id: result.id, title: title.value, chars }) + '\n');
  ctx.out.write(`${result.id}\n`);
  return 0;
}

async function list(opts: ReferenceOptions, ctx: Context): Promise<number> {
  const format = chooseFormat(opts.format, ctx.out);
  const db = ctx.db({ readOnly: true, missingAsEmpty: true });
  const rows = listReferences(db);
  const { t } = ctx.tr;
  const keys = ['id', 'title', 'file_name', 'chars', 'added_at', 'added_by', 'sha256'] as const;
  type Row = (typeof rows)[number];
  const columns = keys.map((key) => ({ key, header: t(`essays.reference.col.${key}`), ...(key === 'sha256' ? { short: (r: Row) => r.sha256.slice(0, 12) } : {}) }));
  await present(ctx, { columns, rows, json: () => rows, empty: t('essays.reference.none') }, { format });
  return 0;
}
