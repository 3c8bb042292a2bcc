/**
 * The report page's only style sheet, inline (the page loads nothing). Names break only where the
 * renderer put `<wbr>` (after `:` and `/`) or at spaces: their runs are `.nb` (nowrap) and nothing sets
 * `word-break` or `overflow-wrap`, which would cut words anywhere. Wide tables scroll on a screen and
 * shrink on paper instead.
 */
export const REPORT_STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; padding: 0 1.5rem; color: #1f2328; max-width: 90rem; line-height: 1.4; }
h1 { font-size: 1.5rem; margin-bottom: 0.25rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; } h3 { font-size: 1rem; }
.nb { white-space: nowrap; }
.wide { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.85rem; }
th, td { border: 1px solid #d0d7de; padding: 0.2rem 0.4rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-size: 0.8rem; }
.muted { color: #656d76; } .ready { color: #1a7f37; font-weight: 600; }
.totals { display: flex; flex-wrap: wrap; gap: 1rem; }
.totals div { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5rem 1rem; }
.totals b { display: block; font-size: 1.4rem; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(24rem, 1fr)); gap: 0 2rem; }
figure.chart { margin: 0.5rem 0 1rem; }
.days .cols { display: flex; gap: 0.5rem; width: 100%; padding-top: 1.4rem; }
.days .col { flex: 1 1 0; min-width: 0; text-align: center; }
.days .plot { position: relative; height: 11rem; border-bottom: 1px solid #8c959f; }
.days .bar { position: absolute; bottom: 0; left: 12%; right: 12%; background: #0969da; }
.days .v { position: absolute; bottom: 100%; left: -15%; right: -15%; font-size: 0.8rem; font-variant-numeric: tabular-nums; }
.days .x { font-size: 0.75rem; color: #656d76; white-space: nowrap; overflow: hidden; }
.hbars { display: grid; grid-template-columns: max-content minmax(6rem, 1fr) max-content; gap: 0.3rem 0.75rem; align-items: center; }
.hbars .k { white-space: nowrap; } .hbars .n { font-variant-numeric: tabular-nums; text-align: right; white-space: nowrap; }
.hbars .track { position: relative; height: 1.1rem; background: #f6f8fa; }
.hbars .bar { position: absolute; left: 0; top: 0; bottom: 0; background: #0969da; }
.hbars[data-chart="trend"] .bar[data-key="previous"] { background: #8c959f; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { margin: 0; padding: 0; max-width: none; font-size: 9pt; }
  .wide { overflow: visible; }
  table { font-size: 8pt; } th, td { padding: 1pt 3pt; }
  h2, h3 { break-after: avoid; }
  tr, figure.chart, .totals div { break-inside: avoid; }
  thead { display: table-header-group; }
  .days .plot { height: 8rem; }
}
`;
