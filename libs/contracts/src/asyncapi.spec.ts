import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { asyncApiDocument, asyncApiYaml } from './asyncapi';
import { eventSchemas } from './events';

// @asyncapi/parser's DiagnosticSeverity.Error.
const ERROR = 0;
const errorsOf = async (doc: string) =>
  (await new Parser().validate(doc)).filter((d) => d.severity === ERROR).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`);

describe('AsyncAPI document', () => {
  const committed = readFileSync(join(__dirname, '../../../docs/asyncapi.yaml'), 'utf8');

  it('docs/asyncapi.yaml is what `npm run docs:asyncapi` generates now', () => {
    expect(committed).toBe(asyncApiYaml());
  });

  it('is a valid AsyncAPI 3.0 document (no error diagnostics)', async () => {
    expect(await errorsOf(committed)).toEqual([]);
  });

  it('the validation catches a broken document (negative control)', async () => {
    const broken = asyncApiDocument() as { operations: Record<string, { action: string; channel: unknown }> };
    broken.operations.resolveCustomer.action = 'publish';
    broken.operations.publishCustomerCreated.channel = { $ref: '#/channels/NoSuchChannel' };
    const errors = await errorsOf(JSON.stringify(broken));
    expect(errors.some((e) => e.includes('operations.resolveCustomer.action'))).toBe(true);
    expect(errors.some((e) => e.includes('NoSuchChannel') || e.includes('publishCustomerCreated'))).toBe(true);
  });

  it('has a channel per event type on its subject, with the Nats-Msg-Id header, and customers.resolve as request/reply', () => {
    const doc = asyncApiDocument() as {
      channels: Record<string, { address: string | null }>;
      components: { messages: Record<string, { headers?: { required: string[] }; name: string }> };
      operations: Record<string, { action: string; reply?: unknown }>;
    };
    const addresses = Object.values(doc.channels).map((c) => c.address);
    for (const [type, { subjectKey }] of Object.entries(eventSchemas)) {
      expect(addresses).toContain(`${type}.{${subjectKey}}`);
      const message = Object.values(doc.components.messages).find((m) => m.name === type);
      expect(message?.headers?.required).toEqual(['Nats-Msg-Id']);
    }
    expect(addresses).toContain('customers.resolve');
    expect(doc.operations.resolveCustomer).toMatchObject({ action: 'send', reply: expect.anything() });
  });
});
