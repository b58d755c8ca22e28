/** Bytes as lowercase hex, for comparing payloads in assertions with a readable diff. */
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Bytes from hex text; spaces, newlines and `|` (field separators in vectors) are ignored. */
export const fromHex = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text.replace(/[\s|]+/g, ''), 'hex'));
