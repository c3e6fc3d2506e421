import { SingleBar, Presets } from 'cli-progress';
import { CliIo } from './cli-io';
import { terminalSafe } from './terminal-safe';

export interface OutputOptions {
  quiet?: boolean;
  json?: boolean;
}

/**
 * Output for humans or scripts: `--json` prints one JSON document per command on
 * stdout and nothing else there; `--quiet` prints only what a command exists to print
 * (differences, rows) and no progress or summary lines. Each human line is one line:
 * its control characters are escaped (terminal-safe.ts), since it may quote a message.
 * JSON output is safe as it is (JSON.stringify escapes them).
 */
export class Reporter {
  private bar?: SingleBar;
  private readonly started = Date.now();

  constructor(
    readonly io: CliIo,
    readonly options: OutputOptions,
  ) {}

  get json(): boolean {
    return !!this.options.json;
  }

  /** A human line that matters (a difference, a row); suppressed only by --json. */
  line(text: string): void {
    if (!this.json) this.io.out(terminalSafe(text));
  }

  /** A summary or status line; suppressed by --quiet and --json. */
  info(text: string): void {
    if (!this.json && !this.options.quiet) this.io.out(terminalSafe(text));
  }

  warn(text: string): void {
    if (!this.options.quiet) this.io.err(terminalSafe(text));
  }

  result(value: unknown): void {
    if (this.json) this.io.out(JSON.stringify(value));
  }

  progressStart(total: number, label: string): void {
    if (!this.io.isTTY || this.json || this.options.quiet || total < 1000) return;
    this.bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% {value}/{total} events {eta_formatted}`, stream: process.stderr },
      Presets.shades_classic,
    );
    this.bar.start(total, 0);
  }

  progress(done: number): void {
    this.bar?.update(done);
  }

  progressGrow(extra: number): void {
    this.bar?.setTotal(this.bar.getTotal() + extra);
  }

  progressStop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  elapsedMs(): number {
    return Date.now() - this.started;
  }

  /** "N events in T s (R events/s)", for the end of long runs. */
  rate(events: number): { events: number; seconds: number; eventsPerSecond: number } {
    const seconds = Math.max(this.elapsedMs(), 1) / 1000;
    return { events, seconds: Math.round(seconds * 1000) / 1000, eventsPerSecond: Math.round(events / seconds) };
  }
}
