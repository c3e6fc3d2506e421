/** The clock comes in as a dependency, so tests and replays control time. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
/** Wall-clock milliseconds at the monotonic clock's resolution, comparable between processes of one machine (the bench's stage log). */
export const stageNow = (): number => performance.timeOrigin + performance.now();
