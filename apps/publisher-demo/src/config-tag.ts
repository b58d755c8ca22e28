import { type FlvTag, isKeyframeBody } from '@rtmp/flv';

/**
 * Metadata, or an AVC/AAC sequence header: what sets a decoder up rather than a frame. Both CLIs
 * count frames without these, so what one publishes and the other records compare.
 */
export const isConfigTag = (tag: Pick<FlvTag, 'type' | 'body'>): boolean =>
  tag.type === 18 ||
  (tag.type === 9 && !isKeyframeBody(tag.body) && tag.body[0]! >> 4 === 1 && tag.body[1] === 0) ||
  (tag.type === 8 && tag.body[0]! >> 4 === 10 && tag.body[1] === 0);
