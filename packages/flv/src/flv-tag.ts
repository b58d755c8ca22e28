/** FLV TagType values (FLV 10.1 E.4.1; Enhanced RTMP v2 adds 15, script data in AMF3 form). */
export const FlvTagType = { Audio: 8, Video: 9, ScriptData: 18, ScriptDataAmf3: 15 } as const;
/** One of the values of {@link FlvTagType}. */
export type FlvTagType = (typeof FlvTagType)[keyof typeof FlvTagType];

/** The FLV file header (FLV 10.1 E.2). */
export interface FlvHeader {
  readonly version: number;
  readonly hasAudio: boolean;
  readonly hasVideo: boolean;
}

/**
 * One tag. `body` is exactly what an RTMP audio (8), video (9) or data (18) message carries.
 * `timestamp` is the SI32 tag timestamp (24 bits + the extended byte) in ms.
 */
export interface FlvTag {
  readonly type: FlvTagType;
  readonly timestamp: number;
  readonly body: Uint8Array;
}

/** A tag as the reader delivers it, with its position in the file (for indexes and seeking). */
export interface ReadFlvTag extends FlvTag {
  /** File offset of the tag's first header byte. */
  readonly offset: number;
}

/** Size of the file header plus PreviousTagSize0. */
export const FLV_HEADER_SIZE = 13;
/** Size of a tag header. */
export const FLV_TAG_HEADER_SIZE = 11;
/** Largest tag the reader accepts by default. */
export const DEFAULT_MAX_TAG_SIZE = 16 * 1024 * 1024;
