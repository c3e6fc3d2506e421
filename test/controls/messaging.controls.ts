import type { Control } from './control';

const HOLD = 'libs/jetstream/src/transport/hold-and-retry.ts';
const HOLD_SPEC = 'libs/jetstream/src/transport/hold-and-retry.spec.ts';

/** The consumer's delivery guarantees: the inbox, holding through an outage, giving back at close. */
const controls: Control[] = [
  {
    name: 'inbox-claim-do-update',
    breaks: 'the inbox claims every event id as new, so a redelivered copy takes effect again',
    patches: [
      {
        file: 'libs/outbox/src/inbox.ts',
        find: 'ON CONFLICT (event_id) DO NOTHING',
        replace: 'ON CONFLICT (event_id) DO UPDATE SET event_id = EXCLUDED.event_id',
      },
    ],
    tests: ['test/e2e/join.e2e-spec.ts', 'test/e2e/outbox-relay-crash.e2e-spec.ts'],
    testNamePattern: 'duplicates|republishes',
  },
  {
    name: 'hold-no-working',
    breaks: 'held messages are not kept alive with working(), so they are redelivered during an outage',
    patches: [{ file: HOLD, find: '    msgs.forEach((m) => m.working());\n', replace: '' }],
    tests: [HOLD_SPEC],
  },
  {
    name: 'hold-no-count-reset',
    breaks: 'a real outage does not reset the count of failures while healthy, so a long outage ends failed',
    patches: [{ file: HOLD, find: 'failedProbes === 0 ? failuresWhileHealthy + 1 : 0', replace: 'failuresWhileHealthy + 1' }],
    tests: [HOLD_SPEC],
  },
  {
    name: 'hold-no-retry-limit',
    breaks: 'an "outage" the health probe never sees is retried for ever',
    patches: [{ file: HOLD, find: ' || failuresWhileHealthy >= HEALTHY_RETRY_LIMIT', replace: '' }],
    tests: [HOLD_SPEC],
  },
  {
    name: 'hold-non-transient',
    breaks: 'an error that is not transient is held and retried like an outage',
    patches: [{ file: HOLD, find: '!options.isTransient(error) || ', replace: '' }],
    tests: [HOLD_SPEC],
  },
  {
    name: 'hold-no-nak-on-stop',
    breaks: 'messages held when the consumer stops are not given back',
    patches: [{ file: HOLD, find: '      if (options.giveBack) options.giveBack(msgs);\n      else msgs.forEach((m) => m.nak());\n', replace: '' }],
    tests: [HOLD_SPEC],
  },
  {
    name: 'hold-ignores-stop',
    breaks: 'a consumer stopping while it holds messages keeps holding them',
    patches: [{ file: HOLD, find: 'if (options.isStopping()) {', replace: 'if (options.isStopping() && false) {' }],
    tests: [HOLD_SPEC],
  },
  {
    name: 'hold-tick-past-tickms',
    breaks: 'the keep-alive tick follows the backoff past tickMs, longer than ack_wait allows',
    patches: [{ file: HOLD, find: 'Math.min(backoffDelay(attempt, 200, 5000), options.tickMs)', replace: 'backoffDelay(attempt, 200, 5000)' }],
    tests: [HOLD_SPEC],
  },
  {
    name: 'close-no-give-back',
    breaks: "a consumer's close leaves what its last pull request brought unacknowledged, to wait out ack_wait",
    patches: [{ file: 'libs/jetstream/src/transport/pull-requests.ts', find: '    giveBack(atStop);\n', replace: '' }],
    tests: ['libs/jetstream/src/transport/jetstream.server.int-spec.ts'],
    testNamePattern: 'close\\(\\)',
  },
  {
    name: 'close-give-back-into-open-request',
    breaks: 'messages are given back while their pull request is still open, so they come straight back and spend deliveries',
    patches: [{ file: 'libs/jetstream/src/transport/pull-requests.ts', find: 'if (isStopping()) atStop.push(msg);', replace: 'if (isStopping()) msg.nak();' }],
    tests: ['libs/jetstream/src/transport/jetstream.server.int-spec.ts'],
    testNamePattern: 'close\\(\\)',
  },
  {
    name: 'pull-heartbeats-missed-fails-consumer',
    breaks: "a pull request that nats.js ends with 'heartbeats missed' fails the consumer, which reattaches after a backoff with no request open",
    patches: [
      { file: 'libs/jetstream/src/transport/pull-requests.ts', find: '        if (!isHeartbeatsMissed(err)) throw err;', replace: '        throw err;' },
    ],
    tests: ['libs/jetstream/src/transport/pull-requests.spec.ts'],
  },
  {
    name: 'pull-no-end-check',
    breaks: 'a pull request the server ended without a status (nats-server 2.9.10) ends on the client only by the heartbeat check, and messages wait for it',
    patches: [
      {
        file: 'libs/jetstream/src/transport/pull-requests.ts',
        find: 'const check = endWhenServerEnded(consumer, messages, PULL_EXPIRES_MS);',
        replace: 'const check = { cancel: () => undefined, stopped: () => false };',
      },
    ],
    tests: ['libs/jetstream/src/transport/pull-requests.int-spec.ts'],
  },
];
export default controls;
