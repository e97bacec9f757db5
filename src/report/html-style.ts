/**
 * The report page's stylesheet. System colours follow the reader's light or dark preference;
 * the charts draw their text in `currentColor`, so they follow too. Sized for a laptop screen:
 * a chart and its table side by side from 1100 px, one above the other below that.
 */
export const PAGE_CSS = `
:root { color-scheme: light dark; --fg: #1d2330; --bg: #ffffff; --muted: #5b6474; --rule: #d5dae3; --panel: #f5f7fa; --accent: #2f6fb3; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e3e7ee; --bg: #15181e; --muted: #a3acba; --rule: #3a414d; --panel: #1d2129; --accent: #7fb2ea; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2.2rem 0 .8rem; padding-bottom: .3rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1rem; margin: 0 0 .5rem; }
a { color: var(--accent); }
.muted { color: var(--muted); }
nav ul { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; list-style: none; padding: 0; margin: .8rem 0 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
pre { background: var(--panel); border: 1px solid var(--rule); border-radius: 6px; padding: .6rem .8rem; overflow-x: auto; margin: .3rem 0; }
code { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 0 0 .3rem; }
th, td { padding: .2rem .5rem; border-bottom: 1px solid var(--rule); text-align: left; }
.num { white-space: nowrap; }
th.group { text-align: center; border-bottom: 1px solid var(--muted); }
th { font-weight: 600; color: var(--muted); }
tbody th { color: var(--fg); }
td.num, th.num { text-align: right; }
.summary { overflow-x: auto; margin-bottom: 1rem; }
figure.chart { margin: 0 0 1.6rem; display: grid; grid-template-columns: minmax(0, 600px) minmax(0, 1fr); gap: 1rem 1.5rem; align-items: start; }
@media (max-width: 1100px) { figure.chart { grid-template-columns: minmax(0, 1fr); } }
figure.chart .plot { background: var(--panel); border: 1px solid var(--rule); border-radius: 6px; padding: .6rem; }
figure.chart .plot svg { display: block; max-width: 100%; height: auto; }
figure.chart .numbers { max-height: 22rem; overflow: auto; }
figure.chart .note { margin: 0; padding: 1rem; }
`;
