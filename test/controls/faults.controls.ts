import type { Control } from './control';

/** Nothing acknowledged is lost under faults: the checks every fault test shares, and what they must see. */
const controls: Control[] = [
  {
    name: 'convergence-ignores-lost',
    breaks: 'expectConverged lets an acknowledged account that answers 404 pass',
    patches: [{ file: 'libs/testing/src/convergence.ts', find: '  if (lost > 0) throw', replace: '  if (lost > 0 && lost < 0) throw' }],
    tests: ['libs/testing/src/convergence.spec.ts'],
  },
  {
    name: 'kills-landed-unchecked',
    breaks: 'expectKillsLanded passes when no kill hit work in flight',
    patches: [{ file: 'libs/testing/src/kill-window.ts', find: 'if (hits === 0 || hits < minFraction * windows.length) {', replace: 'if (hits < 0) {' }],
    tests: ['libs/testing/src/kill-window.spec.ts'],
  },
  {
    name: 'validated-id-not-derived',
    breaks: 'account.validated gets a fresh id each time it is built instead of the one derived from the account',
    patches: [
      {
        file: 'libs/contracts/src/events.ts',
        find: '    id: eventIds.accountValidated(data.accountId),',
        replace: '    id: `${eventIds.accountValidated(data.accountId)}.${Math.random().toString(36).slice(2)}`,',
      },
    ],
    tests: ['test/e2e/faults-crash.e2e-spec.ts'],
  },
  {
    name: 'open-account-blind-to-known-customer',
    breaks: 'the account path does not see a customer already known, so an account opened after its customer stays pending',
    patches: [
      {
        file: 'apps/accounts/src/join/open-account.function.ts',
        find: 'WHERE k.customer_id = p_customer_id)',
        replace: 'WHERE k.customer_id = p_customer_id AND k.created_at IS NULL)',
      },
    ],
    tests: ['test/e2e/join.e2e-spec.ts'],
    testNamePattern: 'customer before account',
  },
  {
    name: 'poison-acked-silently',
    breaks: 'an event the decoder refuses is acknowledged and dropped instead of dead-lettered',
    patches: [
      {
        file: 'libs/jetstream/src/transport/jetstream.server.ts',
        find: '        dead.push({ msg, reason: decoded.reason });\n',
        replace: '        msg.ack();\n',
      },
    ],
    tests: ['test/e2e/faults-fuzz-consumer.e2e-spec.ts', 'test/e2e/faults-dead-letters.e2e-spec.ts'],
  },
  {
    name: 'stream-reader-stops-at-nothing-pending',
    breaks: "a stream read ends when its consumer's replica has nothing pending, before the stream's end",
    patches: [
      {
        file: 'libs/jetstream/src/stream-reader.ts',
        find: '          if (pending === 0 && Date.now() - checkedAt > 1000) {',
        replace: '          if (pending === 0) return settle();\n          if (pending === 0 && Date.now() - checkedAt > 1000) {',
      },
    ],
    tests: ['libs/jetstream/src/stream-reader-cluster.int-spec.ts'],
  },
];
export default controls;
