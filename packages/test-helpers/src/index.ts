export { type CompareOptions, compareRates, formatRate, type RateResult } from './bench';
export { type ByteArrayLike, loadByteArrayNode } from './bytearray-node';
export { selfSignedCertificate } from './certificate';
export { deferCleanups } from './cleanups';
export {
  FFMPEG_QUIET,
  ffmpegCopyArgs,
  ffmpegFramemd5Args,
  ffmpegPublishArgs,
  gstreamerPublishArgs,
} from './commands';
export { packetHashes, parseFramemd5, probeCodecs } from './ffprobe';
export { type FlvTag, flvTagsOf, readFlvTags } from './flv-tags';
export { fromHex, toHex } from './hex';
export {
  type Demuxed,
  type DemuxedPacket,
  demuxWithFfmpeg8,
  loadNodeAv,
  type ModernMediaSpec,
  modernMedia,
  packetsPerStream,
  publishWithFfmpeg8,
} from './modern-ffmpeg';
export { frameNumber, numberedFrame } from './numbered-frames';
export {
  canBindIpv6Loopback,
  freePort,
  hasBinary,
  ipv6Available,
  type ManagedProcess,
  type NginxRtmp,
  peerAvailable,
  type RedisServer,
  runProcess,
  startNginxRtmp,
  startProcess,
  startRedis,
  waitForPort,
} from './peers';
export { readmeShows, readmeSynopsis, runReadmeSynopsis } from './readme';
export { type RecordingProxy, startRecordingProxy } from './recording-proxy';
export { type SampleFlvOptions, sampleFlv } from './sample-media';
export { type PublisherCommand, type RecordedSession, recordPlay, recordPublish, retry } from './sessions';
export { waitFor } from './wait-for';
