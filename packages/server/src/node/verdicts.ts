import type { Verdict } from '../hooks';

/** Whether a verdict lets the request through. */
export const allows = (verdict: Verdict) =>
  verdict === true || (typeof verdict === 'object' && verdict.allow);

/**
 * The verdict on a request: the hook's (allow when there is none), then the server's own rule
 * (`check`) on an allowed one. A hook that throws or rejects denies (E12), and `hookFailed` hears
 * why; it never reaches the socket's event handler.
 */
export function decide(
  hook: () => Verdict | Promise<Verdict> | undefined,
  check: ((allowed: Verdict) => Verdict) | undefined,
  hookFailed: (error: unknown) => void,
): Promise<Verdict> {
  return Promise.resolve()
    .then(hook)
    .then(
      (verdict) => verdict ?? true,
      (error: unknown): Verdict => {
        hookFailed(error);
        return { allow: false, description: 'refused: the server could not decide' };
      },
    )
    .then((verdict) => (allows(verdict) && check ? check(verdict) : verdict));
}
