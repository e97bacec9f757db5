/**
 * Writes the observed part of docs/styles.md from `interplay explain`: the graphs, coupling metrics and
 * sequence diagrams of the three styles come from spans of real orders, not from a drawing.
 * `npm run docs:explain`; needs nats-server (or NATS_URL) for the event styles. test/explain.test.ts
 * fails when a style's dependency graph there is not the one its orders show.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { renderExplainMarkdown } from '../report/explain.ts';
import { resolveNats } from '../runtime/nats-server.ts';
import { explainStyle } from '../scenarios/explain.ts';
import { STYLES } from '../model/style.ts';

const STYLES_DOC = new URL('../../docs/styles.md', import.meta.url);
const BEGIN = '<!-- explain:begin (npm run docs:explain writes this part) -->';
const END = '<!-- explain:end -->';

/** `npm run docs:explain`: runs a few orders in each style and writes what they showed between the markers. */
export async function writeObservedStyles(): Promise<number> {
  const nats = await resolveNats();
  try {
    const parts: string[] = [];
    for (const style of STYLES) parts.push(renderExplainMarkdown(await explainStyle({ style, orders: 3, nats: nats.url })));
    const doc = await readFile(STYLES_DOC, 'utf8');
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    if (start < 0 || end < start) throw new Error(`docs/styles.md has no ${BEGIN} … ${END} block`);
    await writeFile(STYLES_DOC, `${doc.slice(0, start + BEGIN.length)}\n\n${parts.join('\n')}\n${doc.slice(end)}`);
    process.stdout.write('docs/styles.md: the observed styles were written\n');
  } finally {
    await nats.stop();
  }
  return 0;
}
