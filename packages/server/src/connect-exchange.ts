import { PeerBandwidthLimit } from '@rtmp/chunk';
import { buildConnectResult, type ConnectRequest, offersEnhancedRtmp } from '@rtmp/messages';
import { ENHANCED_RTMP_SERVER_CAPABILITIES, type ServerSessionOptions } from './server-session-options';
import { CSID, command, type Outgoing } from './stream-notices';

/** A connect waiting for the application's decision: what its answer needs. */
export interface ConnectPending {
  readonly kind: 'connect';
  readonly transactionId: number;
  readonly objectEncoding: number;
  /** The client offered Enhanced RTMP (fourCcList, an info map or capsEx). */
  readonly enhanced: boolean;
}

/** What a `connect` needs for its answer. */
export const connectPending = (transactionId: number, request: ConnectRequest): ConnectPending => ({
  kind: 'connect',
  transactionId,
  objectEncoding: request.objectEncoding ?? 0,
  enhanced: offersEnhancedRtmp(request),
});

/**
 * An accepted connect's answer, in nginx-rtmp's order: Window Acknowledgement Size and Set Peer
 * Bandwidth (`control`), Set Chunk Size (`chunkSize`, for the encoder to announce), then the
 * `_result` (with the Enhanced RTMP capabilities for a client that offered its own).
 */
export function connectAnswer(
  pending: ConnectPending,
  options: ServerSessionOptions,
): { window: number; control: Outgoing[]; chunkSize: number; result: Outgoing } {
  const window = options.windowAcknowledgementSize ?? 5_000_000;
  const header = { streamId: 0, timestamp: 0 };
  const control: Outgoing[] = [
    { message: { type: 'window-acknowledgement-size', ...header, window }, csid: CSID.control },
    {
      message: { type: 'set-peer-bandwidth', ...header, window, limitType: PeerBandwidthLimit.Dynamic },
      csid: CSID.control,
    },
  ];
  const enhanced = pending.enhanced ? (options.enhancedRtmp ?? ENHANCED_RTMP_SERVER_CAPABILITIES) : false;
  const result = buildConnectResult(pending.transactionId, {
    objectEncoding: pending.objectEncoding,
    properties: { ...(enhanced || {}), ...options.connectProperties },
  });
  return { window, control, chunkSize: options.chunkSize ?? 4096, result: command(result) };
}
