// The report's stylesheet, inlined so the page needs nothing but itself (file://, no network).
export const STYLE = `
:root { --pass: #2e7d32; --pass-bg: #e3f4e4; --fail: #c62828; --fail-bg: #fde3e3; --err: #8e24aa; --err-bg: #f3e5f5; --line: #d0d4da; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d2330; background: #fafbfc; }
main { padding: 16px 24px; margin-right: 420px; }
h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 18px; margin: 28px 0 8px; } h3 { font-size: 16px; margin: 20px 0 6px; }
table.meta td, table.meta th, table.guest-view td, table.guest-view th { text-align: left; padding: 1px 12px 1px 0; vertical-align: top; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12px; }
pre { background: #f1f3f6; border: 1px solid var(--line); padding: 6px 8px; white-space: pre-wrap; word-break: break-all; margin: 4px 0; }
.warnings { background: #fff8e1; border: 1px solid #f0c36d; padding: 8px 12px; margin: 12px 0; }
.warnings li { font-family: ui-monospace, monospace; font-size: 12px; }
.summary { font-size: 16px; margin: 10px 0; } .summary .n-pass { color: var(--pass); } .summary .n-fail { color: var(--fail); } .summary .n-err { color: var(--err); }
.toolbar { background: #fafbfc; padding: 8px 0; border-bottom: 1px solid var(--line); display: flex; gap: 18px; align-items: center; flex-wrap: wrap; }
.legend span { margin-right: 10px; }
.matrix-wrap { overflow: auto; max-height: 80vh; border: 1px solid var(--line); background: #fff; }
table.matrix { border-collapse: collapse; }
table.matrix th, table.matrix td { border: 1px solid #eceef1; padding: 0; }
table.matrix thead th { position: sticky; background: #f4f6f8; z-index: 1; font-weight: 600; }
table.matrix thead tr:first-child th { top: 0; } table.matrix thead tr:nth-child(2) th { top: 21px; }
th.gh { font-size: 12px; padding: 2px 4px; white-space: nowrap; overflow: hidden; max-width: 1px; }
th.ch { font-size: 10px; width: 20px; min-width: 20px; color: #556; }
th.rh { text-align: left; white-space: nowrap; padding: 1px 8px 1px 4px; font-weight: 500; position: sticky; left: 0; background: #fff; z-index: 1; }
td.cell, td.self { width: 20px; min-width: 20px; height: 20px; text-align: center; font-size: 12px; cursor: pointer; }
td.cell.pass { background: var(--pass-bg); color: var(--pass); }
td.cell.fail { background: var(--fail); color: #fff; font-weight: 700; }
td.cell.error { background: var(--err); color: #fff; font-weight: 700; }
td.self { background: #f4f6f8; color: #99a; cursor: default; }
td.cell:hover { outline: 2px solid #1d2330; } td.cell.selected { outline: 3px solid #1565c0; outline-offset: -1px; }
tr.gsum th, tr.gsum td { background: #eef1f5; font-size: 11px; text-align: center; padding: 2px 3px; border-top: 2px solid #b8c0cc; }
tr.gsum th { text-align: left; font-size: 13px; }
td.agg.pass { color: var(--pass); } td.agg.fail { color: #fff; background: var(--fail); font-weight: 700; }
button.tog { border: 0; background: none; cursor: pointer; font-size: 13px; padding: 0 4px; }
tbody.collapsed button.tog { transform: rotate(-90deg); }
tbody.collapsed tr.row { display: none; }
table.others td.txt { padding: 0 8px; font-size: 12px; }
.only-fail td.cell.pass, .only-fail td.self { visibility: hidden; }
.only-fail tr.row:not(.has-fail), .only-fail tbody.grp:not(.has-fail) { display: none; }
.out-of-scope { display: none !important; }
svg.diagram { background: #fff; border: 1px solid var(--line); max-width: 100%; height: auto; }
.d-vpcbox { fill: #f4f8ff; stroke: #5b7db1; stroke-width: 1.5; } .d-frame { fill: #fff; stroke: #aab6c8; } .d-frame.private { stroke: var(--fail); stroke-dasharray: 4 2; }
.d-vpc { font: 600 13px system-ui, sans-serif; } .d-subnet { font: 600 12px system-ui, sans-serif; fill: #23395d; }
.d-vm { font: 11px ui-monospace, monospace; fill: #333; } .d-route { font: 11px ui-monospace, monospace; fill: #7a4b00; } .d-nat { font: 11px ui-monospace, monospace; fill: #00567a; }
.d-label { font: 11px ui-monospace, monospace; fill: #5b3c88; }
.d-peering { fill: none; stroke: #7e57c2; stroke-width: 2; } .d-peering.one-sided { stroke-dasharray: 6 4; stroke: var(--fail); }
.d-internet { fill: #e8f5e9; stroke: var(--pass); } .d-egress { stroke: var(--pass); stroke-width: 2; } .d-egress.off { stroke: #999; stroke-dasharray: 4 3; }
aside#detail { position: fixed; top: 0; right: 0; width: 420px; height: 100vh; overflow: auto; background: #fff; border-left: 1px solid var(--line); padding: 12px 16px; box-shadow: -2px 0 8px rgba(0,0,0,.06); }
aside#detail dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 6px 0; } aside#detail dt { color: #667; }
aside#detail dd { margin: 0; word-break: break-word; } aside#detail h4 { margin: 14px 0 4px; }
.badge { font-size: 12px; padding: 1px 6px; border-radius: 8px; color: #fff; } .badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); } .badge.error { background: var(--err); }
#detail-close { float: right; }
.diff-table td, .diff-table th { padding: 2px 10px 2px 0; text-align: left; font-size: 13px; }
tr.regression td { color: var(--fail); font-weight: 600; } tr.fixed td { color: var(--pass); }
`;
