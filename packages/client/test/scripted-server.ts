// A server scripted from the toolkit's own layers, sans-IO, for driving ClientSession in memory.
import { ChunkDecoder, ChunkEncoder } from '@rtmp/chunk';
import { ServerHandshake } from '@rtmp/handshake';
import {
  buildConnectRejected,
  buildConnectResult,
  buildCreateStreamResult,
  buildStatus,
  type CommandMessage,
  decodeMessage,
  encodeMessage,
  type RtmpMessage,
  StatusCode,
  type StatusInfo,
} from '@rtmp/messages';

export interface Script {
  /** Answer to connect: accept (default) or reject with this description. */
  readonly rejectConnect?: string;
  /** Status sent for publish/play (defaults: Publish.Start / Play.Start). */
  readonly publishStatus?: StatusInfo;
  readonly playStatus?: StatusInfo;
  /** Do not answer these commands at all. */
  readonly silent?: readonly string[];
}

export class ScriptedServer {
  readonly received: RtmpMessage[] = [];
  readonly #handshake = new ServerHandshake();
  readonly #decoder = new ChunkDecoder();
  readonly encoder = new ChunkEncoder();
  readonly #script: Script;

  constructor(script: Script = {}) {
    this.#script = script;
  }

  /** Feeds client bytes; returns the bytes the server answers with. */
  receive(bytes: Uint8Array): Uint8Array {
    const out: Uint8Array[] = [];
    let input = bytes;
    if (!this.#handshake.done) {
      const result = this.#handshake.receive(bytes);
      out.push(...result.send);
      if (result.status !== 'done') return Buffer.concat(out);
      input = result.remaining;
    }
    for (const raw of this.#decoder.decode(input)) {
      const message = decodeMessage(raw);
      this.received.push(message);
      if (message.type === 'command') out.push(...this.#answer(message));
    }
    return Buffer.concat(out);
  }

  /** Bytes of a message the server sends on its own. */
  send(message: RtmpMessage, csid = 3): Uint8Array {
    return Buffer.concat(this.encoder.encode(encodeMessage(message), csid));
  }

  commands(): string[] {
    return this.received.filter((m): m is CommandMessage => m.type === 'command').map((m) => m.name);
  }

  #answer(message: CommandMessage): Uint8Array[] {
    if (this.#script.silent?.includes(message.name)) return [];
    const reply = (m: RtmpMessage, csid = 3) => this.encoder.encode(encodeMessage(m), csid);
    switch (message.name) {
      case 'connect':
        if (this.#script.rejectConnect)
          return reply(buildConnectRejected(message.transactionId, this.#script.rejectConnect));
        return [
          ...reply({ type: 'window-acknowledgement-size', streamId: 0, timestamp: 0, window: 5_000_000 }, 2),
          ...reply(
            { type: 'set-peer-bandwidth', streamId: 0, timestamp: 0, window: 5_000_000, limitType: 2 },
            2,
          ),
          ...this.encoder.setChunkSize(4096),
          ...reply(buildConnectResult(message.transactionId)),
        ];
      case 'createStream':
        return reply(buildCreateStreamResult(message.transactionId, 1));
      case 'publish':
        return reply(
          buildStatus(1, this.#script.publishStatus ?? { level: 'status', code: StatusCode.PublishStart }),
          5,
        );
      case 'play':
        return reply(
          buildStatus(1, this.#script.playStatus ?? { level: 'status', code: StatusCode.PlayStart }),
          5,
        );
      default:
        return [];
    }
  }
}
