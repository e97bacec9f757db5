import type { LoadTick } from '../measure/engine/tally.ts';
import { fitParts, type Part, type Terminal } from './terminal.ts';

/**
 * Live progress of a run: one line rewritten in place on a terminal, a plain line per tick otherwise
 * (CI logs), on the stream that is not carrying the result. The line never takes more than the
 * terminal's width: a wrapped line cannot be rewritten with `\r`, and would stack instead.
 */
export function progress(out: NodeJS.WritableStream, terminal: Terminal, label: string) {
  let open = false;
  const write = (parts: readonly Part[]) => {
    if (terminal.tty) {
      // One column spare: some terminals wrap a line that fills the last column.
      out.write(`\r\x1b[2K${fitParts(parts, terminal.width - 1)}`);
      open = true;
    } else out.write(`${fitParts(parts, terminal.width)}\n`);
  };
  return {
    phase(phase: string) {
      write([{ text: `${label}: ${phase}`, rank: 0 }]);
    },
    tick(t: LoadTick) {
      write(tickParts(label, t));
    },
    done() {
      if (open) out.write('\n');
      open = false;
    },
  };
}

/** The tick's facts, ranked: what says whether the run is healthy goes last when the line is too narrow. */
export function tickParts(label: string, t: LoadTick): Part[] {
  return [
    { text: `${label}: ${t.phase} ${(t.elapsedMs / 1000).toFixed(0)}s`, rank: 0 },
    { text: `${t.rateLastSecond.toFixed(0)}/s`, rank: 1 },
    { text: `sent ${t.sent}`, rank: 2 },
    { text: `answered ${t.completed}`, rank: 2 },
    // Dropped sends and errors matter only when there are some; then they outrank the rest.
    { text: `dropped ${t.dropped}`, rank: t.dropped > 0 ? 1 : 4 },
    { text: `errors ${t.errors}`, rank: t.errors > 0 ? 1 : 4 },
    { text: `in flight ${t.inflight}`, rank: 3 },
  ];
}
