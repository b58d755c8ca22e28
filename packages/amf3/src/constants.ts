/** Deepest nesting of objects, arrays, vectors and dictionaries accepted by default (top level is 1). */
export const DEFAULT_MAX_DEPTH = 32;
/** Longest string, XML value or key accepted by default, in UTF-8 bytes. */
export const DEFAULT_MAX_STRING_LENGTH = 8 * 1024 * 1024;
/** Longest byte array accepted by default. */
export const DEFAULT_MAX_BYTE_ARRAY_LENGTH = 16 * 1024 * 1024;
/** Most items in one array, vector or dictionary, and most members of one object, by default. */
export const DEFAULT_MAX_LENGTH = 65_536;
/** Most entries in each of the three reference tables (strings, objects, traits) by default. */
export const DEFAULT_MAX_TABLE_SIZE = 65_536;

/** Smallest integer the 0x04 marker carries: a 29-bit two's complement value. */
export const MIN_INTEGER = -(2 ** 28);
/** Largest integer the 0x04 marker carries; larger ones are sent as doubles. */
export const MAX_INTEGER = 2 ** 28 - 1;
/** Largest value of a U29, the variable-length unsigned integer of AMF3 (spec §1.3.1). */
export const MAX_U29 = 2 ** 29 - 1;
