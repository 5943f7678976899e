// tiny-inflate's function (inflate raw DEFLATE data into `dest`) done by node's zlib: the
// Unicode tables pdfkit's line breaking and fontkit load are inflated at every start, and
// tiny-inflate does it in JavaScript (about a tenth of a second of a certificate's start).
'use strict';
const zlib = require('node:zlib');
module.exports = function inflate(source, dest) {
  const out = zlib.inflateRawSync(source);
  if (dest) {
    const n = Math.min(out.length, dest.length);
    dest.set(out.subarray(0, n));
    return n < dest.length ? dest.subarray(0, n) : dest;
  }
  return out;
};
