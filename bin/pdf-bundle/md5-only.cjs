// crypto-js as pdfkit uses it when a document is not encrypted (the tool never encrypts one): the
// MD5 of the document's information that makes its file ID, by node's crypto, as a crypto-js word
// array. crypto-js itself (some 6,000 lines, a tenth of the PDF bundle's start) is not loaded.
'use strict';
const crypto = require('node:crypto');

function MD5(message) {
  if (typeof message !== 'string') throw new Error('cadre: crypto-js is bundled for the MD5 of a text only');
  // crypto-js reads a text as UTF-8 this way (and throws as it does on a lone surrogate).
  const digest = crypto.createHash('md5').update(Buffer.from(unescape(encodeURIComponent(message)), 'latin1')).digest();
  const words = [];
  for (let i = 0; i < digest.length; i += 4) words.push(digest.readInt32BE(i));
  return { words, sigBytes: digest.length };
}

const unsupported = () => {
  throw new Error('cadre: PDF encryption is not bundled (crypto-js left out)');
};

module.exports = { MD5, lib: { WordArray: { random: unsupported, create: unsupported } } };
