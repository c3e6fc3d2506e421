import { DemoCase } from './demo-plan';

export interface CaseState {
  plan: DemoCase;
  status: 'waiting' | 'pending' | 'valid';
  customerSent: boolean;
  /** Local time the second fact was answered, and the account first seen valid. */
  secondFactAt?: number;
  validSeenAt?: number;
  openedToValidMs?: number;
}

const pad = (s: string, n: number) => (s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length));
const color = (s: string, code: number, on: boolean) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

function row(c: CaseState, tty: boolean): string {
  const status = c.status === 'valid' ? color(pad('valid', 8), 32, tty) : c.status === 'pending' ? color(pad('pending', 8), 33, tty) : pad('-', 8);
  const order = c.plan.accountFirst ? 'account first ' : 'customer first';
  const customer = c.customerSent ? 'created' : '-';
  const converged = c.openedToValidMs === undefined ? '' : `${c.openedToValidMs} ms`;
  return `${pad(String(c.plan.index + 1), 3)} ${pad(c.plan.accountId.slice(0, 8), 9)} ${pad(c.plan.name, 18)} ${order}  ${pad(customer, 8)} ${status} ${converged}`;
}

/**
 * On a terminal the table is redrawn in place; otherwise (a pipe, CI) one line is
 * printed per change, so the log reads as the sequence of events. Colours only on a
 * terminal, and never when the user asked for none (NO_COLOR, no-color.org).
 */
export class DemoView {
  private drawn = 0;
  private readonly last = new Map<number, string>();

  private readonly tty: boolean;
  private readonly colors: boolean;

  constructor(
    private readonly out: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>,
    options: { colors: boolean },
  ) {
    this.tty = !!out.isTTY;
    this.colors = this.tty && options.colors;
  }

  render(cases: CaseState[]): void {
    if (this.tty) {
      if (this.drawn) this.out.write(`\x1b[${this.drawn}A`);
      const lines = [`#   account   customer           order           customer status   opened->valid`, ...cases.map((c) => row(c, this.colors))];
      this.out.write(lines.map((l) => `\x1b[2K${l}\n`).join(''));
      this.drawn = lines.length;
      return;
    }
    for (const c of cases) {
      const key = `${c.status}/${c.customerSent}`;
      if (this.last.get(c.plan.index) === key) continue;
      this.last.set(c.plan.index, key);
      if (c.status !== 'waiting' || c.customerSent) this.out.write(`${new Date().toISOString()} ${row(c, false).trimEnd()}\n`);
    }
  }
}
