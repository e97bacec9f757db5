import type { TopLevelSpec } from 'vega-lite';

/**
 * Renders a Vega-Lite spec to an SVG string in this process: compiled to Vega and drawn by a
 * headless view, so the report needs no script and no network to show it. The libraries load
 * on first use, so commands that render no chart do not pay for them.
 */
export async function renderSvg(spec: TopLevelSpec, title: string): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    // Screen readers announce the chart by its title; the table beside it carries the numbers.
    return svg.replace(/^<svg([^>]*)>/, (_, attrs: string) => `<svg${attrs} role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>`);
  } finally {
    view.finalize();
  }
}

export const escapeXml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
