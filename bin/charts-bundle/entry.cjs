// The entry of dist/bundle/charts.cjs (bin/bundle.mjs): ECharts as its package gives it, one file compiled
// from its own code cache; the report's charts are the same SVG as from node_modules.
module.exports = { echarts: require('echarts') };
