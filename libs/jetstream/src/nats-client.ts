import { Logger } from '@nestjs/common';
import { JetStreamClient, JetStreamManager, StorageType, StreamConfig, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { NatsConnection, NodeConnectionOptions, connect, nanos } from '@nats-io/transport-node';
import { backoffDelay, sleep } from '@calm/config';
import { isStreamNotFound } from './jetstream-errors';

export interface StreamSpec {
  name: string;
  subjects: readonly string[];
  /** Limits of a stream that is not a history of record (none: kept for ever, the history replay folds). */
  maxAgeMs?: number;
  maxBytes?: number;
}

/**
 * The largest message the streams store: the REST body limit (64 KiB) plus the CloudEvents
 * envelope, with room to spare; anything larger is refused by the stream (a PubAck
 * error) instead of growing it without bound.
 */
export const MAX_EVENT_BYTES = 128 * 1024;

export interface NatsClientOptions {
  servers: string[];
  name: string;
  /** Streams this process needs; created when missing, never altered. */
  streams: StreamSpec[];
  /** JetStream's Nats-Msg-Id dedupe window for streams this process creates (default 2 min). */
  duplicateWindowMs?: number;
  /** Stream replicas for streams this process creates (3 on a cluster). */
  replicas?: number;
  /** Extra connection options: credentials, TLS (see libs/config). */
  connectOptions?: Partial<NodeConnectionOptions>;
}

/** NATS subject matching: `*` is one token, `>` the rest (one token or more). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/**
 * What an existing stream must change to match its spec, never destructively: missing
 * subjects are added, a stream without max_msg_size gets the bound (an operator's own is
 * left alone), a history of record (no limits in its spec: replay folds it whole) loses any
 * age, size or count limit that would delete events, and a bounded stream gets its limits.
 */
export function streamChanges(spec: StreamSpec, config: StreamConfig): Partial<StreamConfig> {
  const changes: Partial<StreamConfig> = {};
  const missing = spec.subjects.filter((s) => !config.subjects?.includes(s));
  if (missing.length) changes.subjects = [...(config.subjects ?? []), ...missing];
  if (!(config.max_msg_size > 0)) changes.max_msg_size = MAX_EVENT_BYTES;
  const maxAge = spec.maxAgeMs ? nanos(spec.maxAgeMs) : 0;
  const maxBytes = spec.maxBytes ?? -1;
  if (config.max_age !== maxAge) changes.max_age = maxAge;
  if (config.max_bytes !== maxBytes) changes.max_bytes = maxBytes;
  if (!spec.maxAgeMs && !spec.maxBytes) {
    if (config.max_msgs !== -1) changes.max_msgs = -1;
    if (config.max_msgs_per_subject !== -1 && config.max_msgs_per_subject !== 0) changes.max_msgs_per_subject = -1;
  }
  return changes;
}

/**
 * One NATS connection per process. Connects in the background with backoff and
 * reconnects forever, so a broker outage is logged and reported by readiness, not
 * turned into a crash loop.
 */
export class NatsClient {
  private readonly logger: Logger;
  private connection?: NatsConnection;
  private closed = false;
  private disconnected = false;
  private readonly abort = new AbortController();
  readonly ready: Promise<void>;
  js!: JetStreamClient;
  jsm!: JetStreamManager;

  constructor(private readonly options: NatsClientOptions) {
    this.logger = new Logger(`Nats(${options.name})`);
    this.ready = this.connectWithRetry();
    this.ready.catch(() => undefined);
  }

  get nc(): NatsConnection {
    if (!this.connection) throw new Error('NATS is not connected yet');
    return this.connection;
  }

  /** The stream (of this process's streams) whose subjects hold `subject`; undefined when none does. */
  streamOf(subject: string): string | undefined {
    return this.options.streams.find((s) => s.subjects.some((pattern) => subjectMatches(pattern, subject)))?.name;
  }

  get isConnected(): boolean {
    return !!this.connection && !this.connection.isClosed() && !this.disconnected;
  }

  private async connectWithRetry(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        const nc = await connect({
          ...this.options.connectOptions,
          servers: this.options.servers,
          name: this.options.name,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 250,
          timeout: 5000,
        });
        this.connection = nc;
        this.watchStatus(nc);
        this.js = jetstream(nc);
        this.jsm = await jetstreamManager(nc);
        await this.ensureStreams();
        this.logger.log(`connected to ${nc.getServer()}`);
        return;
      } catch (err) {
        const delay = backoffDelay(attempt);
        this.logger.warn(`cannot reach NATS JetStream at ${this.options.servers.join(',')} (${(err as Error).message}); retrying in ${delay} ms`);
        await this.connection?.close().catch(() => undefined);
        this.connection = undefined;
        await sleep(delay, this.abort.signal);
      }
    }
    throw new Error('NATS client closed before it connected');
  }

  private watchStatus(nc: NatsConnection): void {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') {
          this.disconnected = true;
          this.logger.warn(`disconnected from ${s.server}`);
        } else if (s.type === 'reconnect') {
          this.disconnected = false;
          this.logger.log(`reconnected to ${s.server}`);
          // A broker that lost its store comes back without our streams: recreate them
          // (never destructively), so the relay can publish and the outbox be republished.
          void this.ensureStreamsAfterReconnect();
        }
      }
    })().catch(() => undefined);
  }

  private async ensureStreamsAfterReconnect(): Promise<void> {
    for (let attempt = 0; !this.closed && !this.disconnected; attempt++) {
      try {
        await this.ensureStreams();
        return;
      } catch (err) {
        const delay = backoffDelay(attempt);
        this.logger.warn(`cannot check streams after reconnecting (${(err as Error).message}); retrying in ${delay} ms`);
        await sleep(delay, this.abort.signal);
      }
    }
  }

  private async ensureStreams(): Promise<void> {
    for (const spec of this.options.streams) {
      try {
        const info = await this.jsm.streams.info(spec.name);
        const changes = streamChanges(spec, info.config);
        // Only the stream's owner may change it (deploy/nats/auth.conf): anyone else just says so.
        if (Object.keys(changes).length > 0) {
          await this.jsm.streams
            .update(spec.name, { ...info.config, ...changes })
            .then(() => this.logger.warn(`stream ${spec.name} reconciled: ${JSON.stringify(changes)}`))
            .catch((err: Error) =>
              this.logger.warn(
                `stream ${spec.name} differs (${JSON.stringify(changes)}) and this client could not change it (${err.message}; only the owner may)`,
              ),
            );
        }
        continue;
      } catch (err) {
        if (!isStreamNotFound(err)) throw err;
      }
      try {
        await this.jsm.streams.add({
          name: spec.name,
          subjects: [...spec.subjects],
          storage: StorageType.File,
          num_replicas: this.options.replicas ?? 1,
          duplicate_window: nanos(this.options.duplicateWindowMs ?? 120_000),
          max_msg_size: MAX_EVENT_BYTES,
          ...(spec.maxAgeMs ? { max_age: nanos(spec.maxAgeMs) } : {}),
          ...(spec.maxBytes ? { max_bytes: spec.maxBytes } : {}),
        });
        this.logger.log(`created stream ${spec.name} (${spec.subjects.join(', ')})`);
      } catch (err) {
        // Another instance may have created it a moment ago; that is fine.
        await this.jsm.streams.info(spec.name).catch(() => {
          throw err;
        });
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    if (this.connection && !this.connection.isClosed()) await this.connection.drain().catch(() => this.connection?.close());
  }
}
