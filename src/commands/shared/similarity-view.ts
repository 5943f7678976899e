/**
 * What record-essay, import-essays and `similar` say about an essay's
 * comparison: the one-line summary on stderr, and the report (figures,
 * sources, the longest shared passages side by side, fitted to the terminal:
 * a CJK character takes two columns).
 */
import { diffChars } from 'diff';
import stringWidth from 'string-width';
import type { Context } from '../../shell/context.js';
import { wrapText } from '../../shell/fit.js';
import { longestPassages, passageText, percentText, type Keyed, type SimilarityReport, type SourceKind } from '../../core/similarity.js';
import { forTerminal } from '../../core/text.js';
import { countZi } from '../../core/wordcount.js';
import { sourceKey, type EssayCheck, type SourceInfo } from '../../db/similarity.js';

/** The figures of a comparison for the journal. */
export function similarityArgs(check: EssayCheck | null | undefined): Record<string, number | string> {
  if (!check) return {};
  const r = check.report;
  return { copiedPermille: r.othersPermille, selfPermille: r.selfPermille, quotedPermille: r.quotedPermille, ...(check.held ? { held: check.held } : {}) };
}

/** One line on stderr after an essay was compared, and a warning when it reaches the policy's threshold. */
export function reportCheck(ctx: Context, id: number, check: EssayCheck): void {
  const { t } = ctx.tr;
  const r = check.report;
  ctx.err.write(
    t('essays.checked', { id, essays: check.essaysCompared, refs: check.referencesCompared, copied: percentText(r.othersPermille), self: percentText(r.selfPermille), quoted: percentText(r.quotedPermille) }) + '\n',
  );
  const s = ctx.policy().similarity;
  if (check.held) {
    const why = check.held === 'copied' ? t('essays.held.copied', { pct: percentText(r.othersPermille), max: percentText(s.holdOthersPermille) }) : t('essays.held.self', { pct: percentText(r.selfPermille), max: percentText(s.holdSelfPermille) });
    ctx.warn(t(check.statusWas === 'approved' ? 'essays.held' : 'essays.heldKept', { id, why, status: t(`essayStatus.${check.statusWas ?? 'pending'}`) }));
  } else if (r.othersPermille >= s.holdOthersPermille || r.selfPermille >= s.holdSelfPermille) {
    ctx.warn(t('essays.overThreshold', { id, copied: percentText(r.othersPermille), self: percentText(r.selfPermille), copiedMax: percentText(s.holdOthersPermille), selfMax: percentText(s.holdSelfPermille) }));
  }
}

/** How a source is named: "essay 12 (WZ260001 张伟, 2025-12-01, 学习心得)" or "reference 3 (title)". */
export function sourceName(ctx: Context, kind: SourceKind, id: number, info: SourceInfo | undefined): string {
  const { t } = ctx.tr;
  if (kind === 'reference') return t('essays.source.reference', { id, title: info?.title ?? '' });
  return t(kind === 'self' ? 'essays.source.self' : 'essays.source.other', { id, learner: info?.learner_id ?? '?', name: info?.name ?? '', date: info?.submitted_on ?? '', title: info?.title ?? '' });
}

/** Text cut into lines of at most `width` terminal columns. */
export function wrapColumns(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let cur = '';
  let w = 0;
  for (const ch of text) {
    const cw = stringWidth(ch);
    if (w + cw > width) {
      lines.push(cur);
      cur = '';
      w = 0;
      if (lines.length === maxLines) break;
    }
    cur += ch;
    w += cw;
  }
  if (lines.length < maxLines && cur) lines.push(cur);
  else if (cur || lines.length === maxLines) {
    // Cut: the last line ends with an ellipsis.
    let last = lines[maxLines - 1];
    while (stringWidth(last) + 1 > width) last = [...last].slice(0, -1).join('');
    lines[maxLines - 1] = last + '…';
  }
  return lines;
}

/** A passage's heading in at most four lines of `columns`: broken between words and after punctuation, never inside a number ("10" / "6 字"). */
export function headingLines(text: string, columns: number): string[] {
  const lines = wrapText(text, columns);
  return lines.length > 4 ? wrapColumns(text, columns, 4) : lines;
}

