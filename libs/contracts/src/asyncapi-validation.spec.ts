import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { asyncApiDocument } from './asyncapi';

// @asyncapi/parser's DiagnosticSeverity.Error.
const ERROR = 0;
const errorsOf = async (doc: string) =>
  (await new Parser().validate(doc)).filter((d) => d.severity === ERROR).map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`);

// Apart from asyncapi.spec.ts: the parser takes seconds to load, and mutation testing
// (test/mutation/jest.config.js) leaves this file out; asyncapi.spec.ts checks that the
// committed document is exactly what asyncapi.ts generates, so any change to it is caught there.
describe('AsyncAPI document validity', () => {
  const committed = readFileSync(join(__dirname, '../../../docs/asyncapi.yaml'), 'utf8');

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
});
