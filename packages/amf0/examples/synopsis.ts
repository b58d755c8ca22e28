import { Amf0Error, decodeAll, decodeAllNodes, encodeAll, encodeAllNodes } from '@rtmp/amf0';

// A `connect` command body, as an RTMP publisher sends it.
const body = encodeAll([
  'connect',
  1,
  {
    app: 'live',
    type: 'nonprivate',
    flashVer: 'FMLE/3.0 (compatible; FMSc/1.0)',
    tcUrl: 'rtmp://localhost/live',
  },
]);

// Plain JavaScript values for everyday use.
const [name, transactionId, commandObject] = decodeAll(body);
console.log(name, transactionId, commandObject);

// Lossless nodes keep markers, key order and every byte: re-encoding is exact.
const nodes = decodeAllNodes(body);
console.log(nodes[2]?.type, Buffer.from(encodeAllNodes(nodes)).equals(body));

// Bad bytes give a typed error with a stable code and the byte offset.
try {
  decodeAll(body.subarray(0, 30));
} catch (error) {
  if (error instanceof Amf0Error) console.log(error.code, error.offset);
}
