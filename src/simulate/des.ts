import type { Random } from '../model/random.ts';

/**
 * A discrete-event simulator: a clock in ms and a binary heap of events ordered by time, then by
 * insertion (so events at the same instant run in the order they were scheduled, and a seed
 * replays exactly). Pure: no timers, no I/O.
 */
export class Simulator {
  now = 0;
  private times: number[] = [];
  private seqs: number[] = [];
  private actions: (() => void)[] = [];
  private seq = 0;
  private stopped = false;
  /** events run so far */
  events = 0;

  /** Ends run() after the event that calls it. */
  stop(): void {
    this.stopped = true;
  }

  at(time: number, action: () => void): void {
    const times = this.times;
    const seqs = this.seqs;
    const actions = this.actions;
    let i = times.length;
    const s = this.seq++;
    times.push(time);
    seqs.push(s);
    actions.push(action);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && seqs[parent]! < s)) break;
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      actions[i] = actions[parent]!;
      i = parent;
    }
    times[i] = time;
    seqs[i] = s;
    actions[i] = action;
  }

  after(delay: number, action: () => void): void {
    this.at(this.now + delay, action);
  }

  get pending(): number {
    return this.times.length;
  }

  /** Runs events until none is left or the next one is later than `until`. */
  run(until = Number.POSITIVE_INFINITY): void {
    while (!this.stopped && this.times.length > 0 && this.times[0]! <= until) {
      this.now = this.times[0]!;
      const action = this.pop();
      this.events++;
      action();
    }
  }

  private pop(): () => void {
    const times = this.times;
    const seqs = this.seqs;
    const actions = this.actions;
    const top = actions[0]!;
    const lastTime = times.pop()!;
    const lastSeq = seqs.pop()!;
    const lastAction = actions.pop()!;
    const n = times.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && (times[r]! < times[l]! || (times[r] === times[l] && seqs[r]! < seqs[l]!))) c = r;
      if (lastTime < times[c]! || (lastTime === times[c] && lastSeq < seqs[c]!)) break;
      times[i] = times[c]!;
      seqs[i] = seqs[c]!;
      actions[i] = actions[c]!;
      i = c;
    }
    times[i] = lastTime;
    seqs[i] = lastSeq;
    actions[i] = lastAction;
    return top;
  }
}

/**
 * A station: `servers` identical servers in front of one FIFO queue (a service's replicas × cores,
 * the broker's cores). A job holds one server for its service time. While the station is down its
 * queue fills and nothing is served; when it comes back the queue drains.
 */
export class Station {
  private busy = 0;
  private readonly queue: { ms: number; done: () => void; queuedAt: number }[] = [];
  private head = 0;
  private up = true;
  /** ms of service given, for utilisation */
  busyMs = 0;
  /** ms spent waiting in the queue, summed, and the jobs counted */
  waitedMs = 0;
  jobs = 0;
  /** the longest the queue has been */
  peakQueue = 0;

  constructor(
    readonly name: string,
    private readonly sim: Simulator,
    readonly servers: number,
  ) {}

  get isUp(): boolean {
    return this.up;
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Serves a job of `ms` when a server is free; `done` runs when it is served. */
  submit(ms: number, done: () => void): void {
    if (this.up && this.busy < this.servers) {
      this.start(ms, done, this.sim.now);
      return;
    }
    this.queue.push({ ms, done, queuedAt: this.sim.now });
    const length = this.queue.length - this.head;
    if (length > this.peakQueue) this.peakQueue = length;
  }

  setUp(up: boolean): void {
    this.up = up;
    while (this.up && this.busy < this.servers && this.head < this.queue.length) this.next();
  }

  /** Clears the counters, e.g. at the end of the warm-up; jobs in progress go on. */
  resetCounters(): void {
    this.busyMs = 0;
    this.waitedMs = 0;
    this.jobs = 0;
    this.peakQueue = this.queued;
  }

  private start(ms: number, done: () => void, queuedAt: number): void {
    this.busy++;
    this.busyMs += ms;
    this.waitedMs += this.sim.now - queuedAt;
    this.jobs++;
    this.sim.after(ms, () => {
      this.busy--;
      done();
      if (this.up && this.head < this.queue.length && this.busy < this.servers) this.next();
    });
  }

  private next(): void {
    const job = this.queue[this.head]!;
    this.queue[this.head++] = undefined as never;
    // Compact now and then, so a long run does not keep every job it ever queued.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.start(job.ms, job.done, job.queuedAt);
  }
}

/** Exponential with mean `mean`. */
export const exponential = (random: Random, mean: number): number => -mean * Math.log(1 - random.next());

/**
 * A positive service time with mean `mean` and coefficient of variation `cv`: exponential at cv 1,
 * constant at 0, lognormal otherwise.
 */
export function serviceSampler(random: Random, cv: number): (mean: number) => number {
  if (cv === 1) return (mean) => exponential(random, mean);
  if (cv === 0) return (mean) => mean;
  const sigma2 = Math.log(1 + cv * cv);
  const sigma = Math.sqrt(sigma2);
  return (mean) => {
    // Box–Muller: one normal draw from two uniforms.
    const u = 1 - random.next();
    const v = random.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return mean * Math.exp(sigma * z - sigma2 / 2);
  };
}
