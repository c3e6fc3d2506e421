import { headers as natsHeaders } from '@nats-io/transport-node';
import { Client } from 'pg';
import { DeadLetterRow, RowQuery, findDeadLetters, lastDeadLetterId, listDeadLetters, markDeadLettersRetried } from '@calm/jetstream';
import { CliError, EXIT } from '../cli/cli-io';
import { ReplayContext } from '../cli/replay-context';

/** The account service consumes events, so its database holds the dead letters. */
const rowsOf = (db: Client): RowQuery => ({ query: (sql, params) => db.query(sql, params).then((r) => r.rows) });

export async function dlqListCommand(ctx: ReplayContext, options: { all?: boolean; limit: number }): Promise<number> {
  const letters = await listDeadLetters(rowsOf(await ctx.database('accounts')), { includeRetried: options.all, limit: options.limit });
  const { reporter } = ctx;
  if (letters.length === 0) reporter.info(options.all ? 'no dead letters' : 'no dead letters waiting (--all shows retried ones too)');
  for (const l of letters) {
    const retried = l.retriedAt ? ` retried=${l.retriedAt.toISOString()}` : '';
    reporter.line(
      `#${l.id} ${l.failedAt.toISOString()} ${l.subject} ${l.stream} seq ${l.streamSeq} deliveries=${l.deliveries}${retried}${l.eventId ? ` event=${l.eventId}` : ''}`,
    );
    reporter.line(`    reason: ${l.reason}`);
  }
  reporter.result({ command: 'dlq list', deadLetters: letters.map(({ payload, ...l }) => ({ ...l, payload: payload.toString('utf8') })) });
  return EXIT.ok;
}

/**
 * Puts dead letters back on their original subject, with their payload and headers but
 * without Nats-Msg-Id (and other Nats-* control headers): JetStream's dedupe window
 * would otherwise swallow a copy of a recent message. The consumer's inbox still applies
 * the event at most once. A letter is marked retried only after the stream stored it.
 */
export async function dlqRetryCommand(ctx: ReplayContext, target: { id?: string; all?: boolean; pageSize?: number }): Promise<number> {
  const db = rowsOf(await ctx.database('accounts'));
  let pages: AsyncIterable<DeadLetterRow[]>;
  if (target.all) pages = openLetters(db, target.pageSize ?? 100);
  else if (target.id && /^\d+$/.test(target.id)) {
    const letters = await findDeadLetters(db, [Number(target.id)]);
    if (letters.length === 0) throw new CliError(`no dead letter #${target.id}`, EXIT.differences);
    pages = (async function* () {
      yield letters;
    })();
  } else throw new CliError('dlq retry needs a dead letter id (a number, see dlq list) or --all');
  const { js } = await ctx.natsConnection();
  const { reporter } = ctx;
  const retried: number[] = [];
  for await (const page of pages)
    for (const l of page) {
      const h = natsHeaders();
      for (const [k, values] of Object.entries(l.headers ?? {})) if (!/^nats-/i.test(k)) for (const v of values) h.append(k, v);
      const ack = await js.publish(l.subject, l.payload, { headers: h });
      await markDeadLettersRetried(db, [l.id]);
      retried.push(l.id);
      reporter.line(`#${l.id} republished to ${l.subject} (${ack.stream} seq ${ack.seq})${l.retriedAt ? ' (it had been retried before)' : ''}`);
    }
  reporter.info(`${retried.length} dead letter(s) put back for processing`);
  reporter.result({ command: 'dlq retry', retried });
  return EXIT.ok;
}

/**
 * Every letter not yet retried, one page (pageSize payloads) in memory at a time. The walk
 * stops at the highest id it saw at the start: a letter that fails again while this runs
 * gets a new id and waits for the next retry, instead of looping here.
 */
async function* openLetters(db: RowQuery, pageSize: number): AsyncIterable<DeadLetterRow[]> {
  const upToId = await lastDeadLetterId(db);
  for (let afterId = 0; ;) {
    const page = await listDeadLetters(db, { limit: pageSize, afterId, upToId });
    if (page.length === 0) return;
    yield page;
    afterId = page[page.length - 1].id;
  }
}
