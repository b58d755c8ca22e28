// The conformance checker, sans-IO: a clean FFmpeg-like session raises nothing; each bad habit
// raises its code once, with where it happened.
import type { RtmpMessage } from '@rtmp/messages';
import { ConformanceChecker, FINDING_KINDS, type FindingCode } from '@rtmp/server';
import { describe, expect, it } from 'vitest';

const SPS = Uint8Array.from(
  Buffer.from('6764000dacd94141fb0110000030001000003003 20f1429960'.replace(/ /g, ''), 'hex'),
);
const PPS = [0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0];
const avcRecord = (sps = [SPS], pps = [PPS]) => [
  1,
  0x64,
  0,
  0x0d,
  0xff,
  0xe0 | sps.length,
  ...sps.flatMap((unit) => [0, unit.length, ...unit]),
  pps.length,
  ...pps.flatMap((unit) => [0, unit.length, ...unit]),
];

const command = (
  name: string,
  transactionId: number,
  streamId = 0,
  args: unknown[] = [],
  commandObject: unknown = null,
): RtmpMessage => ({
  type: 'command',
  name,
  transactionId,
  commandObject,
  args,
  form: 'amf0',
  streamId,
  timestamp: 0,
});
const video = (timestamp: number, bytes: number[], streamId = 1): RtmpMessage => ({
  type: 'video',
  streamId,
  timestamp,
  payload: Uint8Array.from(bytes),
});
const audio = (timestamp: number, bytes: number[], streamId = 1): RtmpMessage => ({
  type: 'audio',
  streamId,
  timestamp,
  payload: Uint8Array.from(bytes),
});
const metadata = (values: Record<string, unknown>, streamId = 1): RtmpMessage => ({
  type: 'data',
  name: '@setDataFrame',
  values: ['onMetaData', values],
  form: 'amf0',
  streamId,
  timestamp: 0,
});

const AVC_CONFIG = video(0, [0x17, 0, 0, 0, 0, ...avcRecord()]);
const AAC_CONFIG = audio(0, [0xaf, 0, 0x12, 0x10]);
const keyframe = (ts: number) => video(ts, [0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65]);
const interframe = (ts: number, cts = 0) =>
  video(ts, [0x27, 1, (cts >> 16) & 0xff, (cts >> 8) & 0xff, cts & 0xff, 0, 0, 0, 1, 0x41]);
const aac = (ts: number) => audio(ts, [0xaf, 1, 0x21]);

/** The checkers' clock in the per-code cases (a case may move it on). */
let clock = 0;

/** An FFmpeg-like publish up to `publish`, then `media` (the default: a clean stream). */
function session(
  checker: ConformanceChecker,
  media: RtmpMessage[] = [
    metadata({ width: 320, height: 240, videocodecid: 7, audiocodecid: 10 }),
    AVC_CONFIG,
    AAC_CONFIG,
    keyframe(0),
    aac(0),
    interframe(40),
    aac(23),
  ],
  connectObject: Record<string, unknown> = {
    app: 'live',
    tcUrl: 'rtmp://127.0.0.1/live',
    flashVer: 'FMLE/3.0',
  },
) {
  checker.read({ c2AnswersS1: true, extendedTimestampOmissions: 0, bytesSent: 3073 });
  checker.received(command('connect', 1, 0, [], connectObject));
  checker.sent({ type: 'window-acknowledgement-size', window: 2_500_000, streamId: 0, timestamp: 0 });
  checker.read({ bytesSent: 4000 });
  checker.received(command('releaseStream', 2, 0, ['cam']));
  checker.received(command('FCPublish', 3, 0, ['cam']));
  checker.received(command('createStream', 4));
  checker.sent(command('_result', 4, 0, [1]));
  checker.read({ bytesSent: 4100 });
  checker.received(command('publish', 5, 1, ['cam', 'live']));
  for (const message of media) checker.received(message);
  checker.received(command('FCUnpublish', 6, 0, ['cam']));
  checker.received(command('deleteStream', 7, 0, [1]));
  checker.closed(4200);
}

