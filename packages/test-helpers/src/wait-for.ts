/**
 * Polls `condition` every 10 ms (or, when it is async, again as soon as each answer comes) until it
 * holds; throws after `timeoutMs` (tests wait on events, bounded).
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
