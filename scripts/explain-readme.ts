/**
 * Writes the README's "observed" section from `interplay explain`: the graphs, coupling metrics and
 * sequence diagrams of the three styles come from spans of real orders, not from a drawing.
 * `npm run docs:explain`; needs nats-server (or NATS_URL) for the event styles.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { renderExplainMarkdown } from '../src/report/explain.ts';
import { resolveNats } from '../src/runtime/nats-server.ts';
import { explainStyle } from '../src/scenarios/explain.ts';
import { STYLES } from '../src/transports/index.ts';

const README = new URL('../README.md', import.meta.url);
const BEGIN = '<!-- explain:begin (npm run docs:explain writes this part) -->';
const END = '<!-- explain:end -->';

const nats = await resolveNats();
try {
  const parts: string[] = [];
  for (const style of STYLES) parts.push(renderExplainMarkdown(await explainStyle({ style, orders: 3, nats: nats.url })));
  const readme = await readFile(README, 'utf8');
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${BEGIN} … ${END} block`);
  await writeFile(README, `${readme.slice(0, start + BEGIN.length)}\n\n${parts.join('\n')}\n${readme.slice(end)}`);
  process.stdout.write('README.md: the observed styles were written\n');
} finally {
  await nats.stop();
}
