import { eventIds } from './ids';

/**
 * Derived event ids are stored in the streams and in every inbox: a derivation that
 * changed would give a replayed or retried fact a new id, and the inboxes would apply it
 * twice. These values are the ids as released; they must never change.
 */
const customerId = '0b8f1e0c-4a43-4b8e-9a3c-3c8a1f2d9e11';
const accountId = '9a1b6c1e-1f0e-4e44-8f0e-6f8a5b0c2d3e';

describe('derived event ids as released', () => {
  it.each([
    ['account.opened', () => eventIds.accountOpened(accountId), '99496d62-45aa-52bc-947e-62a850f5ad35'],
    ['account.validated', () => eventIds.accountValidated(accountId), '53061cad-2277-5ca3-b351-b366fffbd166'],
    ['account.rejected', () => eventIds.accountRejected(accountId), 'ea5e94b3-0fd3-510d-8c99-6cc0064502af'],
    ['customer.sealed', () => eventIds.customerSealed(customerId), '2b938a27-7668-5b03-bd91-b4624c73f18a'],
    ['customer.created by its owner', () => eventIds.customerCreated(customerId), '323c08d3-06dd-5629-8700-4fd786a55cca'],
    ['customer.created by the owner named', () => eventIds.customerCreated(customerId, '/customers'), '323c08d3-06dd-5629-8700-4fd786a55cca'],
    ['customer.created by another publisher', () => eventIds.customerCreated(customerId, '/crm'), 'efcbca6f-6f6c-5afd-b41f-447a72571d2e'],
  ])('%s', (_l, id, released) => expect(id()).toBe(released));
});
