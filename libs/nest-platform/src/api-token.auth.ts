import { createHash, timingSafeEqual } from 'node:crypto';

/** Paths the contract leaves open even when API_TOKENS is set. */
export const isAuthExempt = (path: string): boolean => path === '/metrics' || path.startsWith('/health/') || path === '/health';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <token>` against the configured tokens. Comparing
 * SHA-256 digests gives timingSafeEqual equal-length inputs, so neither a token's
 * content nor its length leaks through timing; every token is compared (no early exit).
 */
export function bearerTokenChecker(tokens: string[]): (authorization: string | undefined) => boolean {
  const expected = tokens.map(digest);
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const given = digest(match?.[1] ?? '');
    let ok = false;
    for (const e of expected) ok = timingSafeEqual(e, given) || ok;
    return ok && !!match;
  };
}
