import { MessageError } from '../errors';
import { BitReader } from './bit-reader';

/** What an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1) holds that a checker wants. */
export interface AvcConfig {
  readonly profile: number;
  readonly level: number;
  /** Bytes per NAL unit length prefix in the frames (1, 2 or 4). */
  readonly nalLengthSize: number;
  readonly spsCount: number;
  readonly ppsCount: number;
  /** Picture size from the first SPS (cropping applied); undefined when there is no SPS. */
  readonly width: number | undefined;
  readonly height: number | undefined;
}

const bad = (message: string) => new MessageError('MESSAGE_BAD_CODEC_CONFIG', message, { typeId: 9 });

/**
 * Reads an AVC sequence header's configuration record (the data of an AVC `sequence-start`).
 * @throws {@link MessageError} `MESSAGE_BAD_CODEC_CONFIG` when it is truncated, its version is not
 *   1, or its first SPS does not parse.
 */
export function readAvcConfig(record: Uint8Array): AvcConfig {
  if (record.length < 7) throw bad(`AVC configuration record of ${record.length} bytes (at least 7)`);
  if (record[0] !== 1) throw bad(`AVC configuration record version ${record[0]} (expected 1)`);
  const nalLengthSize = (record[4]! & 3) + 1;
  let at = 5;
  const units = (count: number): Uint8Array[] => {
    const found: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      if (at + 2 > record.length) throw bad('AVC configuration record ends inside its parameter sets');
      const length = (record[at]! << 8) | record[at + 1]!;
      if (at + 2 + length > record.length) throw bad('an AVC parameter set runs past the record');
      found.push(record.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
    return found;
  };
  const sps = units(record[at++]! & 0x1f);
  if (at >= record.length) throw bad('AVC configuration record ends before its PPS count');
  const pps = units(record[at++]!);
  const size = sps[0] === undefined ? undefined : spsPictureSize(sps[0]);
  return {
    profile: record[1]!,
    level: record[3]!,
    nalLengthSize,
    spsCount: sps.length,
    ppsCount: pps.length,
    width: size?.width,
    height: size?.height,
  };
}

/** High profiles carry chroma format and scaling lists before the picture size (H.264 §7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** The cropped picture size of an SPS NAL unit (emulation prevention bytes removed first). */
function spsPictureSize(nal: Uint8Array): { width: number; height: number } {
  const rbsp: number[] = [];
  for (let i = 1; i < nal.length; i++) {
    if (i >= 3 && nal[i] === 3 && nal[i - 1] === 0 && nal[i - 2] === 0) continue;
    rbsp.push(nal[i]!);
  }
  const reader = new BitReader(Uint8Array.from(rbsp), () => bad('the SPS ends early'));
  const profile = reader.bits(8);
  reader.bits(16); // constraint flags, level
  reader.unsigned(); // seq_parameter_set_id
  let chromaFormat = 1;
  let separateColourPlanes = 0;
  if (HIGH_PROFILES.has(profile)) {
    chromaFormat = reader.unsigned();
    if (chromaFormat === 3) separateColourPlanes = reader.bit();
    reader.unsigned(); // bit_depth_luma_minus8
    reader.unsigned(); // bit_depth_chroma_minus8
    reader.bit(); // qpprime_y_zero_transform_bypass_flag
    if (reader.bit() === 1) {
      for (let i = 0; i < (chromaFormat === 3 ? 12 : 8); i++) {
        if (reader.bit() === 0) continue;
        let last = 8;
        let next = 8;
        for (let j = 0; j < (i < 6 ? 16 : 64) && next !== 0; j++) {
          next = (last + reader.signed() + 256) % 256;
          if (next !== 0) last = next;
        }
      }
    }
  }
  reader.unsigned(); // log2_max_frame_num_minus4
  const pocType = reader.unsigned();
  if (pocType === 0) reader.unsigned();
  else if (pocType === 1) {
    reader.bit();
    reader.signed();
    reader.signed();
    const cycle = reader.unsigned();
    if (cycle > 255) throw bad('SPS with more than 255 reference frames in a POC cycle');
    for (let i = 0; i < cycle; i++) reader.signed();
  }
  reader.unsigned(); // max_num_ref_frames
  reader.bit(); // gaps_in_frame_num_value_allowed_flag
  const widthInMbs = reader.unsigned() + 1;
  const heightInMapUnits = reader.unsigned() + 1;
  const frameMbsOnly = reader.bit();
  if (frameMbsOnly === 0) reader.bit(); // mb_adaptive_frame_field_flag
  reader.bit(); // direct_8x8_inference_flag
  let crop = { left: 0, right: 0, top: 0, bottom: 0 };
  if (reader.bit() === 1) {
    crop = {
      left: reader.unsigned(),
      right: reader.unsigned(),
      top: reader.unsigned(),
      bottom: reader.unsigned(),
    };
  }
  const chroma = separateColourPlanes === 1 ? 0 : chromaFormat;
  const cropX = chroma === 1 || chroma === 2 ? 2 : 1;
  const cropY = (chroma === 1 ? 2 : 1) * (2 - frameMbsOnly);
  return {
    width: widthInMbs * 16 - cropX * (crop.left + crop.right),
    height: (2 - frameMbsOnly) * heightInMapUnits * 16 - cropY * (crop.top + crop.bottom),
  };
}
