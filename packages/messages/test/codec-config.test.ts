// Decoder configurations a checker reads: what makes one unusable is a typed error, never a crash.
import { MessageError, readAacConfig, readAvcConfig } from '@rtmp/messages';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** x264's 320x240 High profile SPS and a PPS, in a configuration record. */
const SPS = Uint8Array.from(
  Buffer.from('6764000dacd9414 1fb0110000030001000003003 20f1429960'.replace(/ /g, ''), 'hex'),
);
const PPS = Uint8Array.from([0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0]);
const record = (sps: Uint8Array[], pps: Uint8Array[]) => {
  const parts = [1, 0x64, 0, 0x0d, 0xff, 0xe0 | sps.length];
  for (const unit of sps) parts.push(unit.length >> 8, unit.length & 0xff, ...unit);
  parts.push(pps.length);
  for (const unit of pps) parts.push(unit.length >> 8, unit.length & 0xff, ...unit);
  return Uint8Array.from(parts);
};
const code = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return MessageError.isInstance(error) ? error.code : 'not a MessageError';
  }
  return 'no error';
};

describe('readAvcConfig', () => {
  it('counts parameter sets and reads the size from the first SPS', () => {
    expect(readAvcConfig(record([SPS], [PPS]))).toEqual({
      profile: 0x64,
      level: 0x0d,
      nalLengthSize: 4,
      spsCount: 1,
      ppsCount: 1,
      width: 320,
      height: 240,
    });
  });

  it('a record without SPS or PPS reads (a checker reports it); the size is then unknown', () => {
    expect(readAvcConfig(record([], [PPS]))).toMatchObject({ spsCount: 0, ppsCount: 1, width: undefined });
    expect(readAvcConfig(record([SPS], []))).toMatchObject({ spsCount: 1, ppsCount: 0 });
  });

  it('truncated, wrong version, an SPS that runs past the record: MESSAGE_BAD_CODEC_CONFIG', () => {
    const whole = record([SPS], [PPS]);
    for (const bad of [whole.subarray(0, 4), Uint8Array.of(0, ...whole.subarray(1)), whole.subarray(0, 12)])
      expect(code(() => readAvcConfig(bad))).toBe('MESSAGE_BAD_CODEC_CONFIG');
  });

  it('any bytes: a config or MESSAGE_BAD_CODEC_CONFIG', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 40 }), (head, sps) => {
        for (const bytes of [head, record([Uint8Array.of(0x67, ...sps)], [PPS])]) {
          const result = code(() => readAvcConfig(bytes));
          expect(['no error', 'MESSAGE_BAD_CODEC_CONFIG']).toContain(result);
        }
      }),
    );
  });
});

describe('readAacConfig', () => {
  it('AAC LC 44.1 kHz stereo; an explicit rate; an escaped object type', () => {
    expect(readAacConfig(Uint8Array.of(0x12, 0x10))).toEqual({
      objectType: 2,
      sampleRate: 44100,
      channelConfig: 2,
    });
    // object type 2, index 15, 24-bit rate 22050, 1 channel
    expect(readAacConfig(Uint8Array.of(0x17, 0x80, 0x2b, 0x11, 0x08))).toEqual({
      objectType: 2,
      sampleRate: 22050,
      channelConfig: 1,
    });
    expect(readAacConfig(Uint8Array.of(0xf8, 0x28, 0x40)).objectType).toBe(32 + 1);
  });

  it('short, object type 0, reserved rate index, reserved channels: MESSAGE_BAD_CODEC_CONFIG', () => {
    for (const bad of [
      Uint8Array.of(0x12),
      Uint8Array.of(0x02, 0x10),
      Uint8Array.of(0x16, 0x90),
      Uint8Array.of(0x12, 0x40),
    ])
      expect(code(() => readAacConfig(bad))).toBe('MESSAGE_BAD_CODEC_CONFIG');
  });

  it('any bytes: a config or MESSAGE_BAD_CODEC_CONFIG', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), (bytes) => {
        expect(['no error', 'MESSAGE_BAD_CODEC_CONFIG']).toContain(code(() => readAacConfig(bytes)));
      }),
    );
  });
});
