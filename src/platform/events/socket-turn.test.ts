import { describe, expect, it } from 'vitest';
import { newSocketTurn, socketTurn } from './socket-turn.ts';

describe('socketTurn', () => {
  it('issues what one turn queued together, in the order queued, never before it was queued', async () => {
    const turn = newSocketTurn();
    const issued: string[] = [];
    const first = turn.issue(() => issued.push('ack 1'));
    await Promise.resolve();
    const second = turn.issue(() => issued.push('publish'));
    const third = turn.issue(() => issued.push('ack 2'));
    expect(issued).toEqual([]);

    await Promise.all([first, second, third]);
    expect(issued).toEqual(['ack 1', 'publish', 'ack 2']);

    // a later turn is a batch of its own
    await turn.issue(() => issued.push('ack 3'));
    expect(issued).toEqual(['ack 1', 'publish', 'ack 2', 'ack 3']);
  });

  it('runs a turn in one callback: the calls of one batch see no other task between them', async () => {
    const turn = newSocketTurn();
    let timerRan = false;
    const seen: boolean[] = [];
    setTimeout(() => (timerRan = true), 0);
    await Promise.all([1, 2, 3].map(() => turn.issue(() => seen.push(timerRan))));
    expect(new Set(seen).size).toBe(1);
  });

  it('hands each caller its own result or error; one call that throws leaves the others issued', async () => {
    const turn = newSocketTurn();
    const failing = turn.issue(() => {
      throw new Error('connection closed');
    });
    const ok = turn.issue(() => 'sent');
    const later = turn.issue(async () => 'acknowledged');
    await expect(failing).rejects.toThrow('connection closed');
    await expect(ok).resolves.toBe('sent');
    await expect(later).resolves.toBe('acknowledged');
  });

  it('is one per connection: the consumers and the relay of a connection share it', () => {
    const connection = {};
    expect(socketTurn(connection)).toBe(socketTurn(connection));
    expect(socketTurn(connection)).not.toBe(socketTurn({}));
  });
});
