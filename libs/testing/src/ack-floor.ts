import { JetStreamManager } from '@nats-io/jetstream';
import { consumers } from '@calm/contracts';
import { waitFor } from './wait';

/**
 * Waits until the durable consumer has acknowledged every message up to stream sequence
 * `seq` and holds none unacknowledged: after this, whatever the consumer did with those
 * messages has committed (it acks after the transaction), so counters and tables can be read.
 */
export async function waitForAckFloor(
  jsm: JetStreamManager,
  seq: number,
  options: { stream?: string; durable?: string; timeoutMs?: number } = {},
): Promise<void> {
  const {
    stream = consumers.validateAccountsWhenCustomerCreated.stream,
    durable = consumers.validateAccountsWhenCustomerCreated.durable,
    timeoutMs = 30_000,
  } = options;
  await waitFor(
    `${durable} to acknowledge ${stream} up to seq ${seq}`,
    async () => {
      const info = await jsm.consumers.info(stream, durable);
      return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0;
    },
    timeoutMs,
    100,
  );
}
