/**
 * A numbered AVC-looking video frame (an AVC NALU packet, not decodable) for tests that follow
 * frames through a server: a keyframe every `keyframeEvery` frames, `index` as a u32 at byte 5.
 */
export function numberedFrame(index: number, { size = 64, keyframeEvery = 30 } = {}): Uint8Array {
  const body = new Uint8Array(size);
  body.set([index % keyframeEvery === 0 ? 0x17 : 0x27, 1, 0, 0, 0]);
  new DataView(body.buffer).setUint32(5, index);
  return body;
}

/** The index of a {@link numberedFrame}; -1 for anything else that is not a NALU packet (a configuration record). */
export function frameNumber(payload: Uint8Array): number {
  return payload[1] === 1 ? new DataView(payload.buffer, payload.byteOffset).getUint32(5) : -1;
}
