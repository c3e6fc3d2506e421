import { Decision, decideSeal } from './decision';

const customerId = 'c0000000-0000-4000-8000-000000000001';
const created: Decision = { state: 'created', customer: { customerId, name: 'Ada', email: 'ada@example.com', createdAt: '2026-01-01T00:00:00.000Z' } };
const sealed: Decision = { state: 'sealed', seal: { customerId, sealedAt: '2026-01-01T00:00:00.000Z' } };

describe('decideSeal', () => {
  it('seals an id nobody decided yet', () => {
    expect(decideSeal(null)).toBe('sealed');
  });

  it('treats a second seal as already sealed, twice in a row', () => {
    expect(decideSeal(sealed)).toBe('already-sealed');
    expect(decideSeal(sealed)).toBe('already-sealed');
  });

  it('never seals a customer that exists', () => {
    expect(decideSeal(created)).toBe('exists');
  });
});
