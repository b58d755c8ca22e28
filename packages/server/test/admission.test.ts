import { type AdmissionState, admit } from '@rtmp/server';
import { describe, expect, it } from 'vitest';

const limits = { maxPlayerQueueBytes: 1000, maxPlayerQueueDelayMs: 10_000, playerDrainTimeoutMs: 30_000 };
const fresh = (): AdmissionState => ({
  waitingForKeyframe: false,
  paused: false,
  audioOff: false,
  videoOff: false,
  videoStarted: undefined,
  congestedSince: undefined,
  dropped: 0,
});
const queue = (bytes: number, backlogSince?: number) => ({ bytes, backlogSince });

describe('admit: the admission policy', () => {
  it('drop order: over half the budget disposable frames go first; over it inter frames, keyframes and audio; configuration always', () => {
    const half = fresh();
    expect(
      ['disposable', 'inter', 'keyframe', 'audio', 'video-config'].map((kind) =>
        admit(half, kind as never, queue(600), 0, true, limits),
      ),
    ).toEqual(['drop', 'send', 'send', 'send', 'send']);
    const over = fresh();
    expect(
      ['disposable', 'inter', 'audio', 'keyframe', 'audio-config', 'metadata', 'video-end'].map((kind) =>
        admit(over, kind as never, queue(1001), 0, true, limits),
      ),
    ).toEqual(['drop', 'drop', 'drop', 'drop', 'send', 'send', 'send']);
    expect(over.dropped).toBe(4);
  });

  it('after drops it resumes only at a keyframe (audio of a stream with video waits too)', () => {
    const state = fresh();
    admit(state, 'inter', queue(2000), 0, true, limits);
    expect(
      ['inter', 'audio', 'disposable', 'keyframe', 'inter', 'audio'].map((kind) =>
        admit(state, kind as never, queue(0), 1, true, limits),
      ),
    ).toEqual(['drop', 'drop', 'drop', 'send', 'send', 'send']);
  });

  it('an audio-only stream recovers with its next audio frame after a drop (no keyframe will come)', () => {
    const state = fresh();
    expect(admit(state, 'audio', queue(2000), 0, false, limits)).toBe('drop');
    expect(admit(state, 'audio', queue(0), 1, false, limits)).toBe('send');
    expect(state.waitingForKeyframe).toBe(false);
  });

  it('a player that joined before any keyframe (video waits for one) gets configuration and audio, video from the keyframe', () => {
    const state = { ...fresh(), videoStarted: new Set<number>() };
    expect(
      ['video-config', 'audio-config', 'inter', 'audio', 'keyframe', 'inter'].map((kind) =>
        admit(state, kind as never, queue(0), 0, true, limits),
      ),
    ).toEqual(['send', 'send', 'skip', 'send', 'send', 'send']);
  });

  it('the drain timeout: over budget longer than playerDrainTimeoutMs closes; the queue delay counts as over budget', () => {
    const state = fresh();
    expect(admit(state, 'inter', queue(2000), 0, true, limits)).toBe('drop');
    expect(admit(state, 'inter', queue(2000), 30_000, true, limits)).toBe('drop');
    expect(admit(state, 'inter', queue(2000), 30_001, true, limits)).toBe('close');
    const lagging = fresh();
    expect(admit(lagging, 'inter', queue(10, 0), 10_001, true, limits)).toBe('drop'); // small queue, but not drained for 10 s
  });

  it('what the player asked for: paused skips everything; audio or video off skips that kind; video back on waits for a keyframe, audio goes on', () => {
    const paused = { ...fresh(), paused: true };
    expect(
      ['video-config', 'keyframe', 'audio'].map((kind) =>
        admit(paused, kind as never, queue(0), 0, true, limits),
      ),
    ).toEqual(['skip', 'skip', 'skip']);
    expect(paused.dropped).toBe(0);
    const noVideo = { ...fresh(), videoOff: true };
    expect(
      ['keyframe', 'inter', 'audio', 'video-config'].map((kind) =>
        admit(noVideo, kind as never, queue(0), 0, true, limits),
      ),
    ).toEqual(['skip', 'skip', 'send', 'send']);
    const noAudio = { ...fresh(), audioOff: true };
    expect(
      ['audio', 'inter'].map((kind) => admit(noAudio, kind as never, queue(0), 0, true, limits)),
    ).toEqual(['skip', 'send']);
    const videoBack = { ...fresh(), videoStarted: new Set<number>() };
    expect(
      ['inter', 'audio', 'keyframe', 'inter'].map((kind) =>
        admit(videoBack, kind as never, queue(0), 0, true, limits),
      ),
    ).toEqual(['skip', 'send', 'send', 'send']);
  });
});
