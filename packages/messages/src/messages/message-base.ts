/** What every typed message carries from its raw message. */
export interface MessageBase {
  /** Message stream id: 0 for NetConnection, the createStream id for a NetStream. */
  readonly streamId: number;
  /** 32-bit milliseconds. */
  readonly timestamp: number;
}
