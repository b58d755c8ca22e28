import type * as WsModule from 'ws';

/** ws's frame builder: exported by ws (`ws.Sender`) but absent from its type declarations. */
interface FrameBuilder {
  frame(
    data: Uint8Array,
    options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean },
  ): Uint8Array[];
}

let loaded: Promise<{ WebSocketServer: typeof WsModule.WebSocketServer }> | undefined;
let sender: FrameBuilder | undefined;

/**
 * The `ws` module, loaded on the first WebSocket upgrade: a server without WebSocket viewers does
 * not pay for it (about 8 MB of RSS at rest).
 */
export function loadWs(): Promise<{ WebSocketServer: typeof WsModule.WebSocketServer }> {
  loaded ??= import('ws').then((module) => {
    // ws's ES module wrapper has named exports; a bundle of its CommonJS build has them on default.
    const namespace = module as unknown as Record<string, unknown> & { default?: Record<string, unknown> };
    const pick = <T>(name: string) => (namespace[name] ?? namespace.default?.[name]) as T;
    sender = pick<FrameBuilder>('Sender');
    return { WebSocketServer: pick<typeof WsModule.WebSocketServer>('WebSocketServer') };
  });
  return loaded;
}

const BINARY = 2;
const OPTIONS = { fin: true, opcode: BINARY, mask: false, readOnly: false, rsv1: false };

/**
 * One unmasked binary WebSocket frame carrying `payload` as one piece, framed by ws itself: built
 * once per message and written as it is to every WebSocket viewer, where `ws.send` would frame it
 * again for each. Only called for WebSocket viewers, so after {@link loadWs}.
 */
export function binaryFrame(payload: Uint8Array): Uint8Array {
  const [header, data] = sender!.frame(payload, OPTIONS) as [Uint8Array, Uint8Array];
  const frame = new Uint8Array(header.length + data.length);
  frame.set(header, 0);
  frame.set(data, header.length);
  return frame;
}
