/** Where the CLI writes, so tests can run commands in-process and read what they print. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** A progress bar is drawn only on a terminal. */
  isTTY: boolean;
  env: Record<string, string | undefined>;
  /** Stops long-running commands (tail). */
  signal?: AbortSignal;
}

export const processIo = (signal?: AbortSignal): CliIo => ({
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  isTTY: !!process.stdout.isTTY,
  env: process.env,
  signal,
});

/** Exit codes: verify's 0/1/2 from the contract; 3 when rebuild refuses to run beside the service. */
export const EXIT = { ok: 0, differences: 1, usage: 2, refused: 3 } as const;

/** A bad argument, a bad configuration or an unreachable server: exit 2 with one line. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    /** The driver's error code behind it, when there is one (PostgreSQL's SQLSTATE). */
    readonly code?: string,
  ) {
    super(message);
  }
}
