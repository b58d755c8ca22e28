import { command, TransactionTable } from '@rtmp/messages';
import { describe, expect, it } from 'vitest';

describe('TransactionTable', () => {
  it('allocates ids from 1 and matches _result and _error once each', () => {
    const table = new TransactionTable<string>({ timeoutMs: 1000 });
    expect(table.allocate(0, 'connect')).toBe(1);
    expect(table.allocate(0, 'createStream')).toBe(2);
    expect(table.size).toBe(2);
    expect(table.settle(command('_result', 2, null, [1]))).toMatchObject({
      outcome: 'result',
      id: 2,
      context: 'createStream',
    });
    expect(table.settle(command('_result', 2, null, [1]))).toBeUndefined(); // already settled
    expect(table.settle(command('_error', 1, null, [{}]))).toMatchObject({
      outcome: 'error',
      context: 'connect',
    });
    expect(table.settle(command('onStatus', 0, null, []))).toBeUndefined();
    expect(table.size).toBe(0);
  });

  it('expires calls by the clock it is given, and reports the next deadline', () => {
    const table = new TransactionTable<string>({ timeoutMs: 1000 });
    table.allocate(100, 'a');
    table.allocate(500, 'b', 200);
    expect(table.nextDeadline()).toBe(700);
    expect(table.expire(699)).toEqual([]);
    expect(table.expire(700)).toEqual([{ outcome: 'timeout', id: 2, context: 'b' }]);
    expect(table.expire(1100)).toEqual([{ outcome: 'timeout', id: 1, context: 'a' }]);
    expect(table.nextDeadline()).toBeUndefined();
  });

  it('reserveId() gives an id nothing waits for; its answer is not matched', () => {
    const table = new TransactionTable<string>();
    expect(table.reserveId()).toBe(1);
    expect(table.allocate(0, 'x')).toBe(2);
    expect(table.settle(command('_result', 1, null, []))).toBeUndefined();
  });

  it('clear() forgets every pending call (connection closed)', () => {
    const table = new TransactionTable<number>();
    table.allocate(0, 1);
    table.allocate(0, 2);
    expect(table.clear()).toEqual([
      { id: 1, context: 1 },
      { id: 2, context: 2 },
    ]);
    expect(table.size).toBe(0);
  });
});
