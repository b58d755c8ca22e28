// Conformance findings over the wire: what real encoders get (no errors), and what a hand-made bad
// publisher gets, each finding with its connection.
import { connect as tcpConnect } from 'node:net';
import { ClientHandshake } from '@rtmp/handshake';
import { type Finding, RtmpServer } from '@rtmp/server';
import {
  deferCleanups,
  ffmpegPublishArgs,
  gstreamerPublishArgs,
  modernMedia,
  peerAvailable,
  publishWithFfmpeg8,
  runProcess,
  sampleFlv,
  startProcess,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedClient } from './hostile-client';

const defer = deferCleanups(afterEach);

/** A server that collects findings per connection. */
async function checkingServer() {
  const findings = new Map<number, Finding[]>();
  const server = new RtmpServer({
    port: 0,
    observe: {
      finding: (id, finding) => findings.set(id, [...(findings.get(id) ?? []), finding]),
    },
  });
  const { url, port } = await server.listen();
  defer(() => server.close());
  const all = () => [...findings.values()].flat();
  return { server, url: `${url}/live`, port, findings, all };
}

const codesOf = (findings: Finding[], severity: Finding['severity']) =>
  [
    ...new Set(findings.filter((finding) => finding.severity === severity).map((finding) => finding.code)),
  ].sort();

/**
 * The warnings and infos each real peer's publish gets: the table in the README ("Testing your
 * RTMP software") lists the same. None of them gets an error.
 */
const EXPECTED: Record<string, { warning: string[]; info: string[] }> = {
  'ffmpeg 5.1': { warning: [], info: [] },
  'GStreamer rtmp2sink': { warning: [], info: [] },
  'GStreamer rtmpsink (librtmp)': { warning: [], info: [] },
  // It sends no fourCcList unless told to (-rtmp_enhanced_codecs), and through node-av it closes
  // without FCUnpublish or deleteStream.
  'FFmpeg 8.1 (Enhanced RTMP, two video and two audio tracks)': {
    warning: ['enhanced-codec-not-negotiated'],
    info: ['fcunpublish-missing'],
  },
};

describe.skipIf(!peerAvailable('ffmpeg'))('findings for real encoders', () => {
  it('ffmpeg 5.1 publishing: no errors; its warnings are the documented ones', async () => {
    const { url, all, server } = await checkingServer();
    const flv = await sampleFlv({ seconds: 2 });
    await runProcess('ffmpeg', ffmpegPublishArgs(flv, `${url}/cam`, { realtime: false }));
    await waitFor(() => server.connections === 0);
    expect(codesOf(all(), 'error')).toEqual([]);
    expect({ warning: codesOf(all(), 'warning'), info: codesOf(all(), 'info') }).toEqual(
      EXPECTED['ffmpeg 5.1'],
    );
  });
});

describe.skipIf(!peerAvailable('ffmpeg'))('findings for a modern encoder', () => {
  it('FFmpeg 8.1 publishing Enhanced RTMP multitrack (H.264 + HEVC, AAC + Opus): no errors; its warnings are the documented ones', async () => {
    const peer = 'FFmpeg 8.1 (Enhanced RTMP, two video and two audio tracks)';
    const { url, all, server } = await checkingServer();
    const file = await modernMedia({ video: ['h264', 'hevc'], audio: ['aac', 'opus'], seconds: 2 });
    await publishWithFfmpeg8(file, `${url}/cam`, { realtime: false });
    await waitFor(() => server.connections === 0);
    expect(codesOf(all(), 'error')).toEqual([]);
    expect({ warning: codesOf(all(), 'warning'), info: codesOf(all(), 'info') }).toEqual(EXPECTED[peer]);
  });
});

describe.skipIf(!peerAvailable('gst-launch-1.0', 'gstreamer1.0-tools gstreamer1.0-plugins-bad'))(
  'findings for GStreamer',
  () => {
    it.each([
      ['rtmp2sink', 'GStreamer rtmp2sink'],
      ['rtmpsink', 'GStreamer rtmpsink (librtmp)'],
    ] as const)('%s publishing: no errors; its warnings are the documented ones', async (sink, peer) => {
      const { url, all, server } = await checkingServer();
      const flv = await sampleFlv({ seconds: 2 });
      await runProcess('gst-launch-1.0', gstreamerPublishArgs(flv, `${url}/cam`, sink));
      await waitFor(() => server.connections === 0);
      expect(codesOf(all(), 'error')).toEqual([]);
      expect({ warning: codesOf(all(), 'warning'), info: codesOf(all(), 'info') }).toEqual(EXPECTED[peer]);
    });
  },
);

