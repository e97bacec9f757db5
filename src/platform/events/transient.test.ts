import { describe, expect, it } from 'vitest';
import { JetStreamApiError } from '@nats-io/jetstream';
import { NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { isTransientBrokerError, whileBrokerRecovers } from './transient.ts';

const unavailable = () => new JetStreamApiError({ code: 503, err_code: 10008, description: 'JetStream system temporarily unavailable' });

describe('isTransientBrokerError', () => {
  it('takes an election, a timeout and no responders for transient, and a refusal for what it is', () => {
    expect(isTransientBrokerError(unavailable())).toBe(true);
    expect(isTransientBrokerError(new TimeoutError())).toBe(true);
    expect(isTransientBrokerError(new RequestError('no responders', { cause: new NoRespondersError('$JS.API.INFO') }))).toBe(true);
    expect(isTransientBrokerError(new JetStreamApiError({ code: 400, err_code: 10058, description: 'stream name already in use' }))).toBe(false);
    expect(isTransientBrokerError(new Error('boom'))).toBe(false);
  });
});

describe('whileBrokerRecovers', () => {
  it('asks again while the cluster elects a leader, and returns the answer', async () => {
    let calls = 0;
    const value = await whileBrokerRecovers(
      async () => {
        if (++calls < 3) throw unavailable();
        return 'stream made';
      },
      { what: 'stream' },
    );
    expect(value).toBe('stream made');
    expect(calls).toBe(3);
  });

  it('throws a refusal at once, without asking again', async () => {
    let calls = 0;
    const refused = new JetStreamApiError({ code: 400, err_code: 10058, description: 'stream name already in use' });
    await expect(
      whileBrokerRecovers(async () => {
        calls++;
        throw refused;
      }, { what: 'stream' }),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it('gives up at the deadline with the last error', async () => {
    await expect(whileBrokerRecovers(async () => Promise.reject(unavailable()), { what: 'stream', deadlineMs: 250 })).rejects.toThrow(/temporarily unavailable/);
  });
});
