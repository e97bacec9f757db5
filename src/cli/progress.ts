import type { LoadTick } from '../measure/tally.ts';

/**
 * Live progress of a run: one line rewritten in place on a terminal, a plain line per tick otherwise
 * (CI logs), on the stream that is not carrying the result.
 */
export function progress(out: NodeJS.WriteStream, label: string) {
  const tty = Boolean(out.isTTY);
  let open = false;
  const write = (line: string) => {
    if (tty) {
      out.write(`\r\x1b[2K${line}`);
      open = true;
    } else out.write(`${line}\n`);
  };
  return {
    phase(phase: string) {
      write(`${label}: ${phase}`);
    },
    tick(t: LoadTick) {
      write(
        `${label}: ${t.phase} ${(t.elapsedMs / 1000).toFixed(0)}s · sent ${t.sent} · answered ${t.completed} · in flight ${t.inflight}` +
          ` · ${t.rateLastSecond.toFixed(0)}/s · dropped ${t.dropped} · errors ${t.errors}`,
      );
    },
    done() {
      if (open) out.write('\n');
      open = false;
    },
  };
}
