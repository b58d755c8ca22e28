/**
 * The lossless view of AMF3: one node per encoded value, keeping what plain JavaScript values lose
 * (integer vs double, XML vs XML document, traits and class names, sealed vs dynamic members, which
 * objects and traits were sent as references, array associative parts, vector fixed flags and
 * object-vector type names, dictionary weak keys, NaN payloads), so that encoding a decoded node
 * gives back the same bytes.
 *
 * Strings are kept as values: the encoder sends a string as a reference whenever it is already in
 * the string table, as the spec asks and as Flash Player, AIR and Red5 do. Input that sent
 * a repeated string inline again (legal, wasteful) is re-encoded with the reference instead.
 * @packageDocumentation
 */

/** Ordered name/value pairs: dynamic members of an object, the associative part of an array. */
export type Amf3Entries = Array<[key: string, value: Amf3Node]>;

/** The traits of an object (spec §3.12): its class, its sealed member names and its kind. */
export interface Amf3Traits {
  /** The class name; `''` for an anonymous object. */
  className: string;
  /** Whether the object carries dynamic members after its sealed ones. */
  dynamic: boolean;
  /** Whether its body is written by the class itself (IExternalizable) rather than as members. */
  externalizable: boolean;
  /** Sealed member names, in order. */
  members: string[];
}

/** 0x00-0x03: markers without a body. */
export interface Amf3EmptyNode {
  type: 'undefined' | 'null' | 'false' | 'true';
}
/** 0x04: a 29-bit signed integer. */
export interface Amf3IntegerNode {
  type: 'integer';
  value: number;
}
/** 0x05: an IEEE-754 double. `raw` holds the 8 bytes of a NaN whose payload is not the canonical one. */
export interface Amf3DoubleNode {
  type: 'double';
  value: number;
  raw?: Uint8Array;
}
/** 0x06 string, 0x07 XML document, 0x0B XML (E4X). */
export interface Amf3StringNode {
  type: 'string' | 'xml-document' | 'xml';
  value: string;
}
/** 0x08: milliseconds since the epoch (UTC). */
export interface Amf3DateNode {
  type: 'date';
  value: number;
}
/** 0x09: a dense part and an associative part, either possibly empty. */
export interface Amf3ArrayNode {
  type: 'array';
  associative: Amf3Entries;
  dense: Amf3Node[];
}
/**
 * 0x0A: an object. `traitsIndex` is set when the traits were sent as a reference to an earlier
 * object's. An externalizable object has `external` (what its reader read, in order: AMF3 values
 * and raw bytes) instead of members.
 */
export interface Amf3ObjectNode {
  type: 'object';
  traits: Amf3Traits;
  traitsIndex?: number;
  /** Sealed member values, one per `traits.members` name. */
  sealed: Amf3Node[];
  /** Dynamic members (only when `traits.dynamic`). */
  dynamic: Amf3Entries;
  external?: Array<Amf3Node | Uint8Array>;
}
/** 0x0C: raw bytes (ActionScript ByteArray). */
export interface Amf3ByteArrayNode {
  type: 'byte-array';
  value: Uint8Array;
}
/** 0x0D-0x0F: vectors of int, uint and double. `fixed` is the vector's fixed-length flag. */
export interface Amf3NumberVectorNode {
  type: 'vector-int' | 'vector-uint' | 'vector-double';
  fixed: boolean;
  items: Int32Array | Uint32Array | Float64Array;
}
/** 0x10: a vector of objects of class `className` (`'*'` for any). */
export interface Amf3ObjectVectorNode {
  type: 'vector-object';
  fixed: boolean;
  className: string;
  items: Amf3Node[];
}
/** 0x11: a dictionary; keys may be any value. */
export interface Amf3DictionaryNode {
  type: 'dictionary';
  weakKeys: boolean;
  entries: Array<[key: Amf3Node, value: Amf3Node]>;
}
/** A reference to the `index`-th complex value (object table) of the same decode call. */
export interface Amf3ReferenceNode {
  type: 'reference';
  index: number;
}

/** Any AMF3 value in its lossless form. */
export type Amf3Node =
  | Amf3EmptyNode
  | Amf3IntegerNode
  | Amf3DoubleNode
  | Amf3StringNode
  | Amf3DateNode
  | Amf3ArrayNode
  | Amf3ObjectNode
  | Amf3ByteArrayNode
  | Amf3NumberVectorNode
  | Amf3ObjectVectorNode
  | Amf3DictionaryNode
  | Amf3ReferenceNode;
