import { CLIENT_ENHANCED_CAPABILITIES, connect } from '@rtmp/client';
import { CapsEx, type ConnectRequest } from '@rtmp/messages';
import { ENHANCED_RTMP_SERVER_CAPABILITIES } from '@rtmp/server';
import { deferCleanups, loadNodeAv, peerAvailable, waitFor } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from './start-server';

const defer = deferCleanups(afterEach);

describe('Enhanced RTMP negotiation in connect', () => {
  it("a client offering capsEx and FourCCs gets the server's own in the _result; the hook sees the offer", async () => {
    const offers: ConnectRequest[] = [];
    const { url } = await startServer(defer, {
      onConnect: (request) => {
        offers.push(request);
        return true;
      },
    });
    const connection = await connect(url, { enhancedRtmp: true });
    defer(() => connection.close());
    expect(connection.serverProperties).toEqual({
      fmsVer: 'FMS/3,0,1,123',
      capabilities: 31,
      fourCcList: [
        'avc1',
        'hvc1',
        'av01',
        'vp09',
        'vp08',
        'vvc1',
        'mp4a',
        'Opus',
        'fLaC',
        'ac-3',
        'ec-3',
        '.mp3',
      ],
      videoFourCcInfoMap: { avc1: 4, hvc1: 4, av01: 4, vp09: 4, vp08: 4, vvc1: 4 },
      audioFourCcInfoMap: { mp4a: 4, Opus: 4, fLaC: 4, 'ac-3': 4, 'ec-3': 4, '.mp3': 4 },
      capsEx: CapsEx.Reconnect | CapsEx.Multitrack | CapsEx.ModEx | CapsEx.TimestampNanoOffset,
    });
    expect(ENHANCED_RTMP_SERVER_CAPABILITIES.capsEx).toBe(15);
    expect(offers[0]).toMatchObject({
      fourCcList: [...CLIENT_ENHANCED_CAPABILITIES.fourCcList!],
      videoFourCcInfoMap: { ...CLIENT_ENHANCED_CAPABILITIES.videoFourCcInfoMap },
      audioFourCcInfoMap: { ...CLIENT_ENHANCED_CAPABILITIES.audioFourCcInfoMap },
      capsEx: CapsEx.Multitrack | CapsEx.ModEx | CapsEx.TimestampNanoOffset,
    });
  });

  it('any one field is an offer: fourCcList ["*"] alone, or capsEx alone', async () => {
    const { url } = await startServer(defer);
    for (const enhancedRtmp of [{ fourCcList: ['*'] }, { capsEx: 0 }]) {
      const connection = await connect(url, { enhancedRtmp });
      defer(() => connection.close());
      expect(connection.serverProperties).toMatchObject({
        capsEx: 15,
        fourCcList: expect.arrayContaining(['hvc1']),
      });
    }
  });

  it('a legacy client gets the legacy _result unchanged; enhancedRtmp: false on the server sends none to anyone', async () => {
    const { url } = await startServer(defer);
    const legacy = await connect(url);
    defer(() => legacy.close());
    expect(legacy.serverProperties).toEqual({ fmsVer: 'FMS/3,0,1,123', capabilities: 31 });

    const quiet = await startServer(defer, { enhancedRtmp: false });
    const enhanced = await connect(quiet.url, { enhancedRtmp: true });
    defer(() => enhanced.close());
    expect(enhanced.serverProperties).toEqual({ fmsVer: 'FMS/3,0,1,123', capabilities: 31 });
  });

  it.skipIf(!peerAvailable('ffmpeg'))(
    'FFmpeg 8.1 as a player with rtmp_enhanced_codecs offers its fourCcList, and the hook sees it',
    async () => {
      const offers: ConnectRequest[] = [];
      const { url } = await startServer(defer, {
        onConnect: (request) => {
          offers.push(request);
          return true;
        },
        onPlay: () => ({ allow: false, description: 'only the connect matters here' }),
      });
      const { Demuxer } = await loadNodeAv();
      await Demuxer.open(`${url}/cam`, { options: { rtmp_enhanced_codecs: 'hvc1,av01,Opus' } }).then(
        (demuxer) => demuxer.close(),
        () => undefined, // the play is refused: FFmpeg fails to open, as it should
      );
      await waitFor(() => offers.length > 0);
      expect(offers[0]?.fourCcList).toEqual(['hvc1', 'av01', 'Opus']);
      expect(offers[0]?.capsEx).toBeUndefined();
    },
  );
});
