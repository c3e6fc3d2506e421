import { eventIds } from '@calm/contracts';
import { sql } from '@calm/pg';
import { joinEventRowsSql, lockCustomersSql } from './account-join.sql';

const a = { accountId: '0b6a1f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b', customerId: '1c7b2a4f-2d3e-4f60-9bac-1d2e3f4a5b6c' };

describe('account-join.sql', () => {
  it('locks every customer of the statement, quoted, in key order', () => {
    const text = lockCustomersSql([a.customerId, "x'y"]).text;
    expect(text).toContain('pg_advisory_xact_lock(k)');
    expect(text).toContain(`ARRAY['${a.customerId}','x''y']::text[]`);
    expect(text).toMatch(/ORDER BY k$/);
  });

  it('builds account.validated with the derived id, its time filled from the row', () => {
    const text = joinEventRowsSql(sql`ins`, [a], '2026-01-01T00:00:00.000Z').text;
    expect(text).toContain(`'${eventIds.accountValidated(a.accountId)}'`);
    expect(text).toContain(`'account.validated.${a.accountId}'`);
    expect(text).toContain(`jsonb_set(e.payload, '{data,validatedAt}'`);
    expect(text).toContain('r.validated_at');
    expect(text).toContain('JOIN ins r ON r.account_id = e.account_id AND r.status = e.status');
  });

  it('builds only the event of the outcome an account reached, when its status is known', () => {
    const valid = joinEventRowsSql(sql`account`, [{ ...a, status: 'valid' }], '2026-01-01T00:00:00.000Z').text;
    expect(valid).toContain(`'account.validated.${a.accountId}'`);
    expect(valid).not.toContain('account.rejected');
    const rejected = joinEventRowsSql(sql`account`, [{ ...a, status: 'rejected' }], '2026-01-01T00:00:00.000Z').text;
    expect(rejected).toContain(`'account.rejected.${a.accountId}'`);
    expect(rejected).not.toContain('account.validated');
  });

  it('builds both possible events of an account whose status it is not told', () => {
    const text = joinEventRowsSql(sql`ins`, [a], '2026-01-01T00:00:00.000Z').text;
    expect(text).toContain(`'account.validated.${a.accountId}'`);
    expect(text).toContain(`'account.rejected.${a.accountId}'`);
  });

  it('refuses an empty list (VALUES cannot be empty)', () => {
    expect(() => joinEventRowsSql(sql`ins`, [], '2026-01-01T00:00:00.000Z')).toThrow(/no accounts/);
  });
});
