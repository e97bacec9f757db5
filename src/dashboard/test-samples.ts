import type { DashboardSample } from './sample.ts';

/** A sample with nothing happening, at `at` ms; tests override what they look at. */
export function aSample(over: Partial<DashboardSample> = {}): DashboardSample {
  return {
    at: 10_000,
    startedAt: 0,
    phase: 'running',
    style: 'collaboration',
    topology: 'processes',
    rate: 100,
    load: { scheduled: 0, sent: 0, dropped: 0, accepted: 0, completed: 0, inflight: 0, pending: 0, failures: {} },
    accept: [],
    completion: [],
    processes: [],
    calls: {},
    messages: {},
    served503: 0,
    services: [
      { name: 'auth', state: 'up', deadLetters: 0 },
      { name: 'billing', state: 'up', deadLetters: 0 },
      { name: 'notification', state: 'up', deadLetters: 0 },
      { name: 'order', state: 'up', deadLetters: 0 },
    ],
    backlog: [],
    selected: 'billing',
    note: '',
    ...over,
  };
}

/** Two samples one second apart: a steady 100 orders/s in collaboration, billing stopped in the second. */
export function aSecondOfLoad(): DashboardSample[] {
  const load = { scheduled: 1000, sent: 1000, dropped: 0, accepted: 990, completed: 900, inflight: 4, pending: 86, failures: { 'http 503': 6 } };
  const first = aSample({
    at: 9_000,
    load,
    processes: [
      { name: 'billing', pid: 11, cpuMs: 2_000 },
      { name: 'order', pid: 12, cpuMs: 3_000 },
      { name: 'order', pid: 13, cpuMs: 3_000 },
      { name: 'nats-server', pid: 20, cpuMs: 500 },
    ],
    messages: { order: 1000, billing: 900, notification: 0 },
  });
  const second = aSample({
    at: 10_000,
    load: { ...load, scheduled: 1100, sent: 1098, dropped: 2, accepted: 1090, completed: 960, inflight: 3, pending: 127, failures: { 'http 503': 9, UND_ERR_SOCKET: 1 } },
    accept: [2, 3, 4, 5, 40],
    completion: [10, 20, 30, 300, 2_000],
    processes: [
      { name: 'order', pid: 12, cpuMs: 3_150 },
      { name: 'order', pid: 13, cpuMs: 3_100 },
      { name: 'nats-server', pid: 20, cpuMs: 520 },
    ],
    messages: { order: 1100, billing: 960, notification: 0 },
    services: [
      { name: 'auth', state: 'up', deadLetters: 0 },
      { name: 'billing', state: 'stopped', deadLetters: 0 },
      { name: 'notification', state: 'up', deadLetters: 2 },
      { name: 'order', state: 'up', deadLetters: 0 },
    ],
    backlog: [
      { consumer: 'billing-orders-created', pending: 95, ackPending: 0 },
      { consumer: 'notification-orders-changed', pending: 0, ackPending: 3 },
    ],
    served503: 4,
    note: 'billing stopped',
  });
  return [first, second];
}
