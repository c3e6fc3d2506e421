import { decideCreate } from './customer';

const customer = { customerId: 'c0000000-0000-4000-8000-000000000001', name: 'Ada', email: 'ada@example.com', createdAt: '2026-01-01T00:00:00.000Z' };

describe('decideCreate', () => {
  it('creates a customer that does not exist', () => {
    expect(decideCreate(null, customer)).toBe('created');
  });

  it('treats a repeat with the same facts as unchanged, twice in a row', () => {
    expect(decideCreate(customer, { ...customer })).toBe('unchanged');
    expect(decideCreate(customer, { ...customer })).toBe('unchanged');
  });

  it('treats a repeat with another name or email as a conflict', () => {
    expect(decideCreate(customer, { ...customer, name: 'Grace' })).toBe('conflict');
    expect(decideCreate(customer, { ...customer, email: 'grace@example.com' })).toBe('conflict');
  });
});