const pad = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - stringWidth(s)));

/** How many 字 of passage `a` the diff finds unchanged in `b`. */
export function sameZi(a: string, b: string): number {
  let same = 0;
  for (const part of diffChars(a, b)) if (!part.added && !part.removed) same += countZi(part.value);
  return same;
}

export interface ReportView {
  essayId: number;
  report: SimilarityReport;
  essay: Keyed | null;
  texts: Map<string, Keyed>;
  sources: Map<string, SourceInfo>;
}

/** The report as lines for a terminal of `columns` columns. */
export function reportLines(ctx: Context, v: ReportView, columns: number, passages = 5): string[] {
  const { t } = ctx.tr;
  const r = v.report;
  const out: string[] = [];
  out.push(t('essays.report.head', { id: v.essayId, zi: r.zi }));
  out.push(t('essays.report.copied', { pct: percentText(r.othersPermille), zi: r.othersZi }));
  out.push(t('essays.report.self', { pct: percentText(r.selfPermille), zi: r.selfZi }));
  out.push(t('essays.report.quoted', { pct: percentText(r.quotedPermille), zi: r.quotedZi }));
  if (!r.sources.length) {
    out.push(t('essays.report.noSources'));
    return out;
  }
  out.push('', t('essays.report.sources'));
  for (const s of r.sources.slice(0, 10)) {
    out.push(`  ${pad(percentText(s.permille), 6)} ${forTerminal(sourceName(ctx, s.kind, s.id, v.sources.get(sourceKey(s.kind, s.id))))}`);
  }
  if (!v.essay) {
    out.push('', t('essays.report.noText'));
    return out;
  }
  const side = Math.max(20, Math.floor((columns - 3) / 2));
  const shown = longestPassages(r, passages);
  if (shown.length) out.push('', t('essays.report.passages', { count: shown.length }));
  for (const { source, passage } of shown) {
    const key = sourceKey(source.kind, source.id);
    const other = v.texts.get(key);
    const a = passageText(v.essay, passage.a).replace(/\s+/g, ' ');
    const b = other && passage.b ? passageText(other, passage.b).replace(/\s+/g, ' ') : '';
    out.push('');
    const head = forTerminal(t('essays.report.passage', { len: countZi(a), source: sourceName(ctx, source.kind, source.id, v.sources.get(key)), same: b ? sameZi(a, b) : 0 }), 500);
    out.push(...headingLines(head, columns));
    const left = wrapColumns(forTerminal(a, 100_000), side, 8);
    const right = b ? wrapColumns(forTerminal(b, 100_000), side, 8) : [t('essays.report.sourceTextGone')];
    out.push(`${pad(t('essays.report.thisEssay'), side)} │ ${t('essays.report.theSource')}`);
    for (let i = 0; i < Math.max(left.length, right.length); i++) out.push(`${pad(left[i] ?? '', side)} │ ${right[i] ?? ''}`);
  }
  return out;
}

/** The report as JSON (one object). */
export function reportJson(v: ReportView): Record<string, unknown> {
  const r = v.report;
  return {
    essay_id: v.essayId,
    zi: r.zi,
    copied_zi: r.othersZi,
    copied_permille: r.othersPermille,
    self_zi: r.selfZi,
    self_permille: r.selfPermille,
    quoted_zi: r.quotedZi,
    quoted_permille: r.quotedPermille,
    common_zi: r.commonZi,
    sources: r.sources.map((s) => {
      const info = v.sources.get(sourceKey(s.kind, s.id));
      const other = v.texts.get(sourceKey(s.kind, s.id));
      return {
        kind: s.kind,
        id: s.id,
        learner_id: info?.learner_id ?? null,
        title: info?.title ?? null,
        submitted_on: info?.submitted_on ?? null,
        zi: s.zi,
        permille: s.permille,
        passages: s.passages.map((p) => ({
          essay: v.essay ? passageText(v.essay, p.a) : null,
          source: other && p.b ? passageText(other, p.b) : null,
          zi: v.essay ? countZi(passageText(v.essay, p.a)) : null,
        })),
      };
    }),
  };
}
