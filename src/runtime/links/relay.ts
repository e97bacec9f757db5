import { connect, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Random } from '../../model/random.ts';
import type { LinkProfile } from './profile.ts';

/** Bytes a link carried, per direction, and the connections it took. */
export interface LinkCounters {
  /** bytes from the caller to the target */
  forward: number;
  /** bytes from the target back */
  backward: number;
  /** connections accepted since start */
  connections: number;
  /** connections open now */
  open: number;
}

export const newCounters = (): LinkCounters => ({ forward: 0, backward: 0, connections: 0, open: 0 });

/**
 * Bytes a direction may hold before it stops reading its source: a stalled or slow link then pushes
 * back on the sender through TCP's own flow control instead of buffering without bound.
 */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;

/**
 * One direction of one connection: each chunk read from `from` is written to `to` at its release
 * time, max(previous release, arrival + sampled delay), so bytes are delayed but never reordered.
 * With a bandwidth cap a chunk first waits for the wire, which is busy for size / bandwidth.
 */
export class DelayedDirection {
  private readonly queue: { at: number; chunk: Buffer | null }[] = [];
  private lastRelease = 0;
  private wireFree = 0;
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private paused = false;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly profile: LinkProfile,
    private readonly random: Random,
    private readonly count: (bytes: number) => void,
  ) {
    from.on('data', (chunk: Buffer) => this.push(chunk));
    from.on('end', () => this.push(null));
    to.on('drain', () => this.resumeIfRoom());
  }

  /** ms this chunk is held: latency ± jitter, plus a stall drawn per chunk */
  delayOf(): number {
    const { latencyMs, jitterMs, stall } = this.profile;
    let delay = jitterMs > 0 ? Math.max(0, latencyMs + (this.random.next() * 2 - 1) * jitterMs) : latencyMs;
    if (stall && this.random.next() < stall.p) delay += stall.ms;
    return delay;
  }

  private push(chunk: Buffer | null): void {
    const t = performance.now();
    let sent = t;
    if (chunk && this.profile.bandwidthBytesPerSec) {
      this.wireFree = Math.max(this.wireFree, t) + (chunk.length / this.profile.bandwidthBytesPerSec) * 1000;
      sent = this.wireFree;
    }
    // The end of the stream follows the last chunk, undelayed itself.
    const at = Math.max(this.lastRelease, chunk ? sent + this.delayOf() : t);
    this.lastRelease = at;
    if (chunk) {
      this.count(chunk.length);
      this.queued += chunk.length;
    }
    this.queue.push({ at, chunk });
    if (this.queued > HIGH_WATER_BYTES && !this.paused) {
      this.paused = true;
      this.from.pause();
    }
    this.flush();
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const t = performance.now();
    while (this.queue.length > 0 && this.queue[0]!.at <= t) {
      const { chunk } = this.queue.shift()!;
      if (this.to.destroyed) return;
      if (chunk === null) {
        this.to.end();
        return;
      }
      this.queued -= chunk.length;
      this.to.write(chunk);
    }
    this.resumeIfRoom();
    const head = this.queue[0];
    if (head) this.timer = setTimeout(() => this.flush(), Math.max(0, head.at - t));
  }

  private resumeIfRoom(): void {
    if (this.paused && this.queued <= HIGH_WATER_BYTES / 2 && !this.to.writableNeedDrain) {
      this.paused = false;
      this.from.resume();
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.queue.length = 0;
  }
}

/** Ends a socket with a TCP reset, as a lost or refusing peer's connection ends. */
function reset(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

export interface RelayOptions {
  readonly host: string;
  /** 0 picks a free one */
  readonly port: number;
  readonly target: { readonly host: string; readonly port: number };
  readonly profile: LinkProfile;
  readonly random: Random;
  /** shared by every route of one link */
  readonly counters: LinkCounters;
}

export interface Relay {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A TCP relay: every connection accepted is carried to the target through two delayed directions.
 * A side that fails or is reset resets the other (a lost peer is seen as one); a side that ends
 * ends the other once its last bytes are released.
 */
export async function startRelay(opts: RelayOptions): Promise<Relay> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
    opts.counters.connections++;
    opts.counters.open++;
    const upstream = connect({ host: opts.target.host, port: opts.target.port, noDelay: true, allowHalfOpen: true });
    sockets.add(client);
    sockets.add(upstream);
    const forward = new DelayedDirection(client, upstream, opts.profile, opts.random, (n) => (opts.counters.forward += n));
    const backward = new DelayedDirection(upstream, client, opts.profile, opts.random, (n) => (opts.counters.backward += n));
    let closed = 0;
    const onClose = (self: Socket, other: Socket) => (hadError: boolean) => {
      sockets.delete(self);
      if (hadError && !other.destroyed) reset(other);
      if (++closed === 2) {
        forward.stop();
        backward.stop();
        opts.counters.open--;
      }
    };
    // An error is followed by 'close' with hadError, which resets the other side.
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('close', onClose(client, upstream));
    upstream.on('close', onClose(upstream, client));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
