import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { fuzzSeed, hostileJson, hostileString, mutatedObject } from '@calm/testing';
import { http, TestSystem } from '../support/system';

/**
 * Property-based fuzzing of the account service's REST endpoints: whatever arrives,
 * the answer is never a 5xx, an error is a JSON body naming the problem, and the
 * service still works afterwards. Replay a failure with FUZZ_SEED=<seed>.
 */
jest.setTimeout(120_000);

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
let system: TestSystem;
let url: string;

beforeAll(async () => {
  system = await TestSystem.start('fuzzhttp');
  ({ url } = await system.startAccounts());
});
afterAll(() => system?.stop());

async function raw(method: string, path: string, body: string | undefined, contentType = 'application/json') {
  const res = await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': contentType }, body });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** Every UTF-8 byte percent-encoded (encodeURIComponent throws on lone surrogates). */
const percentEncoded = (s: string) => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

function expectSane(res: { status: number; text: string; json: any }, what: string) {
  if (res.status >= 500) throw new Error(`${what} answered ${res.status}: ${res.text.slice(0, 300)}`);
  if (res.status >= 400) {
    expect(res.json).toEqual(expect.objectContaining({ statusCode: res.status, message: expect.anything() }));
  }
}

const template = { accountId: randomUUID(), customerId: randomUUID(), currency: 'EUR' };
const postBody = fc.oneof(
  mutatedObject(template).map((o) => JSON.stringify(o)),
  hostileJson().map((v) => JSON.stringify(v) ?? 'null'),
  hostileString(), // mostly not JSON at all
  fc.constant(JSON.stringify({ ...template, customerId: 'x'.repeat(70_000) })), // over the 64 KiB limit
);

it('POST /accounts never answers 5xx, whatever the body', async () => {
  await fc.assert(
    fc.asyncProperty(
      postBody,
      fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded'),
      async (body, type) => {
        const res = await raw('POST', '/accounts', body, type);
        expectSane(res, `POST /accounts ${type} ${body.slice(0, 200)}`);
        if (res.status === 201 || res.status === 200) {
          const sent = JSON.parse(body);
          expect(res.json.customerId).toBe(sent.customerId);
        }
      },
    ),
    { numRuns: RUNS, seed: fuzzSeed('POST /accounts') },
  );
});

it('GET /accounts/{id} and ?customerId= never answer 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(hostileString(), fc.boolean(), async (s, byPath) => {
      const path = byPath ? `/accounts/${percentEncoded(s.slice(0, 2000))}` : `/accounts?customerId=${percentEncoded(s.slice(0, 2000))}`;
      const res = await raw('GET', path, undefined);
      expectSane(res, `GET ${path.slice(0, 200)}`);
      expect([200, 400, 404, 414]).toContain(res.status);
    }),
    { numRuns: RUNS, seed: fuzzSeed('GET /accounts') },
  );
});

it('still opens and reads accounts after the fuzzing', async () => {
  const [accountId, customerId] = [randomUUID(), randomUUID()];
  expect((await http(url, 'POST', '/accounts', { accountId, customerId })).status).toBe(201);
  const got = await http(url, 'GET', `/accounts/${accountId}`);
  expect(got.status).toBe(200);
  expect(got.body).toEqual(expect.objectContaining({ accountId, customerId, currency: 'EUR', status: 'pending' }));
});
