/** Deepest nesting of objects and arrays accepted by default (a top-level object is depth 1). */
export const DEFAULT_MAX_DEPTH = 16;
/** Longest long string (0x0C) or XML document (0x0F) accepted by default, in UTF-8 bytes. */
export const DEFAULT_MAX_STRING_LENGTH = 8 * 1024 * 1024;
/** Most elements accepted in one strict array by default. */
export const DEFAULT_MAX_ARRAY_LENGTH = 65_536;
/** Most properties accepted in one object, ECMA array or typed object by default. */
export const DEFAULT_MAX_PROPERTIES = 65_536;
/** Most reference markers (0x07) accepted in one decode call by default; 0 rejects them all. */
export const DEFAULT_MAX_REFERENCES = 1024;

/** Longest string that fits the 16-bit length of a 0x02 string or an object key. */
export const MAX_SHORT_STRING_LENGTH = 0xffff;
