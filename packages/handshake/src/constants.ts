/** The only RTMP version byte (C0/S0) this package speaks: plain RTMP. */
export const RTMP_VERSION = 3;
/** Size of C1, S1, C2 and S2. */
export const HANDSHAKE_PACKET_SIZE = 1536;
/** Size of the HMAC-SHA256 digest embedded in a digest-scheme C1/S1. */
export const DIGEST_SIZE = 32;

/** "Genuine Adobe Flash Player 001": the partial key a client signs C1 with. */
export const PLAYER_KEY_TEXT = 'Genuine Adobe Flash Player 001';
/** "Genuine Adobe Flash Media Server 001": the partial key a server signs S1 with. */
export const SERVER_KEY_TEXT = 'Genuine Adobe Flash Media Server 001';
/** The 32 bytes appended to either text to make the full keys (used for C2/S2 signatures). */
export const KEY_SUFFIX = Uint8Array.of(
  0xf0,
  0xee,
  0xc2,
  0x4a,
  0x80,
  0x68,
  0xbe,
  0xe8,
  0x2e,
  0x00,
  0xd0,
  0xd1,
  0x02,
  0x9e,
  0x7e,
  0x57,
  0x6e,
  0xec,
  0x5d,
  0x2d,
  0x29,
  0x80,
  0x6f,
  0xab,
  0x93,
  0xb8,
  0xe6,
  0x36,
  0xcf,
  0xeb,
  0x31,
  0xae,
);

/** Version field our digest C1 carries: FFmpeg's (9.0.124.2), which every server knows. */
export const CLIENT_DIGEST_VERSION = Uint8Array.of(9, 0, 124, 2);
/** Version field our digest S1 carries: nginx-rtmp's (13.14.10.13); FFmpeg validates when byte 0 ≥ 3. */
export const SERVER_DIGEST_VERSION = Uint8Array.of(13, 14, 10, 13);
