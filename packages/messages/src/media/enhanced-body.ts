import { MessageError } from '../errors';

// The parts of an Enhanced RTMP audio or video body that both share (../shared/rtmp-notes.md §9.4,
// §9.5): ModEx prefixes, then one track or a multitrack list.

/**
 * ModEx prefixes read before a media message is refused (`MESSAGE_BAD_MODEX`). The spec defines
 * one modifier (TimestampOffsetNano), so a real message has one or two; a chain of thousands in a
 * big message is an attack on the parser's time.
 */
export const MAX_MODEX_PREFIXES = 8;

/** How tracks are packed in a multitrack message. */
export type MultitrackType = 'one-track' | 'many-tracks' | 'many-tracks-many-codecs';
const MULTITRACK_TYPES: readonly MultitrackType[] = ['one-track', 'many-tracks', 'many-tracks-many-codecs'];

/** One track of an enhanced body: its id, codec and bytes (a view of the payload). */
export interface RawTrack {
  readonly trackId: number;
  readonly fourCc: string;
  readonly body: Uint8Array;
}

export interface EnhancedBody {
  /** The packet type once ModEx prefixes are removed (and, for multitrack, the tracks' type). */
  readonly packetType: number;
  readonly timestampOffsetNanoseconds: number;
  readonly multitrack: MultitrackType | undefined;
  readonly tracks: readonly RawTrack[];
}

/** A cursor over a media payload that fails with MESSAGE_TRUNCATED instead of reading past the end. */
export class MediaReader {
  at = 1;
  constructor(
    readonly payload: Uint8Array,
    readonly typeId: number,
  ) {}

  need(count: number, what: string): void {
    if (this.payload.length - this.at < count) {
      throw new MessageError(
        'MESSAGE_TRUNCATED',
        `${what} runs past the end of a ${this.payload.length}-byte media payload`,
        {
          typeId: this.typeId,
        },
      );
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.payload[this.at++]!;
  }

  u24(what: string): number {
    this.need(3, what);
    const p = this.payload;
    const value = (p[this.at]! << 16) | (p[this.at + 1]! << 8) | p[this.at + 2]!;
    this.at += 3;
    return value;
  }

  fourCc(): string {
    this.need(4, 'a FourCC');
    const p = this.payload;
    for (let i = this.at; i < this.at + 4; i++) {
      if (p[i]! < 0x20 || p[i]! > 0x7e) {
        throw new MessageError(
          'MESSAGE_BAD_FOURCC',
          `a FourCC must be four printable ASCII characters, got byte ${p[i]} at ${i}`,
          {
            typeId: this.typeId,
          },
        );
      }
    }
    const value = String.fromCharCode(p[this.at]!, p[this.at + 1]!, p[this.at + 2]!, p[this.at + 3]!);
    this.at += 4;
    return value;
  }

  bytes(count: number, what: string): Uint8Array {
    this.need(count, what);
    const view = this.payload.subarray(this.at, this.at + count);
    this.at += count;
    return view;
  }
}

/**
 * Reads ModEx prefixes and the track layout that follow the first byte, given its packet type.
 * `multitrackType` is the packet type value meaning Multitrack (6 for video, 5 for audio).
 */
export function readEnhancedBody(
  reader: MediaReader,
  firstPacketType: number,
  multitrackType: number,
): EnhancedBody {
  let packetType = firstPacketType;
  let timestampOffsetNanoseconds = 0;
  let prefixes = 0;
  while (packetType === 7) {
    if (++prefixes > MAX_MODEX_PREFIXES) {
      throw new MessageError(
        'MESSAGE_BAD_MODEX',
        `more than ${MAX_MODEX_PREFIXES} ModEx prefixes in one media message`,
        { typeId: reader.typeId },
      );
    }
    // ModEx: u8 (size - 1), or 0xFF and u16 (size - 1); data; then modExType << 4 | next packet type.
    let size = reader.u8('a ModEx size') + 1;
    if (size === 256) size = ((reader.u8('a ModEx size') << 8) | reader.u8('a ModEx size')) + 1;
    const data = reader.bytes(size, 'ModEx data');
    const next = reader.u8('a ModEx type');
    if (next >> 4 === 0 && data.length >= 3)
      timestampOffsetNanoseconds = (data[0]! << 16) | (data[1]! << 8) | data[2]!;
    packetType = next & 0x0f;
  }
  if (packetType !== multitrackType) {
    const fourCc = reader.fourCc();
    return {
      packetType,
      timestampOffsetNanoseconds,
      multitrack: undefined,
      tracks: [{ trackId: 0, fourCc, body: reader.payload.subarray(reader.at) }],
    };
  }
  const layout = reader.u8('a multitrack type');
  const multitrack = MULTITRACK_TYPES[layout >> 4] ?? 'many-tracks-many-codecs';
  packetType = layout & 0x0f;
  const shared = multitrack === 'many-tracks-many-codecs' ? undefined : reader.fourCc();
  const tracks: RawTrack[] = [];
  do {
    const fourCc = shared ?? reader.fourCc();
    const trackId = reader.u8('a track id');
    const size = multitrack === 'one-track' ? reader.payload.length - reader.at : reader.u24('a track size');
    tracks.push({ trackId, fourCc, body: reader.bytes(size, 'a track') });
  } while (multitrack !== 'one-track' && reader.at < reader.payload.length);
  return { packetType, timestampOffsetNanoseconds, multitrack, tracks };
}
