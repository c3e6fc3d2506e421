import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Msg, Subscription } from '@nats-io/transport-node';
import { RESOLVE_QUEUE, RESOLVE_SUBJECT, ResolveReply, describeIssues, resolveRequest } from '@calm/contracts';
import { NatsClient } from '@calm/jetstream';
import { CLOCK, Clock } from '@calm/config';
import { CustomerStore } from '../persistence/customer.store';
import { inResolveSpan, resolvingCustomer } from './resolve-span';

/**
 * The owner's side of customers.resolve: a plain subscription in a queue group, so every
 * instance of the customer service takes a share of the requests. The answer is sent
 * after the transaction that decided (or re-announced) the id has committed its event to
 * the outbox: an answer the account service acts on is always backed by a published fact.
 */
@Injectable()
export class ResolveCustomerResponder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('customers.resolve');
  private subscription?: Subscription;
  private stopped = false;

  constructor(
    private readonly nats: NatsClient,
    private readonly store: CustomerStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    // NATS may not be reachable yet; the subscription follows the connection when it comes.
    void this.nats.ready.then(
      () => {
        if (this.stopped) return;
        this.subscription = this.nats.nc.subscribe(RESOLVE_SUBJECT, {
          queue: RESOLVE_QUEUE,
          callback: (err, msg) => (err ? this.logger.warn(err.message) : void this.answer(msg)),
        });
      },
      () => undefined,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.subscription?.drain().catch(() => undefined);
  }

  async handle(data: Uint8Array): Promise<ResolveReply> {
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(data));
    } catch {
      return { error: 'request is not JSON: expected { "customerId": uuid }' };
    }
    const request = resolveRequest.safeParse(body);
    if (!request.success) return { error: `bad request: ${describeIssues(request.error)}` };
    resolvingCustomer(request.data.customerId);
    const decision = await this.store.resolve(request.data.customerId, this.clock());
    return decision.state === 'created'
      ? { customerId: decision.customer.customerId, state: 'created', createdAt: decision.customer.createdAt }
      : { customerId: decision.seal.customerId, state: 'sealed', sealedAt: decision.seal.sealedAt };
  }

  private async answer(msg: Msg): Promise<void> {
    const reply = await inResolveSpan(msg, () =>
      this.handle(msg.data).catch((err: Error): ResolveReply => {
        // Nothing was decided (the transaction rolled back): the asker tries again later.
        this.logger.warn(`cannot resolve: ${err.message}`);
        return { error: `not resolved: ${err.message}` };
      }),
    );
    if (msg.reply) msg.respond(JSON.stringify(reply));
  }
}
