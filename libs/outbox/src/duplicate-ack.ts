import { JetStreamManager } from '@nats-io/jetstream';
import { OutgoingMessage } from './outgoing-message';

/**
 * A PubAck with `duplicate: true` says only "a message with this Nats-Msg-Id is already
 * in the stream", whatever its subject and body. Ids are derived and predictable, so
 * anyone who may publish on the stream could store a different message under our id
 * first and make the real event vanish inside the dedupe window. This error marks such
 * a collision: the row is NOT published, and the relay alerts and retries it after the
 * window, when JetStream no longer dedupes against the impostor.
 */
export class DuplicateIdCollision extends Error {
  readonly collision = true;
}

export const isDuplicateIdCollision = (r: unknown): r is DuplicateIdCollision => r instanceof DuplicateIdCollision;

/**
 * Checks the message stored at the acknowledged sequence: a genuine duplicate (our own
 * earlier copy, e.g. after a crash between publish and mark) has the same subject, the
 * same Nats-Msg-Id and the same bytes (the outbox serialises a row the same way every
 * time). Answers true when it is ours, a DuplicateIdCollision when it is not, and an
 * ordinary Error when it cannot tell (the relay then retries as after any failure).
 */
export async function checkDuplicate(jsm: JetStreamManager, ack: { stream: string; seq: number }, sent: OutgoingMessage): Promise<true | Error> {
  let stored;
  try {
    stored = await jsm.streams.getMessage(ack.stream, { seq: ack.seq });
  } catch (err) {
    return new Error(`duplicate PubAck for ${sent.msgID} could not be checked: ${(err as Error).message}`);
  }
  if (!stored) return new Error(`duplicate PubAck for ${sent.msgID}: ${ack.stream} seq ${ack.seq} is gone`);
  const storedId = stored.header?.get('Nats-Msg-Id') ?? '';
  const sameBytes = Buffer.from(stored.data).equals(Buffer.from(sent.data, 'utf8'));
  if (stored.subject === sent.subject && storedId === sent.msgID && sameBytes) return true;
  const what =
    stored.subject !== sent.subject ? `subject ${JSON.stringify(stored.subject)}` : storedId !== sent.msgID ? 'another Nats-Msg-Id' : 'a different body';
  return new DuplicateIdCollision(
    `Nats-Msg-Id ${sent.msgID} collides with ${ack.stream} seq ${ack.seq} (${what}, not ours on ${sent.subject}); not counted as published`,
  );
}
