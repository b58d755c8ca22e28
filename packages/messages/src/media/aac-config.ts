import { MessageError } from '../errors';
import { BitReader } from './bit-reader';

/** An AudioSpecificConfig's first fields (ISO/IEC 14496-3 §1.6.2.1). */
export interface AacConfig {
  /** Audio object type: 2 AAC LC, 5 SBR (HE-AAC), 29 PS, ... */
  readonly objectType: number;
  readonly sampleRate: number;
  /** Channel configuration: 1-7 (0: in a program config element). */
  readonly channelConfig: number;
}

const RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
const bad = (message: string) => new MessageError('MESSAGE_BAD_CODEC_CONFIG', message, { typeId: 8 });

/**
 * Reads an AAC sequence header's AudioSpecificConfig (the data of an AAC `sequence-start`).
 * @throws {@link MessageError} `MESSAGE_BAD_CODEC_CONFIG` when it is shorter than 2 bytes, its
 *   object type is 0, its sampling frequency index is reserved (13, 14), or its channel
 *   configuration is reserved (over 7).
 */
export function readAacConfig(config: Uint8Array): AacConfig {
  if (config.length < 2) throw bad(`AudioSpecificConfig of ${config.length} bytes (at least 2)`);
  const reader = new BitReader(config, () => bad('AudioSpecificConfig ends early'));
  let objectType = reader.bits(5);
  if (objectType === 31) objectType = 32 + reader.bits(6);
  if (objectType === 0) throw bad('AudioSpecificConfig with audio object type 0 (null)');
  const index = reader.bits(4);
  if (index === 13 || index === 14) throw bad(`AudioSpecificConfig with reserved sampling index ${index}`);
  const sampleRate = index === 15 ? reader.bits(24) : RATES[index]!;
  const channelConfig = reader.bits(4);
  if (channelConfig > 7)
    throw bad(`AudioSpecificConfig with reserved channel configuration ${channelConfig}`);
  return { objectType, sampleRate, channelConfig };
}
