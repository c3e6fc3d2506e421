/**
 * Secrets must never reach a log line. Headers are redacted by path in the pino
 * configuration; this catches what hides inside free text: a password or token
 * written into a URL (postgres://user:secret@host, nats://token@host).
 */
// The userinfo ends at the LAST "@" of the authority (RFC 3986: "@" cannot occur in a
// host), so a password holding a raw "@" (u:p@ss@host) is redacted whole. The authority
// ends at whitespace, "/", "?" or "#".
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#]*)@/gi;

export function redactUrlCredentials(text: string): string {
  // user:password@ keeps the user name (useful when debugging); a lone token@ goes entirely.
  return text.replace(URL_CREDENTIALS, (_m, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon < 0 ? `${scheme}[redacted]@` : `${scheme}${userinfo.slice(0, colon)}:[redacted]@`;
  });
}

/** Header and field paths pino removes from every log object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.pass',
  '*.token',
  '*.apiTokens',
  '*.authorization',
];
