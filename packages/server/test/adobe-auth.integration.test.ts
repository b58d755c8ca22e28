import { createHash } from 'node:crypto';
import { AdobeAuth, type RtmpServerOptions } from '@rtmp/server';
import {
  deferCleanups,
  ffmpegPublishArgs,
  peerAvailable,
  runProcess,
  sampleFlv,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from './start-server';

const defer = deferCleanups(afterEach);
const b64md5 = (text: string) => createHash('md5').update(text).digest('base64');

/** What a client computes from the server's challenge (as FFmpeg does, hashing the opaque value). */
function respond(description: string, user: string, password: string, clientChallenge = 'c0ffee00') {
  const query = new URLSearchParams(description.slice(description.indexOf('?') + 1));
  const secret = b64md5(user + query.get('salt') + password);
  const response = b64md5(secret + query.get('opaque') + clientChallenge);
  // Unescaped, as FFmpeg writes it: a base64 response may hold '+' and '/'.
  return `live?authmod=adobe&user=${user}&challenge=${clientChallenge}&response=${response}&opaque=${query.get('opaque')}`;
}

describe('authmod=adobe', () => {
  it('three connects: need auth, a challenge, then in with the right response; one-time challenges; wrong password, user or a replay refused', () => {
    const auth = new AdobeAuth({ users: { robert: 'secret' }, challengeTtlMs: 1000 });
    expect(auth.check('live', 0)).toEqual({
      allow: false,
      description: '[ AccessManager.Reject ] : [ code=403 need auth; authmod=adobe ] : ',
    });
    const challenged = auth.check('live?authmod=adobe&user=robert', 0);
    expect(challenged).toMatchObject({
      allow: false,
      description: expect.stringMatching(
        /\?reason=needauth&user=robert&salt=[0-9a-f]{8}&challenge=[0-9a-f]{8}&opaque=[0-9a-f]{16}$/,
      ),
    });
    const description = (challenged as { description: string }).description;
    const answer = respond(description, 'robert', 'secret');
    expect(auth.check(`${answer}&token=kept`, 500)).toEqual({
      allow: true,
      app: 'live?token=kept',
      user: 'robert',
    });
    expect(auth.check(answer, 600)).toMatchObject({
      description: expect.stringContaining('?reason=authfailed'),
    }); // replayed
    const again = (auth.check('live?authmod=adobe&user=robert', 0) as { description: string }).description;
    expect(auth.check(respond(again, 'robert', 'wrong'), 10)).toMatchObject({
      description: expect.stringContaining('?reason=authfailed'),
    });
    const late = (auth.check('live?authmod=adobe&user=robert', 0) as { description: string }).description;
    expect(auth.check(respond(late, 'robert', 'secret'), 1001)).toMatchObject({
      description: expect.stringContaining('?reason=authfailed'),
    });
    expect(auth.check('live?authmod=adobe&user=mallory', 0)).toMatchObject({
      description: expect.stringContaining('?reason=nosuchuser'),
    });
  });

  it("takes a response with '+' and '/' as FFmpeg sends it, unescaped (one login in three has one)", () => {
    const auth = new AdobeAuth({ users: { robert: 'secret' } });
    let tried = 0;
    for (let plus = 0; plus < 5 && tried < 500; tried++) {
      const description = (auth.check('live?authmod=adobe&user=robert', 0) as { description: string })
        .description;
      const answer = respond(description, 'robert', 'secret');
      if (answer.includes('+')) plus++;
      expect(auth.check(answer, 1), answer).toMatchObject({ allow: true, app: 'live' });
    }
    expect(tried).toBeLessThan(500); // there were responses with '+' among them
  });

  it('keeps at most maxChallenges outstanding, dropping the oldest', () => {
    const auth = new AdobeAuth({ users: { robert: 'secret' }, maxChallenges: 2 });
    const issue = () =>
      (auth.check('live?authmod=adobe&user=robert', 0) as { description: string }).description;
    const first = issue();
    issue();
    issue();
    expect(auth.check(respond(first, 'robert', 'secret'), 1)).toMatchObject({ allow: false });
  });

  it.skipIf(!peerAvailable('ffmpeg'))(
    'FFmpeg 5.1 completes it with rtmp://user:pass@host/app: published; a wrong password is refused',
    async () => {
      const flv = await sampleFlv({ seconds: 1 });
      const connects: string[] = [];
      const published: string[] = [];
      const options: RtmpServerOptions = {
        adobeAuth: { users: { robert: 'secret' } },
        observe: { published: (key) => published.push(key) },
        onConnect: (request) => {
          connects.push(request.app);
          return true;
        },
      };
      const { server, port } = await startServer(defer, options);
      await runProcess('ffmpeg', ffmpegPublishArgs(flv, `rtmp://robert:secret@127.0.0.1:${port}/live/cam`));
      // The hooks saw only the authenticated connect, its app without the auth parameters.
      expect(connects).toEqual(['live']);
      expect(published).toEqual(['live/cam']);
      await waitFor(() => server.stats().length === 0); // and unpublished at the end

      const refused = await runProcess(
        'ffmpeg',
        ffmpegPublishArgs(flv, `rtmp://robert:wrong@127.0.0.1:${port}/live/cam2`),
      ).then(
        () => 'published',
        () => 'refused',
      );
      expect(refused).toBe('refused');
      expect(connects).toEqual(['live']);
      expect(published).toEqual(['live/cam']);
    },
  );
});
