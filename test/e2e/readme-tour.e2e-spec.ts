import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestSystem } from '../support/system';

/**
 * The README's REST tour runs as written: each `curl` example is sent, in order, to
 * started services, and its answer must have the status, headers and shape the README
 * shows (times may differ; everything else is compared as written).
 */
interface Example {
  curl: string;
  status: number;
  /** `// 200 (excerpt)`: the answer holds these fields (objects: these of their fields) among others. */
  excerpt: boolean;
  location?: string;
  lang: string;
  body: string;
}

function examples(readme: string): Example[] {
  const blocks = [...readme.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2].trim() }));
  const out: Example[] = [];
  blocks.forEach((b, i) => {
    if (b.lang !== 'sh' || !b.text.startsWith('curl ')) return;
    const answer = blocks[i + 1];
    const head = /^\/\/ (\d{3})(?:[^\n]*?Location: (\S+))?[^\n]*\n?([\s\S]*)$/.exec(answer.text);
    if (!head) throw new Error(`the example after "${b.text}" does not start with "// <status>"`);
    out.push({
      curl: b.text,
      status: Number(head[1]),
      excerpt: answer.text.split('\n')[0].includes('(excerpt)'),
      location: head[2],
      lang: answer.lang,
      body: head[3].trim(),
    });
  });
  return out;
}

/** The request a curl line makes: -X method, the URL, -H headers, -d body. */
function request(curl: string, urls: Record<string, string>): { url: string; init: RequestInit } {
  const words = [...curl.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
  const init: RequestInit & { headers: Record<string, string> } = { method: 'GET', headers: {} };
  let url = '';
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w === '-X') init.method = words[++i];
    else if (w === '-H') {
      const [k, v] = words[++i].split(/:\s*/);
      init.headers[k] = v;
    } else if (w === '-d') init.body = words[++i];
    else if (w === '-s') continue;
    else url = w.replace(/^localhost:(\d+)/, (_m, port: string) => urls[port]);
  }
  return { url, init };
}

/** A JSON value with its times and cursors replaced, so that only these may differ. */
const timeless = (v: unknown): unknown =>
  JSON.parse(
    JSON.stringify(v)
      .replace(/"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/g, '"<time>"')
      .replace(/"nextCursor":"[^"]+"/g, '"nextCursor":"<cursor>"'),
  );

/** The part of `actual` that `excerpt` shows: the same keys, recursively into objects. */
const cut = (actual: unknown, excerpt: unknown): unknown =>
  excerpt && typeof excerpt === 'object' && !Array.isArray(excerpt) && actual && typeof actual === 'object'
    ? Object.fromEntries(Object.entries(excerpt).map(([k, v]) => [k, cut((actual as Record<string, unknown>)[k], v)]))
    : actual;

/** A metrics line's name and label names. */
const series = (line: string) => {
  const m = /^([a-z_]+)(?:\{([^}]*)\})?/.exec(line)!;
  return `${m[1]}{${(m[2] ?? '')
    .replace(/="[^"]*"/g, '')
    .split(',')
    .sort()
    .join(',')}}`;
};

let system: TestSystem;
let urls: Record<string, string>;

beforeAll(async () => {
  system = await TestSystem.start('readme');
  const [accounts, customers] = await Promise.all([system.startAccounts(), system.startCustomers()]);
  urls = { '3001': accounts.url, '3002': customers.url };
});
afterAll(() => system?.stop());

it('finds the tour: every endpoint of both services', () => {
  const paths = examples(read()).map((e) => `${request(e.curl, { '3001': '', '3002': '' }).init.method} ${e.curl.match(/localhost:\d+(\/[a-z.-]*\/?)/)![1]}`);
  for (const p of [
    'POST /accounts',
    'GET /accounts',
    'GET /accounts/',
    'POST /customers',
    'POST /customers/',
    'GET /customers/',
    'GET /health/',
    'GET /metrics',
    'GET /docs-json',
    'GET /asyncapi.json',
  ]) {
    expect(paths).toContain(p);
  }
});

const read = () => readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

it('answers each curl example of the README as the README shows', async () => {
  for (const example of examples(read())) {
    const { url, init } = request(example.curl, urls);
    // An example after an event waits for it: the answer converges within a few seconds.
    let last = '';
    for (let attempt = 0; attempt < 100; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 100));
      const res = await fetch(url, init);
      const text = await res.text();
      last = `${res.status} ${res.headers.get('location') ?? ''} ${text.slice(0, 2000)}`;
      if (res.status !== example.status) continue;
      if (example.location && res.headers.get('location') !== example.location) continue;
      if (example.lang === 'json') {
        const shown = JSON.parse(example.body) as unknown;
        const answered = example.excerpt ? cut(JSON.parse(text), shown) : JSON.parse(text);
        if (JSON.stringify(timeless(answered)) !== JSON.stringify(timeless(shown))) continue;
      }
      if (example.lang === 'text') {
        const live = new Set(
          text
            .split('\n')
            .filter((l) => /^[a-z]/.test(l))
            .map(series),
        );
        if (!example.body.split('\n').every((l) => live.has(series(l)))) continue;
      }
      last = '';
      break;
    }
    expect({ example: example.curl, answered: last }).toEqual({ example: example.curl, answered: '' });
  }
});
