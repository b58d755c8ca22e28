/**
 * What a test starts, stopped after it. Give it vitest's `afterEach` (this package has no
 * dependencies) and `defer(cleanup)` what you start: after each test every cleanup runs, the last
 * deferred first, each awaited; one that throws does not stop the others, and the first error is
 * thrown once all have run.
 */
export function deferCleanups(
  afterEach: (hook: () => Promise<void>) => unknown,
): (cleanup: () => unknown) => void {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    const errors: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  });
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}
