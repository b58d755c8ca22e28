/**
 * AMF0 (Action Message Format 0) encoder and decoder, as RTMP command and data messages and FLV
 * script tags use it. Zero dependencies, `Uint8Array` in and out.
 *
 * Wire form (AMF0 spec §2): every value is a one-byte marker followed by its body, big-endian.
 * ```
 *  02 0007 "connect"   00 3FF0000000000000   03 0003 "app" 02 0004 "live" 000009
 *  string              number 1.0            object { app: "live" }      end
 * ```
 *
 * Two views of the same bytes: plain JavaScript values ({@link decode}, {@link encode}) for
 * everyday use, and lossless nodes ({@link decodeNode}, {@link encodeNode}) that re-encode to the
 * identical bytes.
 * @packageDocumentation
 */

// Constants and limits
export {
  DEFAULT_MAX_ARRAY_LENGTH,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_PROPERTIES,
  DEFAULT_MAX_REFERENCES,
  DEFAULT_MAX_STRING_LENGTH,
  MAX_SHORT_STRING_LENGTH,
} from './constants';
export type { Amf0DecoderOptions } from './decoder';
// Decoding
export { Amf0Decoder, decode, decodeAll, decodeAllNodes, decodeNode } from './decoder';
export type { Amf0EncoderOptions } from './encoder';
// Encoding
export { Amf0Encoder, encode, encodeAll, encodeAllNodes, encodeNode } from './encoder';
export type { Amf0EncodeErrorCode, Amf0ErrorCode } from './errors';

// Errors
export { Amf0EncodeError, Amf0Error } from './errors';
// Lossless nodes
export type {
  Amf0BooleanNode,
  Amf0DateNode,
  Amf0EcmaArrayNode,
  Amf0EmptyNode,
  Amf0Entries,
  Amf0Node,
  Amf0NumberNode,
  Amf0ObjectNode,
  Amf0ReferenceNode,
  Amf0StrictArrayNode,
  Amf0StringNode,
  Amf0TypedObjectNode,
} from './node';
