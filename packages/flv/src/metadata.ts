import { Amf0Error, decodeAll, encodeAll } from '@rtmp/amf0';
import { type FlvTag, FlvTagType } from './flv-tag';

/**
 * The onMetaData object of a script data tag body (`"onMetaData", {...}`), or `undefined` for any
 * other script tag or one that does not decode.
 */
export function readMetadata(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    const [name, value] = decodeAll(body, { maxReferences: 0 });
    if (name !== 'onMetaData' || value === null || typeof value !== 'object' || Array.isArray(value))
      return undefined;
    return value as Record<string, unknown>;
  } catch (error) {
    if (Amf0Error.isInstance(error)) return undefined;
    throw error;
  }
}

/** A script data tag carrying `"onMetaData", metadata` as an ECMA array, as FFmpeg writes it. */
export function metadataTag(metadata: Readonly<Record<string, unknown>>, timestamp = 0): FlvTag {
  return {
    type: FlvTagType.ScriptData,
    timestamp,
    body: encodeAll(['onMetaData', new Map(Object.entries(metadata))]),
  };
}
