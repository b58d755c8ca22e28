/** RTMP message type ids (RTMP 1.0 §5.4, §6, §7.1). */
export const MessageType = {
  SetChunkSize: 1,
  Abort: 2,
  Acknowledgement: 3,
  UserControl: 4,
  WindowAcknowledgementSize: 5,
  SetPeerBandwidth: 6,
  Audio: 8,
  Video: 9,
  /** Data message, "AMF3" form: a format byte (0), then AMF0 values. */
  DataAmf3: 15,
  SharedObjectAmf3: 16,
  /** Command message, "AMF3" form: a format byte (0), then AMF0 values. */
  CommandAmf3: 17,
  Data: 18,
  SharedObject: 19,
  Command: 20,
  Aggregate: 22,
} as const;
/** One of the values of {@link MessageType}. */
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Which AMF form a command, data or shared object message came in (types 20/18/19 or 17/15/16). */
export type AmfForm = 'amf0' | 'amf3';
