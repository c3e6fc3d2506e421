/**
 * The V8 heap settings every service process runs with: the npm scripts (start:accounts,
 * start:customers), npm start's launcher, the Dockerfile, docker-compose.yml and the
 * bench. node-flags.spec.ts fails when one of them differs from this list.
 *
 * - `--max-semi-space-size=4`: a 4 MB young generation per semi-space (from an earlier
 *   round: lower RSS at the same CPU per request).
 * - `--max-old-space-size=1024`: the heap budget, and through it how much garbage V8
 *   lets pile up. V8 lets the old generation grow between two mark-compacts by a factor
 *   of its live size that depends on the heap limit: up to about 4 when no limit is set
 *   and it derives one from the machine's memory (24 GB here), about 1.6 with a 1 GB
 *   limit. The service's live heap is 40 to 45 MB (module code and source text, mostly:
 *   a heap snapshot of an idle service); under the bench's load about 12 MB/s of request
 *   state is promoted out of the young generation, so without a budget the old space
 *   reached 140 to 150 MB before each mark-compact and RSS 220 to 265 MB. With it the old
 *   space peaks near 57 MB and RSS near 160 MB, at the same CPU per POST
 *   (bench/results/ab/heap-budget, docs/performance.md). 1 GB is about 20 times the live
 *   heap: every query and batch is bounded (docs/security.md), so the limit is a budget
 *   to plan a container by, not one the service approaches.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--max-old-space-size=1024'];

/**
 * The V8 setting the replay CLI runs with: `npm run replay`, the bench and the replay soak
 * test. Without it a 1,000,000-event rebuild peaked at 445 to 491 MB of RSS, close to its
 * 512 MB bound; with a young generation of at most 16 MB per semi-space (4 and 8 gave the
 * same) it peaked at 328 to 355 MB at the same events per second within the noise
 * (bench/results/ab/replay-semi-space). No old-space limit: a history's facts are held
 * whole while they are folded, so the heap a rebuild needs grows with the history.
 */
export const REPLAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];
