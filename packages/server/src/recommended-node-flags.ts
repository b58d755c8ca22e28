/**
 * Node (V8) flags for a process that mostly serves RTMP, to pass on Node's command line
 * (`node --initial-heap-size=32 --max-semi-space-size=1 server.js`): Node reads them only at start,
 * and Node 20 refuses `--initial-heap-size` in `NODE_OPTIONS`. The reference server's CLI starts
 * with them. Measured with `bench/ingest.bench.ts` and `bench/fanout.bench.ts` (README, "Tuning Node
 * for many streams"):
 * - `--initial-heap-size=32`: media lives in `ArrayBuffer`s outside a small JavaScript heap, and V8
 *   counts fresh `ArrayBuffer` memory against that heap's room, so with the default limit it ran a
 *   full mark-compact every 100-150 ms at 100 publishers; with this, CPU per ingested MB fell by
 *   about a quarter. (64 saves a little more CPU, but lets 30 MB more garbage wait at 50 publishers.)
 * - `--max-semi-space-size=1`: caps the young generation, which otherwise grows to 16 MB with the
 *   allocation rate; 200 players took 9-13 MB less peak RSS at the same CPU.
 */
export const RECOMMENDED_NODE_FLAGS: readonly string[] = Object.freeze([
  '--initial-heap-size=32',
  '--max-semi-space-size=1',
]);
