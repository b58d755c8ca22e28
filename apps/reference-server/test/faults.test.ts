// Fault specs as `--fault` reads them.
import { describe, expect, it } from 'vitest';
import { describeFault, parseFault } from '../src/index';

describe('parseFault', () => {
  it('reads every kind, times in s or ms, and the filters', () => {
    expect(parseFault('drop@5s')).toEqual({ kind: 'drop', atMs: 5000 });
    expect(parseFault('rst@500ms,role=publisher')).toEqual({ kind: 'rst', atMs: 500, role: 'publisher' });
    expect(parseFault('stall@2s+1.5s,stream=cam')).toEqual({
      kind: 'stall',
      atMs: 2000,
      forMs: 1500,
      stream: 'cam',
    });
    expect(parseFault('chunk-size=64@1s,conn=2')).toEqual({
      kind: 'chunk-size',
      size: 64,
      atMs: 1000,
      connection: 2,
    });
    expect(parseFault('reconnect@2s,tcUrl=rtmp://b.example/live')).toEqual({
      kind: 'reconnect',
      atMs: 2000,
      tcUrl: 'rtmp://b.example/live',
    });
    expect(parseFault('reject-publish=NetStream.Publish.BadName,role=publisher')).toEqual({
      kind: 'reject-publish',
      code: 'NetStream.Publish.BadName',
      role: 'publisher',
    });
    expect(parseFault('reject-connect=NetConnection.Connect.Rejected')).toMatchObject({
      kind: 'reject-connect',
    });
    expect(parseFault('delay=250')).toEqual({ kind: 'delay', ms: 250 });
    expect(parseFault('eof@3s,role=player')).toEqual({ kind: 'eof', atMs: 3000, role: 'player' });
    expect(parseFault('ping@1s')).toEqual({ kind: 'ping', everyMs: 1000 });
    expect(parseFault('window=1000')).toEqual({ kind: 'window', bytes: 1000 });
  });

  it('describes a fault as the spec it came from (times in ms)', () => {
    for (const spec of [
      'drop@5000ms',
      'stall@2000ms+1500ms',
      'chunk-size=64@1000ms',
      'delay=250ms',
      'window=1000',
    ])
      expect(describeFault(parseFault(spec))).toBe(spec);
  });

  it.each([
    ['explode@1s', /unknown kind "explode"/],
    ['drop', /drop needs @TIME/],
    ['drop@soon', /"soon" is not a duration/],
    ['stall@1s', /stall needs @TIME\+DURATION/],
    ['chunk-size=0@1s', /from 1 to/],
    ['reject-publish=nope', /needs a status code/],
    ['drop@1s,colour=red', /unknown option "colour=red"/],
    ['drop@1s,role=admin', /unknown option "role=admin"/],
  ])('%s: an error that says what is wrong', (spec, message) => {
    expect(() => parseFault(spec)).toThrow(message);
  });
});
