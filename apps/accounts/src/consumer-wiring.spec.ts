import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { consumers, ConsumerWiring, streams } from '@calm/contracts';
import { RejectShellsWhenCustomerSealedConsumer } from './reject-shells-when-customer-sealed/reject-shells-when-customer-sealed.consumer';
import { ValidateAccountsWhenCustomerCreatedConsumer } from './validate-accounts-when-customer-created/validate-accounts-when-customer-created.consumer';

const handlers = [ValidateAccountsWhenCustomerCreatedConsumer, RejectShellsWhenCustomerSealedConsumer];

/** The event types a consumer class handles, from its @EventPattern decorators. */
function patternsOf(cls: { prototype: object }): string[] {
  const proto = cls.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto).flatMap((name) => (Reflect.getMetadata(PATTERN_METADATA, proto[name] as object) as string[] | undefined) ?? []);
}

describe('consumer wiring', () => {
  it.each(handlers.map((h) => [h.name, h] as const))('%s handles exactly the events its durable consumer receives', (_name, handler) => {
    const wiring: ConsumerWiring = handler.wiring;
    const types = patternsOf(handler);
    expect(types).toHaveLength(1);
    expect(wiring.filterSubject).toBe(`${types[0]}.>`);
  });

  it('gives every durable consumer one handler, and no two the same durable or filter', () => {
    expect(handlers.map((h) => h.wiring)).toEqual(expect.arrayContaining(Object.values(consumers)));
    expect(new Set(Object.values(consumers).map((c) => c.durable)).size).toBe(Object.keys(consumers).length);
    expect(new Set(Object.values(consumers).map((c) => c.filterSubject)).size).toBe(Object.keys(consumers).length);
  });

  it('reads from a stream that stores its subjects', () => {
    for (const c of Object.values(consumers)) {
      const stream = Object.values(streams).find((s) => s.name === c.stream);
      expect(stream?.subjects.some((s) => c.filterSubject.startsWith(s.replace('>', '')))).toBe(true);
    }
  });

  it('is granted to the account service in the shipped NATS permissions (deploy/nats/auth.conf)', () => {
    const conf = readFileSync(join(__dirname, '../../../deploy/nats/auth.conf'), 'utf8');
    for (const { stream, durable } of Object.values(consumers)) {
      for (const grant of [`$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}"`, `$JS.ACK.${stream}.${durable}.>"`, `$JS.API.CONSUMER.INFO.${stream}.${durable}"`])
        expect(conf).toContain(grant);
    }
  });
});
