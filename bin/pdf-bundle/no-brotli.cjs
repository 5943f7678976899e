// fontkit reads WOFF2 fonts through brotli; the tool never gives it one (src/io/pdf.ts unwraps each
// WOFF file to OpenType first), so the decoder and its dictionary are not loaded at all.
'use strict';
module.exports = function decompress() {
  throw new Error('WOFF2 fonts are not read by cadre');
};
