import { createHash, randomUUID } from 'node:crypto';

/** RFC 4122 name-based UUID (version 5, SHA-1). */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The namespace of every event id this system derives. Never change it: ids are persisted. */
const CALM_EVENTS_NAMESPACE = '6f1c2a4e-9b7d-5e3f-8a1b-c0d2e4f6a8b0';

/**
 * Event ids derived from the entity they describe, so that every replay, retry or
 * restart that emits "the same" fact emits the same id and the inboxes absorb it.
 */
export const eventIds = {
  accountOpened: (accountId: string) => uuidV5(`account.opened/${accountId}`, CALM_EVENTS_NAMESPACE),
  accountValidated: (accountId: string) => uuidV5(`account.validated/${accountId}`, CALM_EVENTS_NAMESPACE),
  accountRejected: (accountId: string) => uuidV5(`account.rejected/${accountId}`, CALM_EVENTS_NAMESPACE),
  customerSealed: (customerId: string) => uuidV5(`customer.sealed/${customerId}`, CALM_EVENTS_NAMESPACE),
  customerCreated: (customerId: string, source = '/customers') =>
    uuidV5(source === '/customers' ? `customer.created/${customerId}` : `customer.created${source}/${customerId}`, CALM_EVENTS_NAMESPACE),
};

export const newId = (): string => randomUUID();
