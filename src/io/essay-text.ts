/**
 * The text of an essay file, as Word or WPS would show it, for counting 字数
 * and comparing: .txt (any encoding scanFile accepts), .md (markup removed),
 * .docx and .pdf with a text layer (a scanned PDF, pages of images, is
 * refused: its text cannot be counted or compared).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import mammoth from 'mammoth';
import { InputError, msg } from '../errors.js';
import { checkReadableFile, decodeBytes, fileError, isZip } from './encoding.js';
import { checkArchive } from './zip-guard.js';
import { countZi } from '../core/wordcount.js';

export const ESSAY_EXTENSIONS = ['.txt', '.md', '.docx', '.pdf'] as const;
/** Larger than any essay; refusing bigger files keeps a wrong path from filling memory. */
const MAX_ESSAY_BYTES = 64 << 20;
/**
 * The longest text counted as one essay, in characters (UTF-16 code units, so
 * about as many 字). The longest reports are tens of thousands of 字; a file
 * with more than a million characters is a book, a collection or a damaged
 * file, and its count would be taken as one essay's.
 */
export const MAX_ESSAY_CHARS = 1_000_000;

export async function readEssayText(file: string): Promise<string> {
  const ext = path.extname(file).toLowerCase();
  if (!(ESSAY_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new InputError(msg('io.essay.extension', { file, ext: ext || '-', accepted: ESSAY_EXTENSIONS.join(', ') }), [], msg('io.essay.fix.extension'));
  }
  const size = await checkReadableFile(file);
  if (size === 0) throw new InputError(msg('io.file.empty', { file }), [], msg('io.file.fix.empty'));
  if (size > MAX_ESSAY_BYTES) throw new InputError(msg('io.essay.tooLarge', { file, mb: Math.round(size / (1 << 20)) }), [], msg('io.essay.fix.tooLarge'));
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    throw fileError(file, e);
  }
  let text: string;
  if (ext === '.docx') text = await docxText(file, buf);
  else if (ext === '.pdf') text = await pdfText(file, buf);
  else {
    text = decodeBytes(buf, file);
    if (ext === '.md') text = stripMarkdown(text);
  }
  if (text.length > MAX_ESSAY_CHARS) {
    throw new InputError(
      msg('archive.essayTooLong', { file, chars: text.length.toLocaleString('en-US'), limit: MAX_ESSAY_CHARS.toLocaleString('en-US') }),
      [],
      msg('archive.fix.essayTooLong'),
    );
  }
  return text;
}

async function docxText(file: string, buf: Buffer): Promise<string> {
  if (!isZip(buf)) throw new InputError(msg('io.essay.notDocx', { file }), [], msg('io.essay.fix.notDocx'));
  // mammoth bounds nothing it unpacks: the archive is measured first, from the same bytes.
  await checkArchive(buf, 'docx', file);
  try {
    const result = await mammoth.extractRawText({ buffer: buf });
    return result.value;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new InputError(msg('io.essay.docxUnreadable', { file, detail }), [], msg('io.essay.fix.notDocx'));
  }
}

/** A page giving fewer 字 than this, on average, is an image of text (a scan). */
const SCANNED_ZI_PER_PAGE = 20;