describe('ConformanceChecker', () => {
  it('a clean FFmpeg-like publish raises nothing', () => {
    const checker = new ConformanceChecker();
    session(checker);
    expect(checker.findings).toEqual([]);
  });

  const cases: [FindingCode, (checker: ConformanceChecker) => void][] = [
    ['handshake-c2-mismatch', (c) => c.read({ c2AnswersS1: false })],
    ['chunk-size-invalid', (c) => c.failed('CHUNK_SIZE_INVALID', 'Set Chunk Size 0')],
    ['ext-timestamp-fmt3-inconsistent', (c) => c.read({ extendedTimestampOmissions: 3 })],
    ['timestamp-regression', (c) => session(c, [metadata({}), AVC_CONFIG, keyframe(100), interframe(60)])],
    ['timestamp-jump', (c) => session(c, [metadata({}), AVC_CONFIG, keyframe(100), interframe(10_200)])],
    [
      'media-before-publish',
      (c) => {
        c.received(command('createStream', 2));
        c.sent(command('_result', 2, 0, [1]));
        c.received(AVC_CONFIG);
      },
    ],
    ['media-on-unknown-stream', (c) => c.received(video(0, [0x17, 1, 0, 0, 0], 7))],
    [
      'publish-before-createstream-result',
      (c) => {
        c.received(command('createStream', 2));
        c.sent(command('_result', 2, 0, [1])); // answered in the same read: the client could not have seen it
        c.received(command('publish', 3, 1, ['cam']));
      },
    ],
    ['missing-set-data-frame', (c) => session(c, [AVC_CONFIG, keyframe(0)])],
    ['media-before-sequence-header', (c) => session(c, [metadata({}), keyframe(0), AVC_CONFIG])],
    ['first-video-not-keyframe', (c) => session(c, [metadata({}), AVC_CONFIG, interframe(0), keyframe(40)])],
    [
      'avc-config-missing-sps-pps',
      (c) => session(c, [metadata({}), video(0, [0x17, 0, 0, 0, 0, ...avcRecord([SPS], [])])]),
    ],
    ['aac-config-invalid', (c) => session(c, [metadata({}), audio(0, [0xaf, 0, 0x02, 0x10])])],
    [
      'negative-composition-time',
      (c) => session(c, [metadata({}), AVC_CONFIG, keyframe(0), interframe(40, 0xffffd8)]),
    ],
    [
      'metadata-disagrees-with-media',
      (c) => session(c, [metadata({ width: 1920, height: 1080, videocodecid: 7 }), AVC_CONFIG, keyframe(0)]),
    ],
    [
      'ack-window-ignored',
      (c) => {
        c.read({ bytesSent: 3073 }); // the handshake does not count
        c.sent({ type: 'window-acknowledgement-size', window: 1000, streamId: 0, timestamp: 0 });
        c.read({ bytesSent: 3500 });
        c.read({ bytesSent: 9000 }); // a join burst, still in flight
        clock += 1000;
        c.read({ bytesSent: 9100 });
        clock += 1500; // 2.5 s after the burst: it has had time to acknowledge
        c.read({ bytesSent: 9200 });
      },
    ],
    [
      'ping-unanswered',
      (c) => {
        const ping = {
          type: 'user-control',
          streamId: 0,
          timestamp: 0,
          event: { kind: 'ping-request', timestamp: 1 },
        } as const;
        c.sent(ping);
        c.sent(ping);
        c.received({
          type: 'user-control',
          streamId: 0,
          timestamp: 0,
          event: { kind: 'ping-response', timestamp: 1 },
        });
        for (let i = 0; i < 4; i++) c.sent(ping);
      },
    ],
    ['unknown-command', (c) => c.received(command('FCFrobnicate', 0))],
    [
      'transaction-id-reuse',
      (c) => {
        c.received(command('connect', 1, 0, [], { tcUrl: 'rtmp://h/app' }));
        c.received(command('createStream', 1));
      },
    ],
    [
      'fcunpublish-missing',
      (c) => {
        c.received(command('FCPublish', 3, 0, ['cam']));
        c.closed();
      },
    ],
    ['connect-missing-tcurl', (c) => c.received(command('connect', 1, 0, [], { app: 'live' }))],
    [
      'enhanced-codec-not-negotiated',
      (c) => session(c, [metadata({}), video(0, [0x90, ...Buffer.from('hvc1'), 1, 2, 3]), keyframe(0)]),
    ],
  ];

  it('the cases cover every code', () => {
    expect(cases.map(([code]) => code).sort()).toEqual(Object.keys(FINDING_KINDS).sort());
  });

  for (const [code, trigger] of cases) {
    it(`${code}: raised once, with its severity and a message`, () => {
      clock = Date.UTC(2026, 0, 1);
      const checker = new ConformanceChecker({ now: () => clock });
      trigger(checker);
      const found = checker.findings.filter((finding) => finding.code === code);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        severity: FINDING_KINDS[code].severity,
        at: new Date(clock).toISOString(),
      });
      expect(found[0]!.message.length).toBeGreaterThan(10);
    });
  }

  it('where: the message index and stream; a repeated regression is counted, its findings bounded', () => {
    const checker = new ConformanceChecker({ maxFindingsPerCode: 3 });
    const frames = Array.from({ length: 20 }, (_, i) => interframe(1000 - i * 10));
    session(checker, [metadata({}), AVC_CONFIG, keyframe(2000), ...frames]);
    const regressions = checker.findings.filter((finding) => finding.code === 'timestamp-regression');
    expect(regressions).toHaveLength(3);
    expect(checker.counts.get('timestamp-regression')).toBe(20);
    // connect, releaseStream, FCPublish, createStream, publish, metadata, config, keyframe: index 8 is the first frame
    expect(regressions[0]).toMatchObject({ messageIndex: 8, streamId: 1 });
    expect(regressions[0]!.message).toBe('video timestamp went back from 2000 to 1000 ms');
  });

  it('a client that acknowledges (the chunk layer takes the Acknowledgement in): no ack-window-ignored', () => {
    let now = 0;
    const checker = new ConformanceChecker({ now: () => now });
    checker.sent({ type: 'window-acknowledgement-size', window: 1000, streamId: 0, timestamp: 0 });
    checker.read({ bytesSent: 3500 });
    checker.read({ bytesSent: 9000 });
    now += 3000;
    checker.read({ bytesSent: 9000, peerAcknowledged: 4000 });
    now += 3000;
    checker.closed(20_000);
    expect(checker.findings).toEqual([]);
  });

  it('metadata that agrees, an Enhanced stream with a fourCcList, data on stream 0: nothing', () => {
    const checker = new ConformanceChecker();
    const enhancedConfig = video(0, [0x90, ...Buffer.from('avc1'), ...avcRecord()]);
    const enhancedKey = video(0, [0x91, ...Buffer.from('avc1'), 0, 0, 0, 0, 0, 0, 1, 0x65]);
    session(
      checker,
      [metadata({ width: 320, height: 240, videocodecid: 0x61766331 }), enhancedConfig, enhancedKey],
      { app: 'live', tcUrl: 'rtmp://h/live', fourCcList: ['avc1'] },
    );
    checker.received({ type: 'data', name: 'onBWDone', values: [], form: 'amf0', streamId: 0, timestamp: 0 });
    expect(checker.findings).toEqual([]);
  });
});
