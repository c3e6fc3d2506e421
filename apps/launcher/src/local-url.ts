/**
 * Which configured URLs `npm start` may back with a server of its own: the defaults, or
 * the same shape on another port (loopback, no credentials; for PostgreSQL the user
 * `postgres` and both service databases on one server). Anything else is somebody's
 * server, and a server that does not answer there is retried by the services, not replaced.
 */
const LOOPBACK = new Set(['127.0.0.1', 'localhost']);

/** The port a local default-shaped PostgreSQL URL pair points at, or undefined. */
export function localPostgresPort(urls: string[]): number | undefined {
  const ports = new Set<number>();
  for (const raw of urls) {
    const u = new URL(raw);
    if (!['postgres:', 'postgresql:'].includes(u.protocol) || !LOOPBACK.has(u.hostname) || u.username !== 'postgres' || u.password || u.search)
      return undefined;
    ports.add(Number(u.port || 5432));
  }
  return ports.size === 1 ? [...ports][0] : undefined;
}

/** The port of a single loopback NATS URL without credentials, or undefined. */
export function localNatsPort(natsUrl: string): number | undefined {
  if (natsUrl.includes(',')) return undefined;
  const u = new URL(natsUrl.includes('://') ? natsUrl : `nats://${natsUrl}`);
  if (u.protocol !== 'nats:' || !LOOPBACK.has(u.hostname) || u.username || u.password) return undefined;
  return Number(u.port || 4222);
}
