import { DeliverPolicy, JsMsg } from '@nats-io/jetstream';
import { decodeEvent, streams } from '@calm/contracts';
import { CliError, EXIT } from '../cli/cli-io';
import { ReplayContext } from '../cli/replay-context';

export interface TailOptions {
  type?: string;
  /** Stop after this many events (for scripts and tests); otherwise until Ctrl-C. */
  count?: number;
  /** Start from the first stored event instead of the next new one. */
  all?: boolean;
}

function sources(type?: string): { stream: string; filter: string }[] {
  if (!type)
    return [
      { stream: streams.customers.name, filter: 'customer.>' },
      { stream: streams.accounts.name, filter: 'account.>' },
    ];
  if (!/^[a-z]+\.[a-z]+$/.test(type)) throw new CliError(`--type "${type}" is not an event type like customer.created or account.opened`);
  if (type.startsWith('customer.')) return [{ stream: streams.customers.name, filter: `${type}.>` }];
  if (type.startsWith('account.')) return [{ stream: streams.accounts.name, filter: `${type}.>` }];
  throw new CliError(`--type "${type}": no stream carries it (customer.* on CUSTOMERS, account.* on ACCOUNTS)`);
}

export function tailLine(m: JsMsg): Record<string, unknown> {
  const d = decodeEvent(m.data, m.subject);
  const stored = new Date(Math.floor(m.info.timestampNanos / 1_000_000)).toISOString();
  if (!d.ok) return { stream: m.info.stream, seq: m.seq, stored, subject: m.subject, error: d.reason };
  const e = d.value;
  return { stream: m.info.stream, seq: m.seq, stored, type: e.type, time: e.time ?? null, key: e.subject ?? null, id: e.id, source: e.source, data: e.data };
}

const human = (l: Record<string, unknown>) =>
  l.error
    ? `${l.stored} ${l.stream}#${l.seq} ${l.subject} UNDECODABLE ${l.error}`
    : `${l.stored} ${l.stream}#${l.seq} ${l.type} ${JSON.stringify(l.data)} (source ${l.source}, time ${l.time}, id ${l.id})`;

/** Follows new events on the streams through ordered consumers; one line (or JSON line) each. */
export async function tailCommand(ctx: ReplayContext, options: TailOptions): Promise<number> {
  const { js } = await ctx.natsConnection();
  const { reporter, io } = ctx;
  let seen = 0;
  const iterators = await Promise.all(
    sources(options.type).map(async (s) => {
      const consumer = await js.consumers.get(s.stream, { filter_subjects: s.filter, deliver_policy: options.all ? DeliverPolicy.All : DeliverPolicy.New });
      return consumer.consume();
    }),
  );
  const stop = () => iterators.forEach((it) => void it.close().catch(() => undefined));
  io.signal?.addEventListener('abort', stop, { once: true });
  if (io.signal?.aborted) stop();
  reporter.warn(
    `following ${sources(options.type)
      .map((s) => s.filter)
      .join(' and ')} (Ctrl-C stops)`,
  );
  await Promise.all(
    iterators.map(async (it) => {
      for await (const m of it) {
        const line = tailLine(m);
        if (reporter.json) io.out(JSON.stringify(line));
        else reporter.line(human(line));
        if (options.count !== undefined && ++seen >= options.count) stop();
      }
    }),
  );
  io.signal?.removeEventListener('abort', stop);
  return EXIT.ok;
}
