// FLV files written by Debian's ffmpeg, read tag for tag and compared with ffprobe; files we write,
// read back by ffprobe and ffmpeg.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFlvWriter, FlvReader, keyframeIndex, type ReadFlvTag, readFlv, readMetadata } from '@rtmp/flv';
import { peerAvailable, runProcess, sampleFlv } from '@rtmp/test-helpers';
import { afterAll, describe, expect, it } from 'vitest';

const work = mkdtempSync(join(tmpdir(), 'flv-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function tagsOf(file: string): ReadFlvTag[] {
  const reader = new FlvReader();
  reader.push(readFileSync(file));
  const tags: ReadFlvTag[] = [];
  for (let item = reader.next(); item; item = reader.next()) if (item.kind === 'tag') tags.push(item.tag);
  expect(reader.end()).toBeUndefined();
  return tags;
}

/** ffprobe's packets: type, dts (ms), size, keyframe flag. */
async function probePackets(file: string) {
  const { stdout } = await runProcess('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'packet=codec_type,dts,size,flags',
    '-of',
    'csv=p=0',
    file,
  ]);
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [type, dts, size, flags] = line.split(',');
      return { type: type!, dts: Number(dts), size: Number(size), key: flags!.startsWith('K') };
    });
}

/** The packets a tag list holds, the way ffprobe counts them (codec configuration is not a packet). */
function packetsOf(tags: ReadFlvTag[]) {
  return tags.flatMap((tag) => {
    if (tag.type === 9 && tag.body[1] === 1)
      return [{ type: 'video', dts: tag.timestamp, size: tag.body.length - 5, key: tag.body[0]! >> 4 === 1 }];
    if (tag.type === 8 && tag.body[1] === 1)
      return [{ type: 'audio', dts: tag.timestamp, size: tag.body.length - 2, key: true }];
    return [];
  });
}

const byTypeThenDts = (a: { type: string; dts: number }, b: { type: string; dts: number }) =>
  a.type.localeCompare(b.type) || a.dts - b.dts;

describe.skipIf(!peerAvailable('ffmpeg') || !peerAvailable('ffprobe', 'ffmpeg'))(
  'files written by ffmpeg',
  () => {
    const variants = [
      { name: 'H.264 + AAC with onMetaData', options: {} },
      { name: 'audio only', options: { video: false } },
      { name: 'video only', options: { audio: false } },
      { name: 'without onMetaData', options: { metadata: false } },
    ] as const;

    for (const { name, options } of variants) {
      it(`${name}: every tag read, packets equal ffprobe's (size, dts, keyframe flag)`, async () => {
        const file = await sampleFlv({ seconds: 2, ...options });
        const tags = tagsOf(file);
        const packets = packetsOf(tags).sort(byTypeThenDts);
        expect(packets).toEqual((await probePackets(file)).sort(byTypeThenDts));
        const metadata = tags.find((t) => t.type === 18);
        if ('metadata' in options) expect(metadata).toBeUndefined();
        else
          expect(readMetadata(metadata!.body)).toMatchObject({
            duration: expect.closeTo(2, 0),
            encoder: expect.stringMatching(/^Lavf/),
          });
      });
    }

    it('the keyframe index matches ffprobe’s keyframes', async () => {
      const file = await sampleFlv({ seconds: 3 });
      const keyframes = (await probePackets(file))
        .filter((p) => p.type === 'video' && p.key)
        .map((p) => p.dts);
      expect(keyframeIndex(tagsOf(file)).map((k) => k.timestamp)).toEqual(keyframes);
    });

    it('a file we write is read by ffprobe, and ffmpeg sees the same packets (framemd5)', async () => {
      const source = await sampleFlv({ seconds: 2 });
      const copy = join(work, 'copy.flv');
      const writer = createFlvWriter(copy, { hasAudio: true, hasVideo: true });
      for await (const item of readFlv(source)) if (item.kind === 'tag') await writer.write(item.tag);
      await writer.close();
      const framemd5 = async (file: string) =>
        (await runProcess('ffmpeg', ['-v', 'error', '-i', file, '-c', 'copy', '-f', 'framemd5', '-'])).stdout
          .split('\n')
          .filter((l) => !l.startsWith('#'));
      expect(await framemd5(copy)).toEqual(await framemd5(source));
      expect((await probePackets(copy)).length).toBe((await probePackets(source)).length);
    });

    it('a file cut by a crashed recorder: every complete tag, then a warning; ffprobe agrees on what is there', async () => {
      const source = readFileSync(await sampleFlv({ seconds: 2 }));
      const cut = join(work, 'cut.flv');
      writeFileSync(cut, source.subarray(0, Math.floor(source.length * 0.6)));
      const items = [];
      for await (const item of readFlv(cut)) items.push(item);
      const warning = items.at(-1);
      expect(warning).toMatchObject({ kind: 'warning', warning: { code: 'FLV_TRUNCATED' } });
      const tags = items.flatMap((i) => (i.kind === 'tag' ? [i.tag] : []));
      // ffprobe also shows the cut tag's partial packet; everything complete is the same.
      const ours = packetsOf(tags);
      const probed = await probePackets(cut);
      expect(probed.length - ours.length).toBeLessThanOrEqual(1);
      for (const packet of ours) expect(probed).toContainEqual(packet);
    });
  },
);

describe('createFlvWriter on a failing file', () => {
  it('F9: a file that cannot be opened or a full disk: writes and close reject, nothing is thrown', async () => {
    const tag = { type: 9 as const, timestamp: 0, body: Uint8Array.of(0x17, 1, 0, 0, 0) };
    const missing = createFlvWriter(join(work, 'no-such-dir', 'x.flv'), { hasAudio: false, hasVideo: true });
    await expect(missing.close()).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(missing.write(tag)).rejects.toMatchObject({ code: 'ENOENT' });
    // /dev/full: every write fails with ENOSPC, as on a full disk.
    const full = createFlvWriter('/dev/full', { hasAudio: false, hasVideo: true });
    const big = { ...tag, body: new Uint8Array(1 << 20) };
    await expect(
      (async () => {
        for (let i = 0; i < 100; i++) await full.write(big);
      })(),
    ).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(full.close()).rejects.toMatchObject({ code: 'ENOSPC' });
  });
});
