import type { Control } from './control';

/** Nothing dropped silently: exhausted deliveries become dead letters; what the broker forgot is re-driven. */
const controls: Control[] = [
  {
    name: 'outbox-redrive-disabled',
    breaks: 'the outbox audit finds lost events but never puts them back for publishing',
    patches: [
      {
        file: 'libs/outbox/src/outbox-audit.ts',
        find: '    const redriven = await this.redrive(since, last);',
        replace: '    const redriven = since < 0 ? await this.redrive(since, last) : 0;',
      },
    ],
    tests: ['test/e2e/faults-amnesia.e2e-spec.ts', 'libs/outbox/src/outbox-audit.int-spec.ts'],
  },
  {
    name: 'max-deliveries-listener-removed',
    breaks: 'nobody listens for the max-deliveries advisory: a message exhausted by crashes is neither applied nor dead-lettered',
    patches: [{ file: 'libs/jetstream/src/transport/jetstream.server.ts', find: '        this.exhausted.listen();', replace: '        void 0;' }],
    tests: ['test/e2e/faults-crash-loop.e2e-spec.ts'],
  },
  {
    name: 'exhausted-letter-not-unique',
    breaks: 'two instances hearing the same max-deliveries advisory may both write a dead letter',
    patches: [
      {
        file: 'migrations/shared/messaging-tables.ts',
        find: 'CREATE UNIQUE INDEX dead_letter_exhausted_once',
        replace: 'CREATE INDEX dead_letter_exhausted_once',
      },
      {
        file: 'libs/jetstream/src/dead-letter.ts',
        find: "       ON CONFLICT (stream, consumer, stream_seq) WHERE reason = 'max deliveries' DO NOTHING RETURNING id",
        replace: '       RETURNING id',
      },
    ],
    tests: ['libs/jetstream/src/transport/max-deliveries.listener.int-spec.ts'],
    testNamePattern: 'same moment',
  },
  {
    name: 'nak-on-last-delivery',
    breaks: "a message given back on its last delivery is nak'd, spending it for nothing",
    patches: [
      {
        file: 'libs/jetstream/src/transport/give-back.ts',
        find: '    msgs.filter((m) => m.info.deliveryCount < maxDeliver).forEach((m) => m.nak());',
        replace: '    msgs.forEach((m) => m.nak());',
      },
    ],
    tests: ['libs/jetstream/src/transport/give-back.spec.ts'],
  },
  {
    name: 'relay-forgets-stored-at',
    breaks: 'the relay marks rows published without the stream and sequence of their PubAck',
    patches: [{ file: 'libs/outbox/src/outbox.ts', find: 'done.map((d) => d.ack.seq)', replace: 'done.map(() => null)' }],
    tests: ['libs/outbox/src/outbox-audit.int-spec.ts'],
  },
  {
    name: 'audit-reads-stream-before-outbox',
    breaks: 'the audit reads the outbox range after the stream info, so a PubAck recorded in between looks like a lost tail',
    patches: [
      {
        file: 'libs/outbox/src/outbox-audit.ts',
        find: '    const created = String(info.created);\n',
        replace:
          '    const created = String(info.created);\n    Object.assign(range, (await this.db.manager().query(`SELECT min(stream_seq) AS lo, max(stream_seq) AS hi FROM outbox WHERE stream = $1 AND stream_seq IS NOT NULL AND published_at IS NOT NULL`, [stream]))[0]);\n',
      },
    ],
    tests: ['libs/outbox/src/outbox-audit.int-spec.ts'],
    testNamePattern: 'healthy broker',
  },
  {
    name: 'exhausted-letter-for-applied-event',
    breaks: 'a message the server gave up on after its work committed (its id in the inbox) is dead-lettered anyway',
    patches: [
      { file: 'libs/jetstream/src/dead-letter.ts', find: '    if (l.eventId !== undefined && (await this.applied(l.eventId))) return false;\n', replace: '' },
    ],
    tests: ['libs/jetstream/src/transport/max-deliveries.listener.int-spec.ts'],
    testNamePattern: 'was applied',
  },
  {
    name: 'audit-waits-for-unreachable-broker',
    breaks: 'the outbox audit waits for a NATS that never answers, so the service cannot stop',
    patches: [
      {
        file: 'libs/outbox/src/outbox-audit.ts',
        find: '    await Promise.race([ready.catch(() => undefined), stopped]);\n',
        replace: '    await ready.catch(() => undefined);\n',
      },
    ],
    tests: ['test/e2e/nats-auth.e2e-spec.ts'],
    testNamePattern: 'shuts down within 10 s',
  },
  {
    name: 'exhausted-letter-without-settle',
    breaks: 'an exhausted message is recorded the moment the database answers, before the consumer commits the copy it still holds',
    patches: [
      {
        file: 'libs/jetstream/src/transport/max-deliveries.listener.ts',
        find: '          await sleep(this.settle.settleMs, this.stopped.signal);\n',
        replace: '',
      },
    ],
    tests: ['libs/jetstream/src/transport/max-deliveries.listener.int-spec.ts'],
    testNamePattern: 'gives the consumer its ack wait',
  },
];
export default controls;
