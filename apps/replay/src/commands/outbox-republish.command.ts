import { headers } from '@nats-io/transport-node';
import { tracedMessages } from '@calm/outbox';
import { CliError, EXIT } from '../cli/cli-io';
import { ReplayContext, Service } from '../cli/replay-context';

const WINDOW = 1000;

function instant(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw new CliError(`${name} "${value}" is not an ISO 8601 time`);
  return new Date(t);
}

/**
 * The repair path for a broker that lost its tail: publishes again the retained outbox
 * rows published in [from, to), in id order, WITHOUT Nats-Msg-Id so that JetStream's
 * dedupe window cannot swallow them. Consumers' inboxes absorb any copy they already
 * applied (event ids are derived), so republishing too much is harmless.
 */
export async function outboxRepublishCommand(ctx: ReplayContext, service: Service, options: { from: string; to?: string }): Promise<number> {
  const from = instant('--from', options.from)!;
  const to = instant('--to', options.to) ?? new Date();
  if (to <= from) throw new CliError('--to must be later than --from');
  const db = await ctx.database(service);
  const { js } = await ctx.natsConnection();
  const { reporter } = ctx;
  const { rows: total } = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at >= $1 AND published_at < $2`, [from, to]);
  reporter.progressStart(total[0].n, 'republishing');
  let published = 0;
  let after = '0';
  try {
    for (;;) {
      // Keyset pages: memory stays flat whatever the range. ORDER BY outbox.id, the
      // bigint: plain "id" would name the text alias and page in text order.
      const { rows } = await db.query(
        `SELECT id::text AS id, event_id, subject, payload, traceparent, tracestate FROM outbox
         WHERE published_at >= $1 AND published_at < $2 AND outbox.id > $3::bigint ORDER BY outbox.id LIMIT $4`,
        [from, to, after, WINDOW],
      );
      if (rows.length === 0) break;
      // Each copy carries the row's stored trace context, as the relay's publish did (headers and CloudEvents attribute).
      const traced = tracedMessages(rows, () => undefined);
      const results = await Promise.all(
        traced.messages.map((m) => {
          const h = headers();
          for (const [k, v] of Object.entries(m.headers ?? {})) h.set(k, v);
          return js.publish(m.subject, m.data, { timeout: 10_000, headers: h }).catch((err: Error) => err);
        }),
      );
      traced.end(results);
      const failed = results.find((r) => r instanceof Error);
      if (failed) throw failed;
      published += rows.length;
      after = rows[rows.length - 1].id;
      reporter.progress(published);
    }
  } finally {
    reporter.progressStop();
  }
  const rate = reporter.rate(published);
  reporter.info(`republished ${published} ${service} outbox events published between ${from.toISOString()} and ${to.toISOString()}`);
  reporter.info(`${rate.events} events in ${rate.seconds} s (${rate.eventsPerSecond} events/s)`);
  if (reporter.options.quiet && !reporter.json) reporter.line(String(published));
  reporter.result({ command: 'outbox republish', service, from: from.toISOString(), to: to.toISOString(), republished: published, ...rate });
  return EXIT.ok;
}
