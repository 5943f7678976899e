/**
 * Essays made from real Chinese prose (test/fixtures/essays/prose.txt and the
 * seed notice), with what is known of each: which characters came from which
 * source. Copies take a share of a source's sentences, put them in another
 * order and edit a tenth of their Han characters; the rest of the essay is
 * prose no other essay uses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mulberry32 } from './prng.mjs';
import { repoRoot } from './cli.js';
import { countZi } from '../../src/core/wordcount.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'essays');

export interface CorpusEssay {
  name: string;
  cadre: string;
  date: string;
  text: string;
  /** For each UTF-16 unit of text: 1 when it came from the source named below. */
  fromSource: Uint8Array;
  /** 字数 of the parts taken from the source (edited characters included), and of the whole. */
  copiedZi: number;
  zi: number;
  /** The essay (by name) or 'notice' its copied part came from, if any. */
  source: string | null;
  kind: 'original' | 'copy' | 'self' | 'innocent' | 'quote';
}

export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[。！？；])|\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function proseSentences(): string[] {
  return fs.readFileSync(path.join(fixtures, 'prose.txt'), 'utf8').split('\n').filter(Boolean);
}

/** A supply of prose: each call gives the next unused sentences, at least `zi` 字 of them. */
export function proseSupply(): (zi: number) => string[] {
  const prose = proseSentences();
  let next = 0;
  return (zi) => {
    const out: string[] = [];
    let n = 0;
    while (n < zi) {
      const s = prose[next++];
      out.push(s);
      n += countZi(s);
    }
    return out;
  };
}

export function noticeText(): string {
  return fs.readFileSync(path.join(fixtures, 'notice.txt'), 'utf8');
}

const zi = (s: string): number => s.replace(/\s/g, '').length;

/** A deterministic corpus: 8 originals, 8 copies of them (30 % to 100 %), one self-recycled essay, 8 innocent ones, 2 quoting the notice. */
export function buildCorpus(seed = 12, length = 800): CorpusEssay[] {
  const rand = mulberry32(seed);
  const pool = proseSentences();
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  let next = 0;
  const take = (chars: number): string[] => {
    const out: string[] = [];
    let n = 0;
    while (n < chars) {
      if (next >= pool.length) throw new Error('the prose fixture is too short for this corpus');
      const s = pool[next++];
      out.push(s);
      n += zi(s);
    }
    return out;
  };
  const hanPool = pool.join('').match(/[\u4e00-\u9fff]/g)!;
  /** A tenth of the Han characters replaced by others. */
  const edit = (s: string): string =>
    [...s].map((c) => (/[\u4e00-\u9fff]/.test(c) && rand() < 0.1 ? hanPool[Math.floor(rand() * hanPool.length)] : c)).join('');
  const shuffle = <T>(xs: T[]): T[] => {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };
  /** Joins parts (text, copied?) into an essay and its per-character origin. */
  const essay = (parts: { text: string; copied: boolean }[]): { text: string; fromSource: Uint8Array; copiedZi: number; zi: number } => {
    const text = parts.map((p) => p.text).join('');
    const fromSource = new Uint8Array(text.length);
    let at = 0;
    for (const p of parts) {
      if (p.copied) fromSource.fill(1, at, at + p.text.length);
      at += p.text.length;
    }
    return { text, fromSource, copiedZi: parts.filter((p) => p.copied).reduce((a, p) => a + countZi(p.text), 0), zi: countZi(text) };
  };
  const out: CorpusEssay[] = [];
  const originals: string[][] = [];
  for (let i = 0; i < 8; i++) {
    const s = take(length);
    originals.push(s);
    out.push({ name: `original-${i}`, cadre: `A${i}`, date: '2024-12-01', ...essay([{ text: s.join(''), copied: false }]), source: null, kind: 'original' });
  }
  const shares = [0.3, 0.5, 0.7, 1.0, 0.3, 0.4, 0.6, 0.35];
  shares.forEach((share, i) => {
    const src = originals[i];
    const copied: string[] = [];
    let n = 0;
    const start = Math.floor(rand() * src.length);
    for (let k = 0; n < share * length && k < src.length; k++) {
      const s = src[(start + k) % src.length];
      copied.push(edit(s));
      n += zi(s);
    }
    const own = share >= 1 ? [] : take(length - n);
    const parts = shuffle([...copied.map((text) => ({ text, copied: true })), ...own.map((text) => ({ text, copied: false }))]);
    out.push({ name: `copy-${i}`, cadre: `B${i}`, date: '2025-12-01', ...essay(parts), source: `original-${i}`, kind: 'copy' });
  });
  // A cadre hands in last year's reflection again, reordered and edited.
  out.push({ name: 'self-2', cadre: 'A2', date: '2025-11-20', ...essay(shuffle(originals[2]).map((s) => ({ text: edit(s), copied: true }))), source: 'original-2', kind: 'self' });
  for (let i = 0; i < 8; i++) {
    out.push({ name: `innocent-${i}`, cadre: `C${i}`, date: '2025-12-10', ...essay(take(length).map((text) => ({ text, copied: false }))), source: null, kind: 'innocent' });
  }
  // Two essays quoting the notice at length (it is registered as a reference): quotations, not copies.
  const notice = sentencesOf(noticeText());
  for (let i = 0; i < 2; i++) {
    const quoted = notice.slice(2 + i * 3, 2 + i * 3 + 8);
    const n = quoted.reduce((a, s) => a + zi(s), 0);
    const parts = [...quoted.map((text) => ({ text, copied: true })), ...take(Math.max(300, length - n)).map((text) => ({ text, copied: false }))];
    out.push({ name: `quote-${i}`, cadre: `D${i}`, date: '2025-12-15', ...essay(shuffle(parts)), source: 'notice', kind: 'quote' });
  }
  return out;
}

/** The share (per-mille) of an essay's 字数 that came from its source. */
export function trueSharePermille(e: CorpusEssay): number {
  return Math.round((e.copiedZi * 1000) / e.zi);
}
