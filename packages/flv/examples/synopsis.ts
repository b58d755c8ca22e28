import { createFlvWriter, keyframeIndex, type ReadFlvTag, readFlv, readMetadata } from '@rtmp/flv';

// Copy the video of an FLV file into a new one, and report its metadata and keyframes.
export async function copyVideo(input: string, output: string) {
  const writer = createFlvWriter(output, { hasAudio: false, hasVideo: true });
  const tags: ReadFlvTag[] = [];
  let metadata: Record<string, unknown> | undefined;
  for await (const item of readFlv(input)) {
    if (item.kind === 'warning') console.warn(item.warning.message); // a cut file: keep what was read
    if (item.kind !== 'tag') continue;
    if (item.tag.type === 18) metadata ??= readMetadata(item.tag.body);
    if (item.tag.type !== 9) continue;
    tags.push(item.tag);
    await writer.write(item.tag);
  }
  await writer.close();
  return { metadata, videoTags: tags.length, keyframes: keyframeIndex(tags).map((k) => k.timestamp) };
}

// node --import tsx examples/synopsis.ts input.flv video-only.flv
if (process.argv[1] === import.meta.filename)
  console.log(await copyVideo(process.argv[2]!, process.argv[3]!));
