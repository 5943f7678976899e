/** The streams of a PDF the tests look into. */
import zlib from 'node:zlib';

/** Every stream of a PDF, inflated where it is deflated, as latin1 text. */
export function pdfStreams(pdf: Buffer): string[] {
  const out: string[] = [];
  const s = pdf.toString('latin1');
  const re = /stream\n/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const end = s.indexOf('\nendstream', m.index);
    const raw = pdf.subarray(m.index + m[0].length, end);
    try {
      out.push(zlib.inflateSync(raw).toString('latin1'));
    } catch {
      out.push(raw.toString('latin1'));
    }
  }
  return out;
}
