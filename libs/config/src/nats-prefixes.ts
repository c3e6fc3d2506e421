/**
 * The reply and JetStream API prefixes of a NATS connection. Each role may subscribe only
 * to its own inbox prefix (deploy/nats/auth.conf): `_INBOX_<user>` when the URL names a user
 * that is one subject token, `_INBOX` (the client's default) otherwise. The replay tool
 * reaches the streams through its account's import (`JS.CALM.API`); everyone else uses the
 * default `$JS.API`. Both values were checked as subject prefixes by the schema (env/variables.ts).
 */
export function natsPrefixes(inbox: string | undefined, api: string, user: string | undefined): { inboxPrefix: string; apiPrefix: string } {
  const inboxPrefix = inbox || (user && /^[A-Za-z0-9_-]+$/.test(user) ? `_INBOX_${user}` : '_INBOX');
  return { inboxPrefix, apiPrefix: api };
}
