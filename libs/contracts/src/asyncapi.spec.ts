import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiDocument, asyncApiYaml } from './asyncapi';
import { eventSchemas } from './events';

// The document's validity under the AsyncAPI parser: asyncapi-validation.spec.ts.

describe('AsyncAPI document', () => {
  const committed = readFileSync(join(__dirname, '../../../docs/asyncapi.yaml'), 'utf8');

  it('docs/asyncapi.yaml is what `npm run docs:asyncapi` generates now', () => {
    expect(committed).toBe(asyncApiYaml());
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

  it("documents the third parties' one channel, partner.customer.announced on PARTNERS, with its schema", () => {
    const doc = asyncApiDocument() as {
      channels: Record<string, { address: string | null; description: string }>;
      components: { schemas: Record<string, { properties: Record<string, { const?: string }> }> };
    };
    expect(doc.channels.PartnerCustomerAnnounced).toMatchObject({
      address: 'partner.customer.announced.{customerId}',
      description: expect.stringMatching(/^Stream PARTNERS/),
    });
    expect(doc.components.schemas.PartnerCustomerAnnounced.properties.type.const).toBe('partner.customer.announced');
  });
});
