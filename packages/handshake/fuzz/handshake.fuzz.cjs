// jsfuzz target: any bytes, split in two reads, into both handshake roles. Only HandshakeError may come out.
const { ClientHandshake, HandshakeError, ServerHandshake } = require('../dist/index.cjs');

exports.fuzz = (bytes) => {
  const cut = bytes.length ? bytes[0] % (bytes.length + 1) : 0;
  for (const make of [() => new ServerHandshake(), () => new ClientHandshake()]) {
    const handshake = make();
    try {
      if (handshake instanceof ClientHandshake) handshake.start();
      handshake.receive(bytes.subarray(0, cut));
      handshake.receive(bytes.subarray(cut));
    } catch (error) {
      if (!HandshakeError.isInstance(error)) throw error;
    }
  }
};
