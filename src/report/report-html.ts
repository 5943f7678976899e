/**
 * The year-end report as one self-contained HTML file: inline CSS, the
 * charts as inline SVG, no script, no link to anything outside it. Laid out
 * for a phone's width (tables scroll inside their own box, charts scale) and
 * printed on A4 (each section from a new page). Every text is escaped:
 * names and departments come from the office's files.
 */
import type { ReportDoc, Block } from './report-doc.js';
import { embeddedFontCss } from '../io/web-font.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0 auto;max-width:960px;padding:16px;font:15px/1.6 "Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","Droid Sans Fallback",sans-serif;color:#1a1a1a;background:#fff;overflow-wrap:anywhere}
header{border-bottom:2px solid #1f5fa8;margin-bottom:12px}
h1{font-size:1.5em;margin:.4em 0}
h2{font-size:1.2em;color:#1f5fa8;border-left:4px solid #1f5fa8;padding-left:8px;margin:1.6em 0 .6em}
h3{font-size:1.02em;margin:1.2em 0 .4em}
p{margin:.4em 0}
.sub{color:#555;margin:0}
.small{font-size:.86em;color:#555}
.scroll{overflow-x:auto;max-width:100%;margin:.6em 0}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eef3fa}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
figure{margin:.8em 0}
figure svg{display:block;max-width:100%;height:auto}
@media (max-width:600px){body{padding:10px;font-size:14px}table{font-size:.82em}th,td{padding:3px 4px}}
@page{size:A4;margin:16mm 14mm}
@media print{body{max-width:none;padding:0;font-size:10.5pt}h2.break{break-before:page}.scroll{overflow:visible}table{font-size:9pt}tr,figure{break-inside:avoid}thead{display:table-header-group}}
`;

/** An ECharts SVG made to scale: its fixed width and height become a viewBox. */
function scalable(svg: string, width: number, height: number): string {
  return svg.replace(/^<svg([^>]*?)\swidth="\d+"\s+height="\d+"/, `<svg$1 viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" preserveAspectRatio="xMinYMin meet"`);
}

function block(b: Block): string {
  switch (b.kind) {
    case 'title':
      return `<header><h1>${escapeHtml(b.text)}</h1>${b.sub.map((s) => `<p class="sub">${escapeHtml(s)}</p>`).join('')}</header>`;
    case 'h2':
      return `<h2${b.pageBreak ? ' class="break"' : ''}>${escapeHtml(b.text)}</h2>`;
    case 'h3':
      return `<h3>${escapeHtml(b.text)}</h3>`;
    case 'p':
      return `<p${b.small ? ' class="small"' : ''}>${escapeHtml(b.text)}</p>`;
    case 'table': {
      const head = `<thead><tr>${b.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
      const rows = b.rows.map((r) => `<tr>${r.map((c, i) => `<td${b.numeric[i] ? ' class="n"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
      return `<div class="scroll"><table>${head}<tbody>\n${rows}\n</tbody></table></div>`;
    }
    case 'chart':
      return `<figure role="img" aria-label="${escapeHtml(b.alt)}">${scalable(b.chart.svg, b.chart.width, b.chart.height)}</figure>`;
  }
}

export function reportHtml(doc: ReportDoc, lang: 'zh' | 'en'): string {
  const body = doc.blocks.map(block).join('\n');
  const title = escapeHtml(doc.title);
  // The font is carried inside the file, cut to the characters it shows (src/io/web-font.ts).
  const fonts = embeddedFontCss(title + body);
  return `<!DOCTYPE html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<title>${title}</title>
<style>${fonts}
${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
