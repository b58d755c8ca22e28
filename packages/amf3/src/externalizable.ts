/**
 * IExternalizable support: an object whose traits say "externalizable" carries a body only its
 * class knows how to read, with no length, so the decoder needs a reader per class name.
 * @packageDocumentation
 */

/** What a class's reader can read from an externalizable body (ActionScript's IDataInput). */
export interface Amf3Input {
  /** One AMF3 value, with the decode call's reference tables. */
  readValue(): unknown;
  readUint8(): number;
  readUint16(): number;
  readInt32(): number;
  readUint32(): number;
  readDouble(): number;
  /** A UTF-8 string with a 16-bit length prefix (IDataInput.readUTF). */
  readUTF(): string;
  /** `length` raw bytes (a copy). */
  readBytes(length: number): Uint8Array;
}

/** Reads the externalizable body of one class. Its result is the object's plain value. */
export type Amf3ExternalReader = (input: Amf3Input) => unknown;

/**
 * Readers built in: Flex's `ArrayCollection`, `ArrayList` and `ObjectProxy`, whose body is one AMF3
 * value (the source array, or the proxied object), which is also their plain value.
 */
export const FLEX_EXTERNALIZABLES: Readonly<Record<string, Amf3ExternalReader>> = Object.freeze({
  'flex.messaging.io.ArrayCollection': (input) => input.readValue(),
  'flex.messaging.io.ArrayList': (input) => input.readValue(),
  'flex.messaging.io.ObjectProxy': (input) => input.readValue(),
});
