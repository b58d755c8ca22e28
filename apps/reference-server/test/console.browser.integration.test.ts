/// <reference lib="dom" />
// The web console in a real browser: Debian's chromium, driven by playwright-core (no downloaded browser).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deferCleanups, ffmpegPublishArgs, peerAvailable, sampleFlv, startProcess } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../src/index';

const defer = deferCleanups(afterEach);
const CHROMIUM = '/usr/bin/chromium';
/** Screenshots land here (a CI artifact; ignored by git). */
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');

describe.skipIf(!peerAvailable('chromium') || !peerAvailable('ffmpeg'))('the console in Chromium', () => {
  it('lists the stream and plays it over WebSocket-FLV, then HTTP-FLV: time advances, frames decode, no player error', async () => {
    const { chromium } = await import('playwright-core');
    const flv = await sampleFlv({ seconds: 30, fps: 25 });
    const server = await startReferenceServer({ port: 0, httpPort: 0 });
    defer(() => server.close());
    const publisher = startProcess('ffmpeg', ffmpegPublishArgs(flv, `${server.url}/live/cam`));
    defer(() => publisher.stop());
    await server.waitForPublish('cam', 15_000);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'],
    });
    defer(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.httpUrl!);
    await page.locator('tr.stream', { hasText: 'live/cam' }).click({ timeout: 10_000 });
    // The publisher's connection is listed with what it does.
    await page.locator('#connections tr', { hasText: 'publishes live/cam' }).waitFor({ timeout: 10_000 });
    // Selected, it shows what that connection sent: FFmpeg's commands decoded, its media summarised.
    await page.locator('#connections tr', { hasText: 'publishes live/cam' }).click();
    await page.locator('#messages tr', { hasText: 'publish' }).first().waitFor({ timeout: 10_000 });
    const messages = await page.locator('#messages').textContent();
    expect(messages).toContain('FCPublish');
    expect(messages).toMatch(/video\d+ bytes/);
    expect(await page.locator('#traffic').textContent()).toMatch(/^\d+ connections/);

    /** Waits until the video has played `seconds` more and decoded `frames` more than at the call. */
    const playsOn = async (seconds: number, frames: number) => {
      const start = await page.evaluate(() => {
        const video = document.querySelector('video')!;
        return { time: video.currentTime, frames: video.getVideoPlaybackQuality().totalVideoFrames };
      });
      await page.waitForFunction(
        ({ time, decoded, seconds, frames }) => {
          const video = document.querySelector('video')!;
          const quality = video.getVideoPlaybackQuality();
          return video.currentTime > time + seconds && quality.totalVideoFrames > decoded + frames;
        },
        { time: start.time, decoded: start.frames, seconds, frames },
        { timeout: 20_000 },
      );
    };
    await playsOn(1, 30);
    expect(await page.locator('#player-error').textContent()).toBe('');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'console.png') });

    await page.selectOption('#transport', 'http');
    await page.waitForFunction(() => document.getElementById('playing')?.textContent?.includes('(http)'));
    await playsOn(1, 30);
    expect(await page.locator('#player-error').textContent()).toBe('');
    expect(errors).toEqual([]);
    // Both viewers came through the server's hub: it counted an FLV viewer as a player.
    expect(server.streams().find((stream) => stream.key === 'live/cam')?.players).toBeGreaterThanOrEqual(1);

    // On a phone: nothing wider than the screen (wide tables scroll inside their own box), the
    // stream, the player and the connections all in reach.
    await page.setViewportSize({ width: 390, height: 844 });
    const layout = await page.evaluate(() => {
      return {
        page: document.documentElement.scrollWidth,
        video: document.querySelector('video')!.getBoundingClientRect().right,
      };
    });
    expect(layout.page).toBeLessThanOrEqual(390);
    expect(layout.video).toBeLessThanOrEqual(390);
    await page.locator('tr.stream', { hasText: 'live/cam' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'console-phone.png'), fullPage: true });
  });
});
