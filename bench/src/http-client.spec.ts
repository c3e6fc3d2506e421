import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { JsonHttpClient } from './http-client';

describe("JsonHttpClient (the bench's one HTTP client)", () => {
  let server: Server;
  let http: JsonHttpClient;
  const seen: { method?: string; url?: string; type?: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
        if (req.url === '/broken') return res.writeHead(502).end('<html>bad gateway</html>');
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: body || null }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    http = new JsonHttpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    http.close();
    await new Promise((r) => server.close(r));
  });

  it('sends a JSON body and answers the status and the parsed JSON', async () => {
    const res = await http.post('/accounts', { accountId: 'ä\u0000' });
    expect(res).toEqual({ status: 201, body: { echo: JSON.stringify({ accountId: 'ä\u0000' }) } });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/accounts', type: 'application/json' });
  });

  it('GETs without a body', async () => {
    expect(await http.get('/accounts/x')).toEqual({ status: 200, body: { echo: null } });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/accounts/x', body: '' });
  });

  it('refuses an answer that is not JSON, naming the request and its status', async () => {
    await expect(http.get('/broken')).rejects.toThrow(/GET \/broken answered 502/);
  });

  it('rejects when nothing listens', async () => {
    const idle = createServer();
    await new Promise<void>((r) => idle.listen(0, '127.0.0.1', r));
    const port = (idle.address() as AddressInfo).port;
    await new Promise((r) => idle.close(r));
    const closed = new JsonHttpClient(`http://127.0.0.1:${port}`);
    await expect(closed.get('/')).rejects.toThrow(/ECONNREFUSED/);
    closed.close();
  });

  it('call never rejects: the status and the text of an answer that is not JSON, status 0 when nothing answers', async () => {
    expect(await http.call('GET', '/broken')).toEqual({ status: 502, body: '<html>bad gateway</html>' });
    expect(await http.call('POST', '/x', { a: 1 })).toEqual({ status: 201, body: { echo: '{"a":1}' } });
    const idle = createServer();
    await new Promise<void>((r) => idle.listen(0, '127.0.0.1', r));
    const port = (idle.address() as AddressInfo).port;
    await new Promise((r) => idle.close(r));
    const closed = new JsonHttpClient(`http://127.0.0.1:${port}`);
    expect(await closed.call('GET', '/')).toEqual({ status: 0, body: null });
    closed.close();
  });
});
