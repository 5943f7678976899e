/**
 * Training topics that are probably the same: two topics whose texts differ
 * only by spaces, punctuation or symbols (《一流本科教育》 and 一流本科教育,
 * `巡视整改 专题` and `巡视整改专题`, full-width and half-width forms). The
 * audit counts topics by `topicKey` (src/core/audit.ts: NFKC, case and runs of
 * spaces ignored); `looseTopicKey` is the looser comparison used only to
 * flag a new row that would otherwise earn a second credit.
 */
import type { IsoDate } from './dates.js';
import { topicKey } from './audit.js';

/** The topic without any whitespace, punctuation or symbol, after NFKC, in lower case ('' when nothing is left). */
export function looseTopicKey(topic: string): string {
  return topic.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]/gu, '');
}

export interface KnownTopic {
  topic: string;
  date: IsoDate;
  /** The line of the file being read, when the topic came from it (else it is on file). */
  line?: number;
}

/**
 * Topics of one cadre, as read so far and on file, to find the one a new
 * topic is probably the same as: same loose key, another `topicKey`, dated
 * in the same window (the term of the new row).
 */
export class TopicNeighbours {
  private byLoose = new Map<string, (KnownTopic & { key: string })[]>();

  add(t: KnownTopic): void {
    const loose = looseTopicKey(t.topic);
    if (loose === '') return;
    const list = this.byLoose.get(loose) ?? [];
    list.push({ ...t, key: topicKey(t.topic) });
    this.byLoose.set(loose, list);
  }

  /** The earliest topic in [from, to] that `topic` is probably the same as, or null. */
  sameAs(topic: string, from: IsoDate, to: IsoDate): KnownTopic | null {
    const loose = looseTopicKey(topic);
    if (loose === '') return null;
    const key = topicKey(topic);
    const list = this.byLoose.get(loose) ?? [];
    // The topic itself is on file (or earlier in the file) in this window: an ordinary duplicate, not a look-alike.
    if (list.some((t) => t.key === key && t.date >= from && t.date <= to)) return null;
    let best: (KnownTopic & { key: string }) | null = null;
    for (const t of list) if (t.key !== key && t.date >= from && t.date <= to && (!best || t.date < best.date)) best = t;
    if (!best) return null;
    const { key: _key, ...known } = best;
    return known;
  }
}
