/**
 * AMF3 (Action Message Format 3) encoder and decoder: the object encoding of ActionScript 3, as
 * RTMP's AMF3 command (type 17) and data (type 15) messages carry it behind AMF0's AVM+ marker
 * (0x11), and as Flash, AIR, Flex/BlazeDS and Red5 write it. Zero dependencies, `Uint8Array` in and
 * out.
 *
 * Wire form (AMF3 spec §3): a one-byte marker, then a body whose lengths, counts and references are
 * U29s (1-4 bytes, 7 bits each and 8 in the fourth). Strings, complex values and object traits are
 * written once and referred to by index afterwards.
 * ```
 *  0A 0B 01   07 "app"  06 09 "live"   01
 *  object     key       string         end of dynamic members
 *  (anonymous, dynamic traits)
 * ```
 *
 * Two views of the same bytes: plain JavaScript values ({@link decode}, {@link encode}) and lossless
 * nodes ({@link decodeNode}, {@link encodeNode}) that keep traits, references and markers.
 * @packageDocumentation
 */

export {
  DEFAULT_MAX_BYTE_ARRAY_LENGTH,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_LENGTH,
  DEFAULT_MAX_STRING_LENGTH,
  DEFAULT_MAX_TABLE_SIZE,
  MAX_INTEGER,
  MIN_INTEGER,
} from './constants';
export type { Amf3DecoderOptions } from './decoder';
export { Amf3Decoder, decode, decodeNode } from './decoder';
export type { Amf3EncoderOptions } from './encoder';
export { Amf3Encoder, encode, encodeNode } from './encoder';
export type { Amf3EncodeErrorCode, Amf3ErrorCode } from './errors';
export { Amf3EncodeError, Amf3Error } from './errors';
export type { Amf3ExternalReader, Amf3ExternalWriter, Amf3Input, Amf3Output } from './externalizable';
export { FLEX_EXTERNALIZABLES } from './externalizable';
export type {
  Amf3ArrayNode,
  Amf3ByteArrayNode,
  Amf3DateNode,
  Amf3DictionaryNode,
  Amf3DoubleNode,
  Amf3EmptyNode,
  Amf3Entries,
  Amf3IntegerNode,
  Amf3Node,
  Amf3NumberVectorNode,
  Amf3ObjectNode,
  Amf3ObjectVectorNode,
  Amf3ReferenceNode,
  Amf3StringNode,
  Amf3Traits,
} from './node';
