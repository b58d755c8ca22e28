import { Amf3Error, decode, decodeNode, encode, encodeNode } from '@rtmp/amf3';

// A connect command object as a Flash Player client in AMF3 mode sends it.
const bytes = encode({ app: 'live', flashVer: 'WIN 32,0,0,465', objectEncoding: 3 });

// Plain JavaScript values for everyday use.
console.log(decode(bytes));

// Lossless nodes keep traits, class names and references: re-encoding is exact.
const node = decodeNode(bytes);
console.log(node.type, Buffer.from(encodeNode(node)).equals(bytes));

// Repeated objects are written once and referred to; cycles survive.
const stream: { name: string; self?: unknown } = { name: 'cam1' };
stream.self = stream;
const back = decode(encode([stream, stream])) as Array<typeof stream>;
console.log(back[0] === back[1], back[0]?.self === back[0]);

// Bad bytes give a typed error with a stable code and the byte offset.
try {
  decode(bytes.subarray(0, 10));
} catch (error) {
  if (error instanceof Amf3Error) console.log(error.code, error.offset);
}
