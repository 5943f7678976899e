/**
 * A chart's SVG, as ECharts' server-side renderer writes it, made into PDF
 * content operators directly: the subset of SVG those charts use (paths,
 * rectangles, text, groups with a transform or a clip path, solid colours,
 * dashes), each element drawn as its SVG draws it. Anything outside that
 * subset (a gradient, an image, a colour half transparent, a nested SVG …)
 * makes `svgOps` give null, and the writer draws the chart through
 * svg-to-pdfkit instead, which parses and lays out every element through
 * pdfkit (most of a chart's time). Text is drawn in the font files its
 * characters need, through the caller's `SvgFonts`.
 */

/** A run of text in one font file, as the writer lays it out: its font resource, its glyphs (hex) and its width at size 1. */
export interface SvgRun {
  font: string;
  hex: string;
  width: number;
}

/** What text needs from the PDF writer. */
export interface SvgFonts {
  /** `text` cut into runs by font file, in `weight`, each run's font used on the current page. */
  runs(text: string, weight: 400 | 700): SvgRun[];
  /** The vertical metrics (per 1000 of the size) that a baseline is placed by. */
  metrics(weight: 400 | 700): { ascent: number; descent: number; xHeight: number };
}

class Unsupported extends Error {}

interface Node {
  tag: string;
  attrs: Map<string, string>;
  children: Node[];
  text: string;
}

const ENTITY = /&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi;
const decodeXml = (s: string) =>
  s.includes('&')
    ? s.replace(ENTITY, (_m, e: string) => {
        const k = e.toLowerCase();
        if (k[0] === '#') return String.fromCodePoint(k[1] === 'x' ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10));
        return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[k]!;
      })
    : s;

const TOKEN = /<!--[\s\S]*?-->|<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/g;
const ATTR = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** The element tree of an SVG (no doctype, processing instruction or CDATA: those are refused). */
function parse(svg: string): Node {
  const root: Node = { tag: '#root', attrs: new Map(), children: [], text: '' };
  const stack: Node[] = [root];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(svg); m; m = TOKEN.exec(svg)) {
    if (m[6] !== undefined) throw new Unsupported('markup');
    if (m[5] !== undefined) {
      stack[stack.length - 1].text += m[5];
      continue;
    }
    if (m[2] === undefined) continue; // a comment
    if (m[1]) {
      const open = stack.pop()!;
      if (open.tag !== m[2] || !stack.length) throw new Unsupported('nesting');
      continue;
    }
    const attrs = new Map<string, string>();
    ATTR.lastIndex = 0;
    for (let a = ATTR.exec(m[3]); a; a = ATTR.exec(m[3])) attrs.set(a[1], decodeXml(a[2] ?? a[3]));
    const node: Node = { tag: m[2], attrs, children: [], text: '' };
    stack[stack.length - 1].children.push(node);
    if (!m[4]) stack.push(node);
  }
  if (stack.length !== 1) throw new Unsupported('unclosed');
  const svgs = root.children.filter((c) => c.tag === 'svg');
  if (svgs.length !== 1) throw new Unsupported('root');
  return svgs[0];
}

/** A number as pdfkit writes it into a content stream. */
function num(n: number): string {
  if (!(n > -1e21 && n < 1e21)) throw new Unsupported('number');
  return String(Math.round(n * 1e6) / 1e6);
}

const NAMED: Record<string, [number, number, number]> = {
  black: [0, 0, 0],
  white: [255, 255, 255],
  red: [255, 0, 0],
  green: [0, 128, 0],
  blue: [0, 0, 255],
  gray: [128, 128, 128],
  grey: [128, 128, 128],
};

