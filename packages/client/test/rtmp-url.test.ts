import { parseRtmpUrl, splitStreamUrl } from '@rtmp/client';
import { describe, expect, it } from 'vitest';

describe('RTMP URLs', () => {
  it('default ports, app and instance, query strings, IPv6 literals, DNS names', () => {
    expect(parseRtmpUrl('rtmp://localhost/live')).toEqual({
      protocol: 'rtmp',
      host: 'localhost',
      port: 1935,
      app: 'live',
      tcUrl: 'rtmp://localhost/live',
    });
    expect(parseRtmpUrl('rtmps://live-api-s.facebook.com/rtmp/')).toMatchObject({
      port: 443,
      app: 'rtmp',
      tcUrl: 'rtmps://live-api-s.facebook.com/rtmp',
    });
    expect(parseRtmpUrl('rtmp://[::1]:1936/live/instance?token=x')).toEqual({
      protocol: 'rtmp',
      host: '::1',
      port: 1936,
      app: 'live/instance?token=x',
      tcUrl: 'rtmp://[::1]:1936/live/instance?token=x',
    });
    expect(parseRtmpUrl('RTMP://Example.COM:19350/app').host).toBe('example.com');
  });

  it('rtmpe:// (1935), rtmpt:// (80) and rtmpts:// (443): their default ports, the scheme kept in tcUrl', () => {
    expect(parseRtmpUrl('rtmpe://h/live')).toMatchObject({
      protocol: 'rtmpe',
      port: 1935,
      tcUrl: 'rtmpe://h/live',
    });
    expect(parseRtmpUrl('rtmpt://h/live')).toMatchObject({
      protocol: 'rtmpt',
      port: 80,
      tcUrl: 'rtmpt://h/live',
    });
    expect(parseRtmpUrl('rtmpts://h/live')).toMatchObject({ protocol: 'rtmpts', port: 443 });
    expect(splitStreamUrl('rtmpt://h:8080/app/cam')).toEqual({
      connectionUrl: 'rtmpt://h:8080/app',
      streamName: 'cam',
    });
  });

  it('rejects what is not an RTMP URL with CLIENT_INVALID_URL', () => {
    for (const url of [
      'http://h/live',
      'rtmp://h',
      'rtmp://h/',
      'not a url',
      'rtmp:///live',
      'constructor://h/live',
      'rtmfp://h/live',
    ]) {
      expect(() => parseRtmpUrl(url)).toThrow(expect.objectContaining({ code: 'CLIENT_INVALID_URL' }));
    }
  });

  it('splits a stream URL into the connection URL and the stream name (with its query)', () => {
    expect(splitStreamUrl('rtmp://a.rtmp.youtube.com/live2/xxxx-yyyy')).toEqual({
      connectionUrl: 'rtmp://a.rtmp.youtube.com/live2',
      streamName: 'xxxx-yyyy',
    });
    expect(splitStreamUrl('rtmp://h:1935/app/inst/cam?key=1&b=2')).toEqual({
      connectionUrl: 'rtmp://h:1935/app/inst',
      streamName: 'cam?key=1&b=2',
    });
    // A key may carry slashes (base64): they stay in the stream name.
    expect(splitStreamUrl('rtmps://h/app/cam?token=ab/cd+e/f==')).toEqual({
      connectionUrl: 'rtmps://h/app',
      streamName: 'cam?token=ab/cd+e/f==',
    });
    expect(() => splitStreamUrl('rtmp://h/onlyapp')).toThrow(
      expect.objectContaining({ code: 'CLIENT_INVALID_URL' }),
    );
  });
});
