import { ConfigError } from './config';

/** A subject prefix: dot-separated tokens without wildcards or whitespace. */
const SUBJECT_PREFIX = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;

/**
 * The reply and JetStream API prefixes of a NATS connection. Each role may subscribe only
 * to its own inbox prefix (deploy/nats/auth.conf): `_INBOX_<user>` when the URL names a user
 * that is one subject token, `_INBOX` (the client's default) otherwise. The replay tool
 * reaches the streams through its account's import (`JS.CALM.API`); everyone else uses the
 * default `$JS.API`.
 */
export function parseNatsPrefixes(env: Record<string, string | undefined>, user: string | undefined): { inboxPrefix: string; apiPrefix: string } {
  const inboxPrefix = env.NATS_INBOX_PREFIX?.trim() || (user && /^[A-Za-z0-9_-]+$/.test(user) ? `_INBOX_${user}` : '_INBOX');
  const apiPrefix = env.NATS_JS_API_PREFIX?.trim() || '$JS.API';
  if (!SUBJECT_PREFIX.test(inboxPrefix))
    throw new ConfigError('NATS_INBOX_PREFIX', `"${inboxPrefix}" is not a subject prefix (tokens of letters, digits, _ - $)`);
  if (!SUBJECT_PREFIX.test(apiPrefix)) throw new ConfigError('NATS_JS_API_PREFIX', `"${apiPrefix}" is not a subject prefix (tokens of letters, digits, _ - $)`);
  return { inboxPrefix, apiPrefix };
}
