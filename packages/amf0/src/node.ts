/**
 * The lossless view of AMF0: one node per encoded value, keeping everything plain JavaScript
 * values lose (object vs ECMA array vs strict array, undefined vs null vs unsupported, string vs
 * long string, key order and duplicate keys, the date time-zone field, the XML document and typed
 * object markers, -0, NaN payloads, boolean bytes other than 0/1), so that encoding a decoded node
 * gives back the same bytes.
 * @packageDocumentation
 */

/** Ordered object properties, duplicates included, exactly as they were on the wire. */
export type Amf0Entries = Array<[key: string, value: Amf0Node]>;

/** 0x00: an IEEE-754 double. `raw` holds the 8 bytes of a NaN whose payload is not the canonical one. */
export interface Amf0NumberNode {
  type: 'number';
  value: number;
  raw?: Uint8Array;
}
/** 0x01. `raw` holds the byte when it was neither 0 nor 1. */
export interface Amf0BooleanNode {
  type: 'boolean';
  value: boolean;
  raw?: number;
}
/** 0x02 (`string`, 16-bit length), 0x0C (`long-string`, 32-bit length), 0x0F (`xml-document`). */
export interface Amf0StringNode {
  type: 'string' | 'long-string' | 'xml-document';
  value: string;
}
/** 0x03 anonymous object. `unterminated` marks an object accepted without its end marker. */
export interface Amf0ObjectNode {
  type: 'object';
  entries: Amf0Entries;
  unterminated?: boolean;
}
/** 0x08 ECMA array. `count` is the declared count, which peers often get wrong. */
export interface Amf0EcmaArrayNode {
  type: 'ecma-array';
  count: number;
  entries: Amf0Entries;
  unterminated?: boolean;
}
/** 0x10 typed object: a class name and properties. */
export interface Amf0TypedObjectNode {
  type: 'typed-object';
  className: string;
  entries: Amf0Entries;
  unterminated?: boolean;
}
/** 0x0A strict array. */
export interface Amf0StrictArrayNode {
  type: 'strict-array';
  items: Amf0Node[];
}
/** 0x0B date: milliseconds since the epoch plus the signed 16-bit time-zone field. */
export interface Amf0DateNode {
  type: 'date';
  value: number;
  timezone: number;
  raw?: Uint8Array;
}
/** 0x07 reference to the `index`-th complex value of the same decode call. */
export interface Amf0ReferenceNode {
  type: 'reference';
  index: number;
}
/** 0x05, 0x06 and 0x0D: markers without a body. */
export interface Amf0EmptyNode {
  type: 'null' | 'undefined' | 'unsupported';
}

/** Any AMF0 value in its lossless form. */
export type Amf0Node =
  | Amf0NumberNode
  | Amf0BooleanNode
  | Amf0StringNode
  | Amf0ObjectNode
  | Amf0EcmaArrayNode
  | Amf0TypedObjectNode
  | Amf0StrictArrayNode
  | Amf0DateNode
  | Amf0ReferenceNode
  | Amf0EmptyNode;
