import { RECOMMENDED_NODE_FLAGS } from '../src/recommended-node-flags';

/**
 * Node flags for a server the benchmarks start: `RECOMMENDED_NODE_FLAGS` for `ours-tuned` (as the
 * reference server's CLI starts), then whatever `OURS_NODE_FLAGS` adds (e.g. `--cpu-prof`).
 */
export function benchNodeFlags(kind: string): string[] {
  return [
    ...(kind === 'ours-tuned' ? RECOMMENDED_NODE_FLAGS : []),
    ...(process.env['OURS_NODE_FLAGS']?.split(' ').filter(Boolean) ?? []),
  ];
}
