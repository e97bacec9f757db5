import { PAGE_CSS } from './html-style.ts';
import { escapeXml as esc } from './svg.ts';

export interface PageSection {
  readonly title: string;
  /** already escaped HTML */
  readonly html: string;
}

export const slug = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/**
 * The one page shell every HTML report uses: inline CSS, no script, a Content-Security-Policy that
 * fetches nothing, a title, a line under it and a section list to jump to.
 */
export function htmlPage(title: string, subtitle: string, sections: readonly PageSection[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
<header>
<h1>${esc(title)}</h1>
<p class="muted">${esc(subtitle)}</p>
<nav aria-label="sections"><ul>${sections.map((s) => `<li><a href="#${slug(s.title)}">${esc(s.title)}</a></li>`).join('')}</ul></nav>
</header>
${sections.map((s) => `<section><h2 id="${slug(s.title)}">${esc(s.title)}</h2>\n${s.html}\n</section>`).join('\n')}
</main>
</body>
</html>
`;
}
