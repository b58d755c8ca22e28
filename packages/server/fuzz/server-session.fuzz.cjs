// jsfuzz target: a whole ServerSession after a real handshake, fed any bytes, accepting every
// request. It must never throw: bad input is a 'protocol-error' event.
const { ClientHandshake } = require('@rtmp/handshake');
const { ServerSession } = require('../dist/index.cjs');

const c0c1 = new ClientHandshake().start();
const C2 = new Uint8Array(1536);

exports.fuzz = (bytes) => {
  const session = new ServerSession();
  const feed = (chunk) => {
    for (const event of session.receive(chunk).events)
      if (event.type.endsWith('-request') && session.state !== 'closed') session.accept(event.requestId);
  };
  feed(c0c1);
  feed(C2); // the server never checks C2
  feed(bytes);
};
