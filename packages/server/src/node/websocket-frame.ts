import * as ws from 'ws';

/** ws's frame builder: exported by ws (`ws.Sender`) but absent from its type declarations. */
interface FrameBuilder {
  frame(
    data: Uint8Array,
    options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean },
  ): Uint8Array[];
}
const { Sender } = ws as unknown as { Sender: FrameBuilder };

const BINARY = 2;
const OPTIONS = { fin: true, opcode: BINARY, mask: false, readOnly: false, rsv1: false };

/**
 * One unmasked binary WebSocket frame carrying `payload` as one piece, framed by ws itself: built
 * once per message and written as it is to every WebSocket viewer, where `ws.send` would frame it
 * again for each.
 */
export function binaryFrame(payload: Uint8Array): Uint8Array {
  const [header, data] = Sender.frame(payload, OPTIONS) as [Uint8Array, Uint8Array];
  const frame = new Uint8Array(header.length + data.length);
  frame.set(header, 0);
  frame.set(data, header.length);
  return frame;
}
