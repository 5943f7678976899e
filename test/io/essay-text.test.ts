import { mkdirSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { countZi } from '../../src/core/wordcount.js';
import { readEssayText, stripMarkdown } from '../../src/io/essay-text.js';
import { fixture, inputError, scratch } from './helpers.js';

const tmp = scratch();
const write = tmp.write;

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A minimal .docx: one paragraph per string (mammoth cannot write, so the zip is built by hand). */
async function docx(paragraphs: string[]): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '</Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
      '</Relationships>',
  );
  const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(p)}</w:t></w:r></w:p>`).join('');
  zip.file(
    'word/document.xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer' });
}

describe('readEssayText', () => {
  it('reads a .docx', async () => {
    const file = write('essay.docx', await docx(['学习心得', '认真学习COVID-19防控知识。', 'See https://example.edu.cn/a.']));
    const text = await readEssayText(file);
    expect(text).toContain('学习心得');
    expect(text).toContain('认真学习COVID-19防控知识。');
    expect(countZi(text)).toBe(4 + 4 + 1 + 4 + 1 + 1 + 1);
  });

  it('reads .txt in UTF-8, UTF-8 with BOM, GBK and UTF-16', async () => {
    expect(await readEssayText(write('u8.txt', '心得体会\n正文。'))).toBe('心得体会\n正文。');
    expect(await readEssayText(write('bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('正文')])))).toBe('正文');
    expect(await readEssayText(write('gbk.txt', Buffer.from([0xd5, 0xfd, 0xce, 0xc4])))).toBe('正文');
    expect(await readEssayText(write('u16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('正文', 'utf16le')])))).toBe('正文');
  });

  it('strips Markdown markup from a .md', async () => {
    const md = write('essay.md', '# 标题 #\n\n**重点**内容，见[链接](https://a.cn/x)。\n');
    expect(await readEssayText(md)).toBe('标题\n\n重点内容，见链接。\n');
  });

  it.each([
    ['essay.doc', /\.doc is not supported; accepted: \.txt, \.md, \.docx, \.pdf/],
    ['essay.pdf', /essay\.pdf is not a valid PDF file/],
    ['essay', /extension - is not supported/],
  ])('refuses %s, naming the accepted extensions', async (name, text) => {
    expect((await inputError(readEssayText(write(name, 'x')))).text).toMatch(text);
  });

  it('refuses a missing file, a directory, an empty file, a .docx that is not a zip, a broken .docx and undecodable text', async () => {
    expect((await inputError(readEssayText(path.join(tmp.dir, 'none.txt')))).text).toMatch(/not found/);
    mkdirSync(path.join(tmp.dir, 'dir.txt'));
    expect((await inputError(readEssayText(path.join(tmp.dir, 'dir.txt')))).text).toMatch(/is a folder/);
    expect((await inputError(readEssayText(write('empty.txt', '')))).text).toMatch(/is empty/);
    expect((await inputError(readEssayText(write('fake.docx', 'plain text')))).text).toMatch(/not a valid Word/);
    expect((await inputError(readEssayText(write('broken.docx', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100)]))))).text).toMatch(
      /cannot read the Word file/,
    );
    expect((await inputError(readEssayText(fixture('utf8.csv')))).text).toMatch(/\.csv is not supported/);
    expect((await inputError(readEssayText(write('bad.txt', Buffer.from([0x41, 0xff, 0x41]))))).text).toMatch(/neither UTF-8 nor GBK/);
  });
});

describe('stripMarkdown', () => {
  it.each([
    ['# 一级标题', '一级标题'],
    ['###### 六级标题 ###', '六级标题'],
    ['#标签不是标题', '#标签不是标题'],
    ['标题\n===', '标题\n'],
    ['*强调* 与 _强调_', '强调 与 强调'],
    ['**加粗**和__加粗__', '加粗和加粗'],
    ['~~删除~~', '删除'],
    ['`code` 行内', 'code 行内'],
    ['- 一\n* 二\n+ 三', '一\n二\n三'],
    ['  - 嵌套', '  嵌套'],
    ['1. 第一\n2) 第二', '第一\n第二'],
    ['- [x] 完成', '完成'],
    ['> 引用', '引用'],
    ['> > 二层', '二层'],
    ['[链接文字](https://example.com/a_(b))', '链接文字'],
    ['[文字][ref]\n\n[ref]: https://example.com', '文字\n\n'],
    ['![图片说明](img/a.png)正文', '正文'],
    ['<!-- 注释 -->正文', '正文'],
    ['<!--\n多行\n注释\n-->正文', '正文'],
    ['```js\nconst a = 1;\n```', 'const a = 1;'],
    ['~~~\n代码\n~~~', '代码'],
    ['---', ''],
    ['* * *', ''],
    ['<https://a.cn/x>', 'https://a.cn/x'],
    ['a<br>b', 'ab'],
    ['| 甲 | 乙 |\n|---|---|\n| 1 | 2 |', ' 甲   乙 \n\n 1   2 '],
    ['\\*不是强调\\*', '*不是强调*'],
    ['3 * 4 = 12', '3 * 4 = 12'],
    ['snake_case_name', 'snakecasename'],
  ])('%j → %j', (md, text) => {
    expect(stripMarkdown(md)).toBe(text);
  });

  it('leaves code inside fences untouched', () => {
    expect(stripMarkdown('```\n# not a heading\n**raw**\n```\n# 标题')).toBe('# not a heading\n**raw**\n标题');
  });

  it('keeps the count of the visible text', () => {
    const md = '# 学习心得\n\n- **第一**，认真学习[二十大报告](https://www.gov.cn/x)。\n- 第二，联系实际。\n';
    expect(countZi(stripMarkdown(md))).toBe(countZi('学习心得 第一，认真学习二十大报告。 第二，联系实际。'));
  });
});
