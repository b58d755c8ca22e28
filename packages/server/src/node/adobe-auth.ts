import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Options of the `authmod=adobe` challenge ({@link RtmpServerOptions.adobeAuth}). */
export interface AdobeAuthOptions {
  /** Passwords by user name, or a lookup (`undefined`: no such user). */
  readonly users: Readonly<Record<string, string>> | ((user: string) => string | undefined);
  /** How long a challenge stays valid between the client's second and third connect, in ms. @default 60000 */
  readonly challengeTtlMs?: number;
  /** Challenges outstanding at once; the oldest is dropped past it. @default 1000 */
  readonly maxChallenges?: number;
}

/** The named defaults of {@link AdobeAuthOptions}. */
export const ADOBE_AUTH_DEFAULTS = { challengeTtlMs: 60_000, maxChallenges: 1000 } as const;

/** What a connect's `app` says to the challenge: go on (with `app` stripped of the auth parameters), or refuse with why. */
export type AdobeAuthVerdict =
  | { readonly allow: true; readonly app: string; readonly user: string }
  | { readonly allow: false; readonly description: string };

const AUTH_PARAMS = ['authmod', 'user', 'challenge', 'response', 'opaque'];
const REJECT = '[ AccessManager.Reject ] : [ authmod=adobe ] : ';

const md5Base64 = (...parts: string[]) => createHash('md5').update(parts.join('')).digest('base64');

/**
 * A query as clients write it here: `name=value` pairs split on `&`, values taken as they are.
 * FFmpeg and OBS put the base64 response in unescaped, so `+` must stay `+` (URLSearchParams would
 * turn it into a space, failing one login in three).
 */
function rawQuery(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const at = part.indexOf('=');
    params.set(at === -1 ? part : part.slice(0, at), at === -1 ? '' : part.slice(at + 1));
  }
  return params;
}

/**
 * The `authmod=adobe` challenge of Flash Media Server and Wowza, as FFmpeg's and OBS's clients
 * complete it over three connects: the first (no credentials) is refused with
 * `code=403 need auth; authmod=adobe`; the second (`?authmod=adobe&user=U`) with a salt, a
 * challenge and an opaque value; the third carries `response` = base64(md5(base64(md5(user + salt
 * + password)) + opaque (or the challenge) + the client's challenge)), and is let in. Challenges
 * are one-time, expire, and are bounded in number.
 */
export class AdobeAuth {
  readonly #challenges = new Map<
    string,
    { user: string; salt: string; challenge: string; expires: number }
  >();
  readonly #ttl: number;
  readonly #max: number;

  constructor(private readonly options: AdobeAuthOptions) {
    this.#ttl = options.challengeTtlMs ?? ADOBE_AUTH_DEFAULTS.challengeTtlMs;
    this.#max = options.maxChallenges ?? ADOBE_AUTH_DEFAULTS.maxChallenges;
  }

  /** Checks a connect's `app` (with its query); `now` in ms. */
  check(app: string, now: number): AdobeAuthVerdict {
    const at = app.indexOf('?');
    const base = at === -1 ? app : app.slice(0, at);
    const params = rawQuery(at === -1 ? '' : app.slice(at + 1));
    const user = params.get('user');
    if (params.get('authmod') !== 'adobe' || !user) {
      return {
        allow: false,
        description: '[ AccessManager.Reject ] : [ code=403 need auth; authmod=adobe ] : ',
      };
    }
    const password = this.#password(user);
    if (password === undefined) return { allow: false, description: `${REJECT}?reason=nosuchuser` };
    const response = params.get('response');
    if (response === undefined)
      return { allow: false, description: `${REJECT}?reason=needauth&${this.#issue(user, now)}` };

    const opaque = params.get('opaque') ?? '';
    const issued = this.#challenges.get(opaque);
    this.#challenges.delete(opaque); // one try per challenge
    if (issued === undefined || issued.expires < now || issued.user !== user) {
      return { allow: false, description: `${REJECT}?reason=authfailed` };
    }
    const clientChallenge = params.get('challenge') ?? '';
    const secret = md5Base64(user, issued.salt, password);
    // FFmpeg hashes the opaque value when there is one; others (Wirecast) the challenge.
    const expected = [
      md5Base64(secret, opaque, clientChallenge),
      md5Base64(secret, issued.challenge, clientChallenge),
    ];
    const given = Buffer.from(response);
    const matches = expected.some((value) => {
      const wanted = Buffer.from(value);
      return wanted.length === given.length && timingSafeEqual(wanted, given);
    });
    if (!matches) return { allow: false, description: `${REJECT}?reason=authfailed` };
    const rest = [...params]
      .filter(([name]) => !AUTH_PARAMS.includes(name))
      .map(([name, value]) => `${name}=${value}`);
    return { allow: true, app: rest.length > 0 ? `${base}?${rest.join('&')}` : base, user };
  }

  #password(user: string): string | undefined {
    const { users } = this.options;
    return typeof users === 'function' ? users(user) : Object.hasOwn(users, user) ? users[user] : undefined;
  }

  /** A fresh challenge for `user`, remembered by its opaque value; the query the client reads. */
  #issue(user: string, now: number): string {
    for (const [opaque, issued] of this.#challenges)
      if (issued.expires < now) this.#challenges.delete(opaque);
    while (this.#challenges.size >= this.#max) this.#challenges.delete(this.#challenges.keys().next().value!);
    const [salt, challenge, opaque] = [randomBytes(4), randomBytes(4), randomBytes(8)].map((b) =>
      b.toString('hex'),
    ) as [string, string, string];
    this.#challenges.set(opaque, { user, salt, challenge, expires: now + this.#ttl });
    return `user=${encodeURIComponent(user)}&salt=${salt}&challenge=${challenge}&opaque=${opaque}`;
  }
}