describe('findings for a hand-made bad publisher', () => {
  it('frames before the sequence header, a P-frame first, time going back, no metadata: each reported with its connection and stream', async () => {
    const { port, url, findings } = await checkingServer();
    const client = await scriptedClient(port, url, 'cam', 'publish');
    defer(() => client.socket.destroy());
    const write = (pieces: Uint8Array[]) => {
      for (const piece of pieces) client.socket.write(piece);
    };
    const { session, streamId } = client;
    write(session.writeMedia(streamId, 'video', 0, Uint8Array.of(0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41)));
    write(session.writeMedia(streamId, 'video', 500, Uint8Array.of(0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65)));
    write(session.writeMedia(streamId, 'video', 400, Uint8Array.of(0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41)));
    await waitFor(() => [...findings.values()].flat().length >= 4);
    expect(findings.size).toBe(1); // one connection, its id the key
    const found = [...findings.values()][0]!;
    expect(found.map((finding) => finding.code)).toEqual([
      'missing-set-data-frame',
      'media-before-sequence-header',
      'first-video-not-keyframe',
      'timestamp-regression',
    ]);
    expect(found.every((finding) => finding.streamId === streamId)).toBe(true);
    expect(found[3]!.message).toBe('video timestamp went back from 500 to 400 ms');
  });
});

describe('findings from the handshake and chunk layers, over the wire', () => {
  /** A raw client that completes the handshake with `c2` (or a proper one), then writes `after`. */
  async function rawClient(port: number, after: Uint8Array, c2?: (proper: Uint8Array) => Uint8Array) {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    defer(() => socket.destroy());
    socket.on('error', () => {});
    const handshake = new ClientHandshake({ scheme: 'simple' });
    socket.on('data', (bytes: Buffer) => {
      if (handshake.done) return;
      const result = handshake.receive(bytes);
      for (const piece of result.send) socket.write(c2 ? c2(piece) : piece);
      if (result.status === 'done') socket.write(after);
    });
    socket.on('connect', () => socket.write(handshake.start()));
  }
  const codes = (findings: Map<number, Finding[]>) =>
    [...findings.values()].flat().map((finding) => finding.code);

  it('a C2 that does not answer S1: handshake-c2-mismatch (the connection goes on)', async () => {
    const { port, findings } = await checkingServer();
    await rawClient(port, new Uint8Array(0), (proper) => proper.map(() => 7));
    await waitFor(() => codes(findings).includes('handshake-c2-mismatch'));
  });

  it('Set Chunk Size 0: chunk-size-invalid, and the connection is closed', async () => {
    const { port, findings, server } = await checkingServer();
    // Set Chunk Size (type 1) on chunk stream 2, four bytes: 0.
    await rawClient(port, Uint8Array.from([0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0]));
    await waitFor(() => codes(findings).includes('chunk-size-invalid'));
    await waitFor(() => server.connections === 0);
  });

  it('an extended timestamp not repeated on the fmt-3 chunk: ext-timestamp-fmt3-inconsistent', async () => {
    const { port, findings } = await checkingServer();
    // A 200-byte data message (type 18) at 0x01000000 ms over two 128-byte chunks; the fmt-3
    // chunk header (0xc4) is not followed by the extended timestamp again.
    const body = new Uint8Array(200).fill(0x05);
    const bytes = Uint8Array.from([
      ...[0x04, 0xff, 0xff, 0xff, 0, 0, 200, 18, 1, 0, 0, 0, 0x01, 0, 0, 0],
      ...body.subarray(0, 128),
      0xc4,
      ...body.subarray(128),
    ]);
    await rawClient(port, bytes);
    await waitFor(() => codes(findings).includes('ext-timestamp-fmt3-inconsistent'));
  });
});

describe.skipIf(!peerAvailable('ffmpeg'))('findings for a player', () => {
  it('ffmpeg playing acknowledges the window: nothing about it', async () => {
    const { url, all, server } = await checkingServer();
    const flv = await sampleFlv({ seconds: 6 });
    const publisher = startProcess('ffmpeg', ffmpegPublishArgs(flv, `${url}/cam`));
    defer(() => publisher.stop());
    await waitFor(() => server.stats().some((stream) => stream.publishing), 15_000);
    await runProcess('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      `${url}/cam`,
      '-t',
      '3',
      '-f',
      'null',
      '-',
    ]);
    expect(codesOf(all(), 'error')).toEqual([]);
    expect(all().filter((finding) => finding.code === 'ack-window-ignored')).toEqual([]);
  });
});
