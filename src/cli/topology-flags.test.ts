import { describe, expect, it } from 'vitest';
import { parseTopology, systemTopology } from './topology-flags.ts';

describe('parseTopology', () => {
  it('external carries its base URL, sink and compose project', () => {
    const sink = { host: '127.0.0.1', port: 9000 };
    expect(parseTopology({ topology: 'external', baseUrl: 'http://arch.homework', sink, dockerProject: 'shop' })).toEqual({
      kind: 'external',
      baseUrl: 'http://arch.homework',
      sink,
      dockerProject: 'shop',
    });
  });

  it('processes carries its replicas; inproc carries nothing', () => {
    expect(parseTopology({ topology: 'processes', replicas: { billing: 3 } })).toEqual({ kind: 'processes', replicas: { billing: 3 } });
    expect(parseTopology({ topology: 'processes' })).toEqual({ kind: 'processes' });
    expect(parseTopology({ topology: 'inproc' })).toEqual({ kind: 'inproc' });
  });

  it.each([
    [{ topology: 'external' }, '--topology external needs --base-url'],
    [{ topology: 'external', baseUrl: 'http://x', replicas: { order: 2 } }, '--replicas needs --topology processes'],
    [{ topology: 'inproc', replicas: { order: 2 } }, '--replicas needs --topology processes'],
    [{ topology: 'processes', baseUrl: 'http://x' }, '--base-url goes with --topology external'],
    [{ topology: 'inproc', sink: { host: '127.0.0.1', port: 9000 } }, '--sink goes with --topology external'],
    [{ topology: 'processes', dockerProject: 'shop' }, '--docker-project goes with --topology external'],
  ] as const)('refuses %j: %s', (flags, message) => {
    expect(() => parseTopology(flags)).toThrow(message);
  });

  it('systemTopology refuses replicas in one process', () => {
    expect(() => systemTopology('inproc', { billing: 2 })).toThrow('--replicas needs --topology processes');
    expect(systemTopology('processes', { billing: 2 })).toEqual({ kind: 'processes', replicas: { billing: 2 } });
  });
});