async function pdfText(file: string, buf: Buffer): Promise<string> {
  if (buf.subarray(0, 1024).indexOf('%PDF-') < 0) throw new InputError(msg('essays.pdf.notPdf', { file }), [], msg('essays.pdf.fix.unreadable'));
  let pages: string[];
  try {
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(buf), isEvalSupported: false, useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise;
    pages = [];
    try {
      for (let i = 1; i <= doc.numPages; i++) {
        const page = await doc.getPage(i);
        const content = await page.getTextContent();
        let text = '';
        for (const item of content.items) {
          if (!('str' in item)) continue;
          text += item.str;
          if (item.hasEOL) text += '\n';
        }
        pages.push(text);
        page.cleanup();
        if (pages.reduce((n, p) => n + p.length, 0) > MAX_ESSAY_CHARS) break;
      }
    } finally {
      await doc.destroy();
    }
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    const key = /password/i.test(detail) ? 'essays.pdf.encrypted' : 'essays.pdf.unreadable';
    throw new InputError(msg(key, { file, detail }), [], msg('essays.pdf.fix.unreadable'));
  }
  const text = pages.join('\n');
  if (countZi(text) < SCANNED_ZI_PER_PAGE * Math.max(1, pages.length)) {
    throw new InputError(msg('essays.pdf.scanned', { file, pages: pages.length }), [], msg('essays.pdf.fix.scanned'));
  }
  return text;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Markdown → the text a reader sees: markers, link targets, images, comments and fences removed. */
export function stripMarkdown(markdown: string): string {
  const text = markdown.replace(/\r\n?/g, '\n').replace(/<!--[\s\S]*?-->/g, '');
  const out: string[] = [];
  let fence: string | null = null;
  let block: string[] = [];
  const flush = (): void => {
    if (block.length) out.push(stripInline(block.join('\n')));
    block = [];
  };
  for (const line of text.split('\n')) {
    const m = FENCE.exec(line);
    if (fence !== null) {
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = null;
      else out.push(line);
      continue;
    }
    if (m) {
      flush();
      fence = m[1];
      continue;
    }
    block.push(line);
  }
  flush();
  return out.join('\n');
}

/** Escaped markup characters hide in the Private Use Area while the markup is removed. */
const hideEscapes = (text: string): string =>
  text.replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, (_, c: string) => String.fromCharCode(0xe000 + c.charCodeAt(0)));
const showEscapes = (text: string): string => text.replace(/[\ue000-\ue07f]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xe000));

function stripInline(markdown: string): string {
  const text = hideEscapes(markdown);
  return showEscapes(
    text
      // link reference definitions: [id]: https://…
      .replace(/^ {0,3}\[[^\]\n]+\]:[ \t]*\S+.*$/gm, '')
      // images, inline and by reference
      .replace(/!\[[^\]\n]*\]\((?:[^()\n]|\([^)\n]*\))*\)/g, '')
      .replace(/!\[[^\]\n]*\]\[[^\]\n]*\]/g, '')
      // links keep their text: [text](url), [text][id]
      .replace(/\[([^\]\n]*)\]\((?:[^()\n]|\([^)\n]*\))*\)/g, '$1')
      .replace(/\[([^\]\n]*)\]\[[^\]\n]*\]/g, '$1')
      // autolinks <https://…> show the address
      .replace(/<((?:https?|ftp|mailto):[^>\s]+)>/gi, '$1')
      // headings (ATX with optional closing #s), setext underlines, thematic breaks
      .replace(/^ {0,3}#{1,6}(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$/gm, '$1')
      .replace(/^ {0,3}(?:=+|-+)[ \t]*$/gm, '')
      .replace(/^ {0,3}([*_-])(?:[ \t]*\1){2,}[ \t]*$/gm, '')
      // block quotes, list bullets, task boxes, ordered list numbers
      .replace(/^(?:[ \t]{0,3}>[ \t]?)+/gm, '')
      .replace(/^([ \t]*)[-*+][ \t]+(?:\[[ xX]\][ \t]+)?/gm, '$1')
      .replace(/^([ \t]*)\d{1,9}[.)][ \t]+/gm, '$1')
      // table pipes and separator rows
      .replace(/^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$/gm, '')
      .replace(/^[ \t]*\|(.*)\|[ \t]*$/gm, (_, row: string) => row.replace(/\|/g, ' '))
      // emphasis, strike-through, inline code
      .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
      .replace(/(\*|_)(?=\S)([^\n]*?\S)\1/g, '$2')
      .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
      .replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, '$2')
      // inline HTML tags and the common entities
      .replace(/<\/?[A-Za-z][^>\n]*>/g, '')
      .replace(/&nbsp;/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );
}
