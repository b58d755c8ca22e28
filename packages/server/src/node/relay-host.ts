import type { RawMessage } from '@rtmp/chunk';
import { type MediaInfo, mediaInfo } from '@rtmp/messages';
import type { RequestInfo } from '../hooks';
import type { LiveStream } from '../live-stream';
import type { StreamHub } from '../stream-hub';
import type { Subscriber } from '../subscriber';
import type { PullHost } from './relay-pull';
import type { PushHub } from './relay-push';
import type { StreamSource } from './rtmp-publishing';
import type { ResolvedOptions } from './server-options';
import type { HeldWrites, WriteBatcher } from './write-batcher';

type Hub = StreamHub<StreamSource, Subscriber<HeldWrites>, HeldWrites>;

/**
 * What relays do to the server's streams: a push subscribes to its stream; a pull publishes its
 * stream and hands it what the origin sends, which is counted, cached, observed and fanned out in
 * a write batch like a local publisher's media (a message that cannot be read is dropped).
 */
export function relayHost(
  hub: Hub,
  batcher: WriteBatcher,
  options: ResolvedOptions,
): PushHub<Subscriber> & PullHost {
  return {
    subscribe: (stream, subscriber) =>
      hub.subscribe(stream as LiveStream<StreamSource, Subscriber<HeldWrites>>, subscriber),
    unsubscribe: (stream, subscriber) =>
      hub.unsubscribe(stream as LiveStream<StreamSource, Subscriber<HeldWrites>>, subscriber),
    publish: (stream, source, info: RequestInfo) =>
      hub.publish(
        stream as LiveStream<StreamSource, Subscriber<HeldWrites>>,
        { connection: source, streamId: 0, info },
        {
          replace: false,
          currentMoving: false,
        },
      ),
    unpublish: (stream, source) => {
      hub.unpublish(stream as LiveStream<StreamSource, Subscriber<HeldWrites>>, source, 0);
    },
    release: (stream) => hub.release(stream as LiveStream<StreamSource, Subscriber<HeldWrites>>),
    relay: (stream: LiveStream<StreamSource>, message: RawMessage) =>
      batcher.batch(() => {
        const live = stream as LiveStream<StreamSource, Subscriber<HeldWrites>>;
        const now = Date.now();
        let info: MediaInfo;
        try {
          info = mediaInfo(message);
          live.add(message, now, info);
        } catch {
          return;
        }
        try {
          options.observe?.message?.(live.key, message);
        } catch {
          // An observer's bug does not stop the relay.
        }
        hub.fanOut(live, message, info, now, batcher.hold(live, message.typeId === 8 && live.hasVideo));
      }),
  };
}
