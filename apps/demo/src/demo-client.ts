/** A tiny REST client for the demo, with the bearer token when API_TOKENS is set. */
export class DemoClient {
  constructor(
    private readonly base: string,
    private readonly token?: string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** A text resource (GET), e.g. /metrics. */
  async text(path: string): Promise<string> {
    const res = await fetch(`${this.base}${path}`, { headers: this.token ? { authorization: `Bearer ${this.token}` } : {} });
    return res.text();
  }

  /** Fails with a message that says what to do when the service is not there. */
  async expectReady(name: string, startHint: string): Promise<void> {
    let status: number | string;
    try {
      status = (await this.request('GET', '/health/ready')).status;
    } catch (err) {
      status = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    }
    if (status !== 200) throw new Error(`${name} service at ${this.base} is not ready (${status}); ${startHint}`);
  }
}
