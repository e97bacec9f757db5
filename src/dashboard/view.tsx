import { Box, Text } from 'ink';
import { count, NONE, rate, sig3 } from '../report/format.ts';
import { recoveryText, type LiveRecovery } from '../measure/faults/recovery.ts';
import type { DashboardFrame, ServiceRow } from './frame.ts';
import { WINDOW_SECONDS } from './frame.ts';
import { HELP_LINE } from './keys.ts';

export interface DashboardViewProps {
  readonly frame: DashboardFrame;
  /** terminal columns; every line fits in them (80 at least is assumed) */
  readonly width: number;
}

const SPARKS = ' ▁▂▃▄▅▆▇█';
/** columns before the trend line on the latency rows */
const TREND_AT = 39;
/** the services table's width, left of the histogram */
const TABLE_WIDTH = 52;
const BAR_WIDTH = 12;

const ms = (v: number | null) => (v === null ? NONE : sig3(v));
const clip = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`);
const clock = (s: number) => `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;

/** A trend as block characters scaled to its own highest value, newest at the right. */
export function sparkline(values: readonly (number | null)[], width: number): string {
  const shown = values.slice(-width);
  const top = Math.max(0, ...shown.map((v) => v ?? 0));
  return shown.map((v) => (v === null ? ' ' : SPARKS[top === 0 ? 1 : Math.max(1, Math.round((v / top) * (SPARKS.length - 1)))])).join('');
}

/** The whole screen for one frame. Reads the frame and nothing else. */
export function DashboardView({ frame, width }: DashboardViewProps) {
  const trendWidth = Math.max(0, Math.min(frame.acceptTrend.length, width - TREND_AT - 1));
  const t = frame.throughput;
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>{clip(` interplay · ${frame.style} · ${frame.topology} · ${rate(frame.rate)}/s intended · ${frame.phase} ${clock(frame.elapsedSeconds)}`, width)}</Text>
      <Text>
        {clip(` orders/s       offered ${rate(t.offered)} · accepted ${rate(t.accepted)} · completed ${rate(t.completed)}`, width)}
      </Text>
      <LatencyLine label="accept ms" p={frame.accept} trend={sparkline(frame.acceptTrend, trendWidth)} />
      <LatencyLine label="completion ms" p={frame.completion} trend={sparkline(frame.completionTrend, trendWidth)} />
      <Text> </Text>
      <Box>
        <Box flexDirection="column" width={TABLE_WIDTH}>
          <Text dimColor>{` ${'service'.padEnd(13)}${'state'.padEnd(9)}${'CPU%'.padStart(6)}${'calls/s'.padStart(8)}${'msgs/s'.padStart(8)}${'dead'.padStart(6)}`}</Text>
          {frame.services.map((row) => (
            <ServiceLine key={row.name} row={row} selected={row.name === frame.selected} />
          ))}
        </Box>
        <Box flexDirection="column" width={width - TABLE_WIDTH}>
          <Text dimColor>{clip(`│ completion, last ${WINDOW_SECONDS} s`, width - TABLE_WIDTH)}</Text>
          {frame.histogram.map((bin) => (
            <Text key={bin.label}>
              {'│ '}
              {bin.label.padStart(6)} <Text color="cyan">{'█'.repeat(Math.round(bin.share * BAR_WIDTH)).padEnd(BAR_WIDTH)}</Text> {count(bin.count).padStart(5)}
            </Text>
          ))}
        </Box>
      </Box>
      <Text> </Text>
      <Text>
        {clip(
          ` in flight ${count(frame.inflight)} · pending ${count(frame.pending)} · backlog ${count(frame.backlog.total)}${frame.backlog.consumers.length ? '  ' : ''}${frame.backlog.consumers.map((c) => `${c.consumer} ${count(c.pending)}+${count(c.ackPending)}`).join(' · ')}`,
          width,
        )}
      </Text>
      <Text color={frame.errors.failedTotal + frame.errors.dropped + frame.errors.deadLetters > 0 ? 'yellow' : undefined}>
        {clip(
          ` failed ${count(frame.errors.failedTotal)}${frame.errors.failed.length ? `: ${frame.errors.failed.map(([k, n]) => `${k} ${count(n)}`).join(', ')}` : ''} · dropped ${count(frame.errors.dropped)} · 503s ${count(frame.errors.served503)} · dead letters ${count(frame.errors.deadLetters)}`,
          width,
        )}
      </Text>
      {frame.recovery ? <Text color={frame.recovery.ms === null ? 'yellow' : undefined}>{clip(` ${recoveryLine(frame.recovery)}`, width)}</Text> : null}
      <Text>{clip(` [${frame.selected}] ${frame.note}`, width)}</Text>
      <Text dimColor>{clip(` ${HELP_LINE}`, width)}</Text>
    </Box>
  );
}

/** "recovery after billing came back: 1.2 s", or "recovering after billing came back: 12 orders left, 3 s so far" */
export function recoveryLine(r: LiveRecovery): string {
  if (r.ms !== null) return `recovery after ${r.what} came back: ${recoveryText({ ms: r.ms, orders: 0, unfinished: 0 })}`;
  return `recovering after ${r.what} came back: ${count(r.left)} orders left, ${Math.floor(r.elapsedMs / 1000)} s so far`;
}

function LatencyLine({ label, p, trend }: { label: string; p: DashboardFrame['accept']; trend: string }) {
  return (
    <Text>
      {` ${label.padEnd(15)}p50 ${ms(p.p50).padStart(6)} p99 ${ms(p.p99).padStart(6)}  `}
      <Text color="green">{trend}</Text>
    </Text>
  );
}

function ServiceLine({ row, selected }: { row: ServiceRow; selected: boolean }) {
  const num = (v: number | null, w: number) => (v === null ? NONE : rate(v)).padStart(w);
  const healthy = row.state === 'up' || row.state === '';
  return (
    <Text>
      {selected ? '>' : ' '}
      {clip(row.name, 12).padEnd(13)}
      <Text color={healthy ? 'green' : 'red'}>{clip(row.state, 8).padEnd(9)}</Text>
      {num(row.cpuPercent, 6)}
      {num(row.callsPerSecond, 8)}
      {num(row.messagesPerSecond, 8)}
      {(row.deadLetters === null ? NONE : count(row.deadLetters)).padStart(6)}
    </Text>
  );
}
