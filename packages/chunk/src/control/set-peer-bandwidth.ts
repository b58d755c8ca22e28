import { ControlMessageType } from '../constants';
import type { RawMessage } from '../raw-message';
import { readControlU32 } from './read-u32';

/** Limit types of Set Peer Bandwidth (RTMP 1.0 §5.4.5). */
export const PeerBandwidthLimit = { Hard: 0, Soft: 1, Dynamic: 2 } as const;
/** One of the values of {@link PeerBandwidthLimit}. */
export type PeerBandwidthLimit = (typeof PeerBandwidthLimit)[keyof typeof PeerBandwidthLimit];

/** The peer's current output limit, as Set Peer Bandwidth messages have set it. */
export interface PeerBandwidth {
  /** Bytes the peer may send before it must see an acknowledgement from us. */
  readonly window: number;
  /** The limit type that produced it: hard or soft (a dynamic one resolves to hard). */
  readonly limitType: PeerBandwidthLimit;
}

/** Set Peer Bandwidth (type 6): window plus limit type. */
export function encodeSetPeerBandwidth(window: number, limitType: PeerBandwidthLimit): RawMessage {
  const payload = new Uint8Array(5);
  new DataView(payload.buffer).setUint32(0, window >>> 0);
  payload[4] = limitType;
  return { typeId: ControlMessageType.SetPeerBandwidth, streamId: 0, timestamp: 0, payload };
}

/**
 * Reads a Set Peer Bandwidth payload (window and raw limit-type byte).
 * @throws {@link ChunkError} `CHUNK_CONTROL_TOO_SHORT`.
 */
export function decodeSetPeerBandwidth(
  payload: Uint8Array,
  offset = 0,
): { window: number; limitType: number } {
  const window = readControlU32(payload, 'Set Peer Bandwidth', 5, offset);
  return { window, limitType: payload[4]! };
}

/**
 * The limit after a Set Peer Bandwidth (RTMP 1.0 §5.4.5): hard replaces it; soft takes the smaller
 * of the two; dynamic counts as hard if the previous limit was hard, and is ignored otherwise.
 * Unknown limit types are ignored.
 */
export function applyPeerBandwidth(
  current: PeerBandwidth | undefined,
  update: { window: number; limitType: number },
): PeerBandwidth | undefined {
  switch (update.limitType) {
    case PeerBandwidthLimit.Hard:
      return { window: update.window, limitType: PeerBandwidthLimit.Hard };
    case PeerBandwidthLimit.Soft:
      return {
        window: current === undefined ? update.window : Math.min(current.window, update.window),
        limitType: PeerBandwidthLimit.Soft,
      };
    case PeerBandwidthLimit.Dynamic:
      return current === undefined || current.limitType === PeerBandwidthLimit.Hard
        ? { window: update.window, limitType: PeerBandwidthLimit.Hard }
        : current;
    default:
      return current;
  }
}
