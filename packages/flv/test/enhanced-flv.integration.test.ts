// Enhanced FLV v2 as FFmpeg 8.1 writes it (multitrack, HEVC and Opus FourCCs): read by us tag for
// tag, written back by us, and read again by FFmpeg 8.1 with every track and every packet.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFlvWriter, isKeyframeBody, keyframeIndex, type ReadFlvTag, readFlv } from '@rtmp/flv';
import {
  demuxWithFfmpeg8,
  modernMedia,
  packetsPerStream,
  peerAvailable,
  publishWithFfmpeg8,
} from '@rtmp/test-helpers';
import { afterAll, describe, expect, it } from 'vitest';

const work = mkdtempSync(join(tmpdir(), 'flv-enhanced-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!peerAvailable('ffmpeg'))('Enhanced FLV v2 (FFmpeg 8.1)', () => {
  it('a multitrack file (H.264 + HEVC, AAC + Opus) is read tag for tag and written back; FFmpeg 8.1 reads our copy with every track, packets identical', async () => {
    const source = await modernMedia({ video: ['h264', 'hevc'], audio: ['aac', 'opus'] });
    const theirs = join(work, 'ffmpeg.flv');
    await publishWithFfmpeg8(source, theirs, { realtime: false });

    const tags: ReadFlvTag[] = [];
    for await (const item of readFlv(theirs)) if (item.kind === 'tag') tags.push(item.tag);
    const ours = join(work, 'ours.flv');
    const writer = createFlvWriter(ours, { hasAudio: true, hasVideo: true });
    for (const tag of tags) await writer.write({ type: tag.type, timestamp: tag.timestamp, body: tag.body });
    await writer.close();

    const [original, copy] = [await demuxWithFfmpeg8(theirs), await demuxWithFfmpeg8(ours)];
    expect(copy.streams.map((s) => s.codec)).toEqual(['h264', 'hevc', 'aac', 'opus']);
    expect(copy.streams).toEqual(original.streams);
    expect(packetsPerStream(copy)).toEqual(packetsPerStream(original));

    // Keyframes are track 0's: the HEVC track's multitrack keyframes do not count twice.
    const video = tags.filter((tag) => tag.type === 9);
    const multitrackKeys = video.filter((tag) => tag.body[0] === 0x96 && (tag.body[1]! & 0x0f) !== 0);
    expect(multitrackKeys.length).toBeGreaterThan(0);
    expect(multitrackKeys.some((tag) => isKeyframeBody(tag.body))).toBe(false);
    const h264Keys = original.packets.filter((p) => p.stream === 0 && p.keyframe).length;
    expect(keyframeIndex(tags)).toHaveLength(h264Keys);
  });
});
