import { decodeEvent } from './decode';
import { customerCreated } from './events';
import { fastDecodeEvent } from './fast-decode';

const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const event = customerCreated({ customerId: '0b0e6c2e-3f51-4a8c-9a55-2e1f0f7f4b11', name: 'Ada', email: 'ada@example.com' }, '2026-01-02T03:04:05.000Z');
const subject = `customer.created.${event.data.customerId}`;
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe('the CloudEvents distributed-tracing extension', () => {
  it.each([
    ['the full decoder', decodeEvent],
    ['the fast path', fastDecodeEvent],
  ])('%s keeps traceparent and tracestate', (_name, decode) => {
    const decoded = decode(enc({ ...event, traceparent, tracestate: 'vendor=1' }), subject);
    expect(decoded).toEqual({ ok: true, value: expect.objectContaining({ traceparent, tracestate: 'vendor=1' }) });
  });

  it.each([
    ['the full decoder', decodeEvent],
    ['the fast path', fastDecodeEvent],
  ])('%s refuses a traceparent that is not W3C, naming it', (_name, decode) => {
    const decoded = decode(enc({ ...event, traceparent: 'not-a-trace' }), subject);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toContain('traceparent');
  });
});
