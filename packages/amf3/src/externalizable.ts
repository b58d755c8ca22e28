/**
 * IExternalizable support: an object whose traits say "externalizable" carries a body only its
 * class knows how to read, with no length, so the decoder needs a reader per class name.
 * @packageDocumentation
 */

/**
 * What a class's reader can read from an externalizable body: AMF3 values, UTF strings and raw
 * bytes (ActionScript's IDataInput; read its fixed-size numbers from `readBytes` with a DataView).
 */
export interface Amf3Input {
  /** One AMF3 value, with the decode call's reference tables. */
  readValue(): unknown;
  /** A UTF-8 string with a 16-bit length prefix (IDataInput.readUTF). */
  readUTF(): string;
  /** `length` raw bytes (a copy). */
  readBytes(length: number): Uint8Array;
}

/** What a class's writer can write as an externalizable body (ActionScript's IDataOutput, as {@link Amf3Input}). */
export interface Amf3Output {
  /** One AMF3 value, with the encoder's reference tables. */
  writeValue(value: unknown): void;
  /** A UTF-8 string with a 16-bit length prefix (IDataOutput.writeUTF). */
  writeUTF(text: string): void;
  writeBytes(bytes: Uint8Array): void;
}

/** Writes the externalizable body of one class, for what `classOf` names it. */
export type Amf3ExternalWriter = (value: unknown, output: Amf3Output) => void;

/** Reads the externalizable body of one class. Its result is the object's plain value. */
export type Amf3ExternalReader = (input: Amf3Input) => unknown;

const readOneValue: Amf3ExternalReader = (input) => input.readValue();

/**
 * Readers built in: Flex's `ArrayCollection`, `ArrayList` and `ObjectProxy`, whose body is one AMF3
 * value (the source array, or the proxied object), which is also their plain value.
 */
export const FLEX_EXTERNALIZABLES: Readonly<Record<string, Amf3ExternalReader>> = {
  'flex.messaging.io.ArrayCollection': readOneValue,
  'flex.messaging.io.ArrayList': readOneValue,
  'flex.messaging.io.ObjectProxy': readOneValue,
};
