import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import type { JsMsg } from '@nats-io/jetstream';

/**
 * A bench service's stage log (BENCH_STAGE_LOG=<file>, read by tuned-service.main.ts):
 * the service's diagnostics channels (libs/jetstream stage-channels.ts, the account
 * service's persistence/stage-channels.ts) kept in memory, one record per point, and
 * written as JSON lines when the service is stopped (SIGTERM), so that writing them
 * does not share the measured run's time. convergence-stages.ts joins them with the
 * bench's own times. Every time is stageNow() (@calm/config): wall-clock ms.
 */
export type StageRecord =
  /** A message yielded by its pull request: subject, stored at (the stream's timestamp), received at. */
  | { k: 'received'; subject: string; storedAt: number; at: number }
  /** A pull request: made at, ended at, the messages it brought, and how it ended ('done', or its error). */
  | { k: 'pull'; startedAt: number; endedAt: number; count: number; ended: string }
  /** A batch handed to the handlers and finished (acknowledged) by the consumer `durable`. */
  | { k: 'batch'; durable: string; subjects: string[]; startedAt: number; doneAt: number }
  /** A customer-facts transaction: [called, connection taken, first round trip answered, committed]. */
  | { k: 'customer-facts'; customerIds: string[]; at: number[] }
  /** A group commit of POST /accounts: its members' accounts and submit times, its start and commit, the groups in flight. */
  | { k: 'group'; accountIds: string[]; queuedAt: number[]; startedAt: number; committedAt: number; inFlight: number };

export function startStageLog(file: string): void {
  const records: StageRecord[] = [];
  subscribe('calm.jetstream.received', (m) => {
    const { msg, at } = m as { msg: JsMsg; at: number };
    records.push({ k: 'received', subject: msg.subject, storedAt: Number(msg.info.timestampNanos) / 1e6, at });
  });
  subscribe('calm.jetstream.pull', (m) => records.push({ k: 'pull', ...(m as { startedAt: number; endedAt: number; count: number; ended: string }) }));
  subscribe('calm.jetstream.batch', (m) => {
    const { durable, msgs, startedAt, doneAt } = m as { durable: string; msgs: JsMsg[]; startedAt: number; doneAt: number };
    records.push({ k: 'batch', durable, subjects: msgs.map((x) => x.subject), startedAt, doneAt });
  });
  subscribe('calm.accounts.customer-facts', (m) => records.push({ k: 'customer-facts', ...(m as { customerIds: string[]; at: number[] }) }));
  subscribe('calm.accounts.group-commit', (m) => {
    const g = m as { items: { accountId: string }[]; queuedAt: number[]; startedAt: number; committedAt: number; inFlight: number };
    records.push({
      k: 'group',
      accountIds: g.items.map((i) => i.accountId),
      queuedAt: g.queuedAt,
      startedAt: g.startedAt,
      committedAt: g.committedAt,
      inFlight: g.inFlight,
    });
  });
  process.prependListener('SIGTERM', () => writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n'));
}
