// The conformance report in-process and over HTTP: who each connection was and what it did wrong.
import { connect } from '@rtmp/client';
import { deferCleanups, waitFor } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../src/index';

const defer = deferCleanups(afterEach);
const AVC_CONFIG = Uint8Array.from(
  Buffer.from(
    '17000000000164000dffe100196764000dacd94141fb0110000030001000003003 20f142996001000668ebe3cb22c0'.replace(
      / /g,
      '',
    ),
    'hex',
  ),
);

describe('the conformance report', () => {
  it('report() and GET /api/report: each connection with address, app, flashVer, role, stream and its findings; a summary per code; the oldest connections go past reportConnections', async () => {
    const server = await startReferenceServer({ port: 0, httpPort: 0, reportConnections: 2 });
    defer(() => server.close());
    const player = await connect(`${server.url}/live`);
    defer(() => player.close());
    await player.play('cam');
    for (const _ of [1, 2]) {
      const connection = await connect(`${server.url}/live`);
      const publisher = await connection.publish('cam');
      await publisher.writeVideo(0, AVC_CONFIG);
      await publisher.writeVideo(0, Uint8Array.of(0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41)); // not a keyframe
      await connection.close();
    }
    await waitFor(() => server.report().summary['first-video-not-keyframe'] === 2);
    const report = server.report();
    // Three connections came; two are listed (the latest), the summary counts all.
    expect(report.connections).toHaveLength(2);
    expect(report.connections[1]).toMatchObject({
      address: '127.0.0.1',
      app: 'live',
      flashVer: expect.stringMatching(/^FMLE\/3\.0/),
      role: 'publisher',
      stream: 'cam',
    });
    expect(report.connections[1]!.findings.map((finding) => [finding.code, finding.severity])).toEqual([
      ['missing-set-data-frame', 'info'],
      ['first-video-not-keyframe', 'warning'],
    ]);
    expect(report.summary).toEqual({ 'missing-set-data-frame': 2, 'first-video-not-keyframe': 2 });
    expect(await (await fetch(`${server.httpUrl}/api/report`)).json()).toEqual(server.report());
  });
});
