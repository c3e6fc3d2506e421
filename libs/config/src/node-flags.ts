/**
 * The V8 settings every service process runs with: the npm scripts (start:accounts,
 * start:customers), npm start's launcher, the Dockerfile, docker-compose.yml and the
 * bench. node-flags.spec.ts fails when one of them differs from this list.
 *
 * - `--max-semi-space-size=4`: a 4 MB young generation per semi-space (from an earlier
 *   round: lower RSS at the same CPU per request).
 * - `--max-old-space-size=512`: the heap budget, and through it how much garbage V8
 *   lets pile up. V8 lets the old generation grow between two mark-compacts by a factor
 *   of its live size whose ceiling it derives from the heap limit: about 4 when no limit
 *   is set and it derives one from the machine's memory, about 1.6 at 1 GB, about 1.4 at
 *   512 MB. The service's live heap is 40 to 45 MB (module code and source text, mostly);
 *   under the bench's load about 12 MB/s of request state is promoted out of the young
 *   generation, so the factor decides the old space's peak (bench/results/ab/heap-budget,
 *   rss-flags-screen, rss-arenas-heap; docs/performance.md, Memory). 512 MB is still more
 *   than 10 times the live heap plus the consumer's 128 MiB delivery budget: every query
 *   and batch is bounded (docs/security.md), so it is a budget to plan a container by,
 *   not one the service approaches.
 * - `--v8-pool-size=2`: V8's worker threads (concurrent marking, background compiles),
 *   2 instead of Node's 4. Each thread that mallocs gets its own glibc arena, which keeps
 *   what it once held; with fewer threads the arenas held less at the RSS peak, at the
 *   same CPU per POST within the noise (rss-arenas-heap).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--max-old-space-size=512', '--v8-pool-size=2'];

/**
 * The V8 setting the replay CLI runs with: `npm run replay`, the bench and the replay soak
 * test. Without it a 1,000,000-event rebuild peaked at 445 to 491 MB of RSS, close to its
 * 512 MB bound; with a young generation of at most 16 MB per semi-space (4 and 8 gave the
 * same) it peaked at 328 to 355 MB at the same events per second within the noise
 * (bench/results/ab/replay-semi-space). No old-space limit: a history's facts are held
 * whole while they are folded, so the heap a rebuild needs grows with the history.
 */
export const REPLAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];