/** A colour as r, g, b in 0–255, null for none; a colour not fully opaque nor fully transparent is refused. */
function color(v: string | undefined): [number, number, number] | null {
  if (v === undefined) return null;
  const s = v.trim().toLowerCase();
  if (s === 'none' || s === 'transparent') return null;
  let m = /^#([0-9a-f]{3})$/.exec(s);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)) as [number, number, number];
  m = /^#([0-9a-f]{6})$/.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)) as [number, number, number];
  m = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(s);
  if (m) {
    if (m[4] !== undefined) {
      const a = Number(m[4]);
      if (a === 0) return null;
      if (a !== 1) throw new Unsupported('alpha');
    }
    return [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  if (NAMED[s]) return NAMED[s];
  throw new Unsupported(`colour ${s}`);
}

const rgb = (c: [number, number, number]) => c.map((x) => num(x / 255)).join(' ');

/** An opacity that is 1 (drawn) or 0 (not drawn); anything between is refused. */
function opaque(v: string | undefined): boolean {
  if (v === undefined) return true;
  const n = Number(v);
  if (n === 1) return true;
  if (n === 0) return false;
  throw new Unsupported('opacity');
}

const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/g;
const numbers = (s: string) => (s.match(NUMBER) ?? []).map(Number);

/** An SVG transform list as one matrix [a b c d e f]. */
function transform(v: string | undefined): number[] | null {
  if (v === undefined || v.trim() === '') return null;
  let m = [1, 0, 0, 1, 0, 0];
  const mul = (n: number[]) => {
    m = [m[0] * n[0] + m[2] * n[1], m[1] * n[0] + m[3] * n[1], m[0] * n[2] + m[2] * n[3], m[1] * n[2] + m[3] * n[3], m[0] * n[4] + m[2] * n[5] + m[4], m[1] * n[4] + m[3] * n[5] + m[5]];
  };
  const re = /\s*(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)\s*,?/gy;
  let at = 0;
  for (let t = re.exec(v); t; t = re.exec(v)) {
    at = re.lastIndex;
    const a = numbers(t[2]);
    switch (t[1]) {
      case 'matrix':
        if (a.length !== 6) throw new Unsupported('matrix');
        mul(a);
        break;
      case 'translate':
        mul([1, 0, 0, 1, a[0] ?? 0, a[1] ?? 0]);
        break;
      case 'scale':
        mul([a[0] ?? 1, 0, 0, a[1] ?? a[0] ?? 1, 0, 0]);
        break;
      case 'rotate': {
        const r = ((a[0] ?? 0) * Math.PI) / 180;
        const [cx, cy] = [a[1] ?? 0, a[2] ?? 0];
        mul([1, 0, 0, 1, cx, cy]);
        mul([Math.cos(r), Math.sin(r), -Math.sin(r), Math.cos(r), 0, 0]);
        mul([1, 0, 0, 1, -cx, -cy]);
        break;
      }
      case 'skewX':
        mul([1, 0, Math.tan(((a[0] ?? 0) * Math.PI) / 180), 1, 0, 0]);
        break;
      case 'skewY':
        mul([1, Math.tan(((a[0] ?? 0) * Math.PI) / 180), 0, 1, 0, 0]);
        break;
    }
  }
  if (v.slice(at).trim() !== '') throw new Unsupported('transform');
  return m;
}

/**
 * An SVG path's data as PDF path operators (m, l, c, h): relative commands made absolute,
 * horizontal and vertical lines made lines, quadratic curves and elliptical arcs made cubic.
 */
export function pathOps(d: string): string {
  const tokens = d.match(/[MmLlHhVvCcSsQqTtAaZz]|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/g) ?? [];
  const out: string[] = [];
  let i = 0;
  let cmd = '';
  let x = 0;
  let y = 0;
  let sx = 0;
  let sy = 0;
  // The last control point, for S and T.
  let cx = 0;
  let cy = 0;
  let prev = '';
  const isCmd = (t: string | undefined) => t !== undefined && /^[A-Za-z]$/.test(t);
  const n = () => {
    const t = tokens[i++];
    if (t === undefined || isCmd(t)) throw new Unsupported('path');
    return Number(t);
  };
  const curve = (x1: number, y1: number, x2: number, y2: number, x3: number, y3: number) => out.push(`${num(x1)} ${num(y1)} ${num(x2)} ${num(y2)} ${num(x3)} ${num(y3)} c`);
  while (i < tokens.length) {
    if (isCmd(tokens[i])) cmd = tokens[i++];
    else if (cmd === '' || cmd === 'Z' || cmd === 'z') throw new Unsupported('path');
    const rel = cmd === cmd.toLowerCase();
    const ox = rel ? x : 0;
    const oy = rel ? y : 0;
    switch (cmd.toUpperCase()) {
      case 'M':
        x = ox + n();
        y = oy + n();
        sx = x;
        sy = y;
        out.push(`${num(x)} ${num(y)} m`);
        // Further pairs after a moveto are linetos.
        cmd = rel ? 'l' : 'L';
        break;
      case 'L':
        x = ox + n();
        y = oy + n();
        out.push(`${num(x)} ${num(y)} l`);
        break;
      case 'H':
        x = ox + n();
        out.push(`${num(x)} ${num(y)} l`);
        break;
      case 'V':
        y = oy + n();
        out.push(`${num(x)} ${num(y)} l`);
        break;
      case 'C': {
        const x1 = ox + n();
        const y1 = oy + n();
        const x2 = ox + n();
        const y2 = oy + n();
        x = ox + n();
        y = oy + n();
        curve(x1, y1, x2, y2, x, y);
        cx = x2;
        cy = y2;
        break;
      }
      case 'S': {
        const smooth = /[CcSs]/.test(prev);
        const x1 = smooth ? 2 * x - cx : x;
        const y1 = smooth ? 2 * y - cy : y;
        const x2 = ox + n();
        const y2 = oy + n();
        x = ox + n();
        y = oy + n();
        curve(x1, y1, x2, y2, x, y);
        cx = x2;
        cy = y2;
        break;
      }
      case 'Q':
      case 'T': {
        let qx: number;
        let qy: number;
        if (cmd.toUpperCase() === 'Q') {
          qx = ox + n();
          qy = oy + n();
        } else {
          const smooth = /[QqTt]/.test(prev);
          qx = smooth ? 2 * x - cx : x;
          qy = smooth ? 2 * y - cy : y;
        }
        const ex = ox + n();
        const ey = oy + n();
        curve(x + (2 / 3) * (qx - x), y + (2 / 3) * (qy - y), ex + (2 / 3) * (qx - ex), ey + (2 / 3) * (qy - ey), ex, ey);
        cx = qx;
        cy = qy;
        x = ex;
        y = ey;
        break;
      }
      case 'A': {
        const rx = n();
        const ry = n();
        const rot = n();
        const large = n();
        const sweep = n();
        const ex = ox + n();
        const ey = oy + n();
        arc(x, y, rx, ry, rot, large !== 0, sweep !== 0, ex, ey, curve, out);
        x = ex;
        y = ey;
        break;
      }
      case 'Z':
        out.push('h');
        x = sx;
        y = sy;
        break;
      default:
        throw new Unsupported('path');
    }
    prev = cmd;
  }
  return out.join('\n');
}

/** An elliptical arc (SVG's endpoint form) as cubic curves of at most a quarter turn each (SVG 1.1, F.6.5). */
function arc(x1: number, y1: number, rx: number, ry: number, rotation: number, large: boolean, sweep: boolean, x2: number, y2: number, curve: (a: number, b: number, c: number, d: number, e: number, f: number) => void, out: string[]): void {
  if (x1 === x2 && y1 === y2) return;
  rx = Math.abs(rx);
  ry = Math.abs(ry);
  if (rx === 0 || ry === 0) {
    out.push(`${num(x2)} ${num(y2)} l`);
    return;
  }
  const phi = (rotation * Math.PI) / 180;
  const cos = Math.cos(phi);
  const sin = Math.sin(phi);
  const dx = (x1 - x2) / 2;
  const dy = (y1 - y2) / 2;
  const x1p = cos * dx + sin * dy;
  const y1p = -sin * dx + cos * dy;
  const lambda = (x1p * x1p) / (rx * rx) + (y1p * y1p) / (ry * ry);
  if (lambda > 1) {
    rx *= Math.sqrt(lambda);
    ry *= Math.sqrt(lambda);
  }
  const num2 = rx * rx * ry * ry - rx * rx * y1p * y1p - ry * ry * x1p * x1p;
  const den = rx * rx * y1p * y1p + ry * ry * x1p * x1p;
  let k = Math.sqrt(Math.max(0, num2 / den));
  if (large === sweep) k = -k;
  const cxp = (k * rx * y1p) / ry;
  const cyp = (-k * ry * x1p) / rx;
  const cx = cos * cxp - sin * cyp + (x1 + x2) / 2;
  const cy = sin * cxp + cos * cyp + (y1 + y2) / 2;
  const angle = (ux: number, uy: number, vx: number, vy: number) => {
    const a = Math.atan2(ux * vy - uy * vx, ux * vx + uy * vy);
    return a;
  };
  const t1 = angle(1, 0, (x1p - cxp) / rx, (y1p - cyp) / ry);
  let dt = angle((x1p - cxp) / rx, (y1p - cyp) / ry, (-x1p - cxp) / rx, (-y1p - cyp) / ry);
  if (!sweep && dt > 0) dt -= 2 * Math.PI;
  else if (sweep && dt < 0) dt += 2 * Math.PI;
  const segments = Math.max(1, Math.ceil(Math.abs(dt) / (Math.PI / 2) - 1e-9));
  const step = dt / segments;
  const h = (4 / 3) * Math.tan(step / 4);
  const point = (t: number) => [cx + rx * Math.cos(t) * cos - ry * Math.sin(t) * sin, cy + rx * Math.cos(t) * sin + ry * Math.sin(t) * cos];
  const deriv = (t: number) => [-rx * Math.sin(t) * cos - ry * Math.cos(t) * sin, -rx * Math.sin(t) * sin + ry * Math.cos(t) * cos];
  let t = t1;
  for (let s = 0; s < segments; s++) {
    const [ax, ay] = point(t);
    const [dax, day] = deriv(t);
    const tb = t + step;
    const [bx, by] = s === segments - 1 ? [x2, y2] : point(tb);
    const [dbx, dby] = deriv(tb);
    curve(ax + h * dax, ay + h * day, bx - h * dbx, by - h * dby, bx, by);
    t = tb;
  }
}

/** The properties that pass from a group to what it holds. */
const INHERITED = new Set(['fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-linecap', 'stroke-linejoin', 'stroke-miterlimit', 'stroke-dasharray', 'stroke-dashoffset', 'font-size', 'font-weight', 'font-family', 'text-anchor', 'dominant-baseline', 'paint-order', 'visibility', 'xml:space']);
/** Properties that change nothing drawn here (ECharts' own bookkeeping, pointer events, the font family: the writer chooses the files). */
const IGNORED = /^(?:ecmeta_.*|pointer-events|font-family|font-style|class|id|xmlns(?::.*)?|version|baseProfile|cursor|shape-rendering|text-rendering)$/;
/** Every property this writer draws; any other (mask, filter, gradient …) refuses the chart. */
const KNOWN = new Set([...INHERITED, 'transform', 'clip-path', 'opacity', 'style', 'd', 'x', 'y', 'width', 'height', 'viewBox', 'display', 'dx', 'dy', 'rx', 'ry']);

type Props = Map<string, string>;

/** An element's own properties: its attributes, then its style's declarations over them. */
function own(node: Node): Props {
  const p = new Map(node.attrs);
  const style = p.get('style');
  if (style !== undefined) {
    p.delete('style');
    for (const decl of style.split(';')) {
      const c = decl.indexOf(':');
      if (c < 0) {
        if (decl.trim()) throw new Unsupported('style');
        continue;
      }
      p.set(decl.slice(0, c).trim(), decl.slice(c + 1).trim());
    }
  }
  for (const k of p.keys()) if (!KNOWN.has(k) && !IGNORED.test(k)) throw new Unsupported(`property ${k}`);
  return p;
}

function inherit(parent: Props, p: Props): Props {
  const out = new Map<string, string>();
  for (const [k, v] of parent) if (INHERITED.has(k)) out.set(k, v);
  for (const [k, v] of p) out.set(k, v);
  return out;
}

const length = (v: string | undefined, d: number) => {
  if (v === undefined) return d;
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(px)?\s*$/.exec(v);
  if (!m) throw new Unsupported(`length ${v}`);
  return Number(m[1]);
};

const CAP: Record<string, number> = { butt: 0, round: 1, square: 2 };
const JOIN: Record<string, number> = { miter: 0, round: 1, bevel: 2 };

/** The stroke's settings (width, cap, join, miter limit, dash), or null when no stroke is drawn. */
function strokeOps(p: Props): string | null {
  const c = color(p.get('stroke'));
  const width = length(p.get('stroke-width'), 1);
  if (!c || width <= 0 || !opaque(p.get('stroke-opacity'))) return null;
  const cap = CAP[p.get('stroke-linecap') ?? 'butt'];
  const join = JOIN[p.get('stroke-linejoin') ?? 'miter'];
  if (cap === undefined || join === undefined) throw new Unsupported('stroke');
  const ops = [`${rgb(c)} RG`, `${num(width)} w`, `${cap} J`, `${join} j`, `${num(length(p.get('stroke-miterlimit'), 4))} M`];
  const dash = p.get('stroke-dasharray');
  if (dash !== undefined && dash !== 'none') {
    let d = numbers(dash);
    if (d.some((x) => x < 0)) throw new Unsupported('dash');
    if (d.length % 2) d = [...d, ...d];
    if (d.some((x) => x > 0)) ops.push(`[${d.map(num).join(' ')}] ${num(length(p.get('stroke-dashoffset'), 0))} d`);
  }
  return ops.join('\n');
}

function fillColor(p: Props): [number, number, number] | null {
  if (!opaque(p.get('fill-opacity'))) return null;
  return color(p.get('fill') ?? 'black');
}

const matrixOp = (m: number[]) => `${m.map(num).join(' ')} cm`;

/**
 * The content operators that draw `svg` in the box (x, y, width, height) of a page whose
 * coordinates run down from its top left (pdfkit's), scaled to fit and centred as SVG's
 * default preserveAspectRatio does; null when the SVG holds what this writer does not draw.
 */
export function svgOps(svg: string, fonts: SvgFonts, box: { x: number; y: number; width: number; height: number }): string | null {
  try {
    return draw(parse(svg), fonts, box);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

function draw(root: Node, fonts: SvgFonts, box: { x: number; y: number; width: number; height: number }): string {
  const props = own(root);
  const vb = props.has('viewBox') ? numbers(props.get('viewBox')!) : [0, 0, length(props.get('width'), box.width), length(props.get('height'), box.height)];
  if (vb.length !== 4 || vb[2] <= 0 || vb[3] <= 0) throw new Unsupported('viewBox');
  const s = Math.min(box.width / vb[2], box.height / vb[3]);
  const tx = box.x + (box.width - vb[2] * s) / 2 - vb[0] * s;
  const ty = box.y + (box.height - vb[3] * s) / 2 - vb[1] * s;
  const clips = new Map<string, Node>();
  const collect = (n: Node) => {
    for (const c of n.children) {
      if (c.tag === 'clipPath') {
        const id = c.attrs.get('id');
        if (id !== undefined) clips.set(id, c);
      } else collect(c);
    }
  };
  collect(root);
  const out: string[] = ['q', matrixOp([s, 0, 0, s, tx, ty]), `${num(vb[0])} ${num(vb[1])} ${num(vb[2])} ${num(vb[3])} re`, 'W', 'n'];

  const clipOps = (ref: string | undefined): string | null => {
    if (ref === undefined || ref === 'none') return null;
    const m = /^url\(\s*#([^)\s]+)\s*\)$/.exec(ref.trim());
    const clip = m && clips.get(m[1]);
    if (!clip) throw new Unsupported('clip');
    if (clip.attrs.has('clipPathUnits') && clip.attrs.get('clipPathUnits') !== 'userSpaceOnUse') throw new Unsupported('clip units');
    const paths: string[] = [];
    for (const c of clip.children) {
      const p = own(c);
      if (p.has('clip-path')) throw new Unsupported('nested clip');
      if (transform(p.get('transform'))) throw new Unsupported('clip transform');
      paths.push(shapeOps(c, p));
    }
    if (!paths.length) return '0 0 0 0 re\nW\nn';
    return `${paths.join('\n')}\nW\nn`;
  };

  const element = (node: Node, parent: Props) => {
    const p0 = own(node);
    const p = inherit(parent, p0);
    if (p.get('display') === 'none') return;
    switch (node.tag) {
      case 'defs':
      case 'clipPath':
      case 'title':
      case 'desc':
        return;
      case 'g':
      case 'path':
      case 'rect':
      case 'text':
        break;
      default:
        throw new Unsupported(`element ${node.tag}`);
    }
    if (!opaque(p0.get('opacity'))) return;
    const t = transform(p0.get('transform'));
    const clip = clipOps(p0.get('clip-path'));
    const wrap = t !== null || clip !== null;
    if (wrap) {
      out.push('q');
      // The clip path is in the user space of the element it applies to, after its transform.
      if (t) out.push(matrixOp(t));
      if (clip) out.push(clip);
    }
    if (node.tag === 'g') for (const c of node.children) element(c, p);
    else if (node.tag === 'text') text(node, p);
    else if (p.get('visibility') !== 'hidden') {
      const fill = fillColor(p);
      const stroke = strokeOps(p);
      const filled = fill !== null;
      if (filled || stroke) {
        const geometry = shapeOps(node, p);
        if (geometry) {
          out.push('q');
          if (filled) out.push(`${rgb(fill)} rg`);
          if (stroke) out.push(stroke);
          out.push(geometry);
          const evenOdd = p.get('fill-rule') === 'evenodd';
          out.push(filled && stroke ? (evenOdd ? 'B*' : 'B') : filled ? (evenOdd ? 'f*' : 'f') : 'S');
          out.push('Q');
        }
      }
    }
    if (wrap) out.push('Q');
  };

  const text = (node: Node, p: Props) => {
    if (node.children.length) throw new Unsupported('tspan');
    if (p.get('visibility') === 'hidden') return;
    const preserve = p.get('xml:space') === 'preserve';
    let content = decodeXml(node.text).replace(/[\n\t\r]/g, preserve ? ' ' : '');
    if (!preserve) content = content.replace(/ +/g, ' ').trim();
    if (content === '') return;
    if (/[\u{fe00}-\u{fe0f}\u{e0100}-\u{e01ef}]/u.test(content)) throw new Unsupported('variation selector');
    const coords = (k: string) => {
      const v = p.get(k);
      if (v === undefined) return 0;
      const list = numbers(v);
      if (list.length !== 1) throw new Unsupported(`${k} list`);
      return list[0];
    };
    const x0 = coords('x') + coords('dx');
    const y0 = coords('y') + coords('dy');
    const size = length(p.get('font-size'), 16);
    const fw = p.get('font-weight') ?? 'normal';
    const weight: 400 | 700 = fw === 'bold' || fw === 'bolder' || Number(fw) >= 600 ? 700 : 400;
    const runs = fonts.runs(content, weight);
    const width = runs.reduce((w, r) => w + r.width, 0) * size;
    const anchor = p.get('text-anchor') ?? 'start';
    const shift = anchor === 'middle' ? -width / 2 : anchor === 'end' ? -width : 0;
    const m = fonts.metrics(weight);
    // Where the baseline sits below the point given, by the same rules svg-to-pdfkit used.
    const base = { central: 0.5 * (m.descent + m.ascent), middle: 0.5 * m.xHeight, mathematical: 0.5 * m.ascent, hanging: 0.8 * m.ascent, 'text-before-edge': m.ascent, 'before-edge': m.ascent, 'text-after-edge': m.descent, 'after-edge': m.descent, ideographic: m.descent } as Record<string, number>;
    const dy = ((base[p.get('dominant-baseline') ?? 'auto'] ?? 0) * size) / 1000;
    const fill = fillColor(p);
    const stroke = strokeOps(p);
    if (!fill && !stroke) return;
    const glyphs = (mode: number) => {
      const ops = ['BT', `${mode} Tr`];
      let x = x0 + shift;
      for (const r of runs) {
        ops.push(`/${r.font} ${num(size)} Tf`, `1 0 0 -1 ${num(x)} ${num(y0 + dy)} Tm`, `[<${r.hex}> 0] TJ`);
        x += r.width * size;
      }
      ops.push('ET');
      return ops.join('\n');
    };
    out.push('q');
    if (fill) out.push(`${rgb(fill)} rg`);
    if (stroke) out.push(stroke);
    // paint-order: stroke draws the outline first and the fill over it (a halo); PDF's own
    // fill-then-stroke mode would draw the outline over the letters.
    if (fill && stroke && (p.get('paint-order') ?? '').trim().startsWith('stroke')) out.push(glyphs(1), glyphs(0));
    else out.push(glyphs(fill && stroke ? 2 : fill ? 0 : 1));
    out.push('Q');
  };

  for (const c of root.children) element(c, props);
  out.push('Q');
  return out.join('\n');
}

/** A path's or a rectangle's outline as path operators. */
function shapeOps(node: Node, p: Props): string {
  if (node.tag === 'path') return pathOps(p.get('d') ?? '');
  if (node.tag !== 'rect') throw new Unsupported(`shape ${node.tag}`);
  const x = length(p.get('x'), 0);
  const y = length(p.get('y'), 0);
  const w = length(p.get('width'), 0);
  const h = length(p.get('height'), 0);
  if (length(p.get('rx'), 0) || length(p.get('ry'), 0)) throw new Unsupported('rounded rect');
  if (w <= 0 || h <= 0) return '';
  return `${num(x)} ${num(y)} ${num(w)} ${num(h)} re`;
}
