import { DatabaseUnavailableError, MigrationsPendingError } from '@calm/pg';
import { probeOutcome } from './health.controller';

describe('/health/ready probe outcomes', () => {
  it("names the part that is down without the driver's text (host, port, user)", async () => {
    const outcome = await probeOutcome('database', async () => {
      throw new Error('password authentication failed for user "svc_accounts" at db.internal.example:5432 (connect ECONNREFUSED 10.0.0.7:5432)');
    });
    expect(outcome).toEqual({ up: false, message: 'database is unavailable' });
  });

  it("shows a reason written for the operator (migrations pending), carried inside the database's error", async () => {
    const outcome = await probeOutcome('database', async () => {
      throw new DatabaseUnavailableError(new MigrationsPendingError(['AddThing1']));
    });
    expect(outcome).toEqual({ up: false, message: 'database is unavailable: 1 migration(s) pending and MIGRATIONS_RUN=false: run `npm run db:migrate`' });
  });

  it('says when a part did not answer in time, and up when it did', async () => {
    expect(await probeOutcome('nats', () => new Promise(() => undefined), 20)).toEqual({ up: false, message: 'no answer in 20 ms' });
    expect(await probeOutcome('nats', async () => undefined)).toEqual({ up: true });
  });
});
