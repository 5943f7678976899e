// The entry of dist/bundle/pdf.cjs (bin/bundle.mjs): pdfkit and svg-to-pdfkit with what they load, one file.
module.exports = { pdfkit: require('pdfkit'), 'svg-to-pdfkit': require('svg-to-pdfkit') };
