import { MigrationInterface, QueryRunner } from 'typeorm';
import { freshDatabase, queryDatabase, TestDatabase } from '@calm/testing';
import { Database } from './database';

/**
 * Migrations at start: instances starting together take turns under the advisory lock
 * (a slow migration runs once, not once per instance), and MIGRATIONS_RUN=false applies
 * nothing and says why the database is not ready.
 */
class Probe1763780017501 implements MigrationInterface {
  name = 'Probe1763780017501';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE probe (n serial PRIMARY KEY, what text NOT NULL)`);
  }
  async down(): Promise<void> {}
}

class SlowProbe1763780017502 implements MigrationInterface {
  name = 'SlowProbe1763780017502';
  async up(q: QueryRunner): Promise<void> {
    // Long enough that a second instance starting at the same time sees it still pending.
    await q.query(`INSERT INTO probe (what) VALUES ('start'); SELECT pg_sleep(0.5); INSERT INTO probe (what) VALUES ('end')`);
  }
  async down(): Promise<void> {}
}

const dbs: (Database | TestDatabase)[] = [];
afterAll(async () => {
  for (const d of dbs.reverse()) await ('drop' in d ? d.drop() : d.close());
});

it('two instances of a new version starting at once take turns: its migration runs once', async () => {
  const db = await freshDatabase('miglock');
  dbs.push(db);
  // The old version ran; then two instances of the new one, with one more migration, start together.
  const old = new Database({ name: 'miglock-old', url: db.url, migrations: [Probe1763780017501] });
  await old.ready;
  await old.close();
  const instances = [0, 1].map(() => new Database({ name: 'miglock', url: db.url, migrations: [Probe1763780017501, SlowProbe1763780017502] }));
  dbs.push(...instances);
  await Promise.all(instances.map((i) => i.ready));
  expect((await queryDatabase<{ what: string }>(db.url, 'SELECT what FROM probe ORDER BY n')).map((r) => r.what)).toEqual(['start', 'end']);
  expect(await queryDatabase(db.url, 'SELECT name FROM migrations ORDER BY id')).toEqual([{ name: 'Probe1763780017501' }, { name: 'SlowProbe1763780017502' }]);
});

it('two instances starting at once on a fresh database both become ready, each migration applied once', async () => {
  const db = await freshDatabase('migfresh');
  dbs.push(db);
  const instances = [0, 1].map(() => new Database({ name: 'migfresh', url: db.url, migrations: [Probe1763780017501, SlowProbe1763780017502] }));
  dbs.push(...instances);
  await Promise.all(instances.map((i) => i.ready));
  expect((await queryDatabase<{ what: string }>(db.url, 'SELECT what FROM probe ORDER BY n')).map((r) => r.what)).toEqual(['start', 'end']);
  expect(await queryDatabase(db.url, 'SELECT name FROM migrations ORDER BY id')).toEqual([{ name: 'Probe1763780017501' }, { name: 'SlowProbe1763780017502' }]);
});

it('MIGRATIONS_RUN=false applies nothing, is not ready and says why, and becomes ready once another migrator ran', async () => {
  const db = await freshDatabase('migoff');
  dbs.push(db);
  const skipping = new Database({ name: 'migoff', url: db.url, migrations: [Probe1763780017501], migrationsRun: false });
  dbs.push(skipping);
  await new Promise((r) => setTimeout(r, 1500));
  expect(skipping.isConnected).toBe(false);
  await expect(skipping.ping()).rejects.toThrow(/1 migration\(s\) pending and MIGRATIONS_RUN=false: run `npm run db:migrate`/);
  expect(await queryDatabase(db.url, `SELECT to_regclass('migrations') AS m, to_regclass('probe') AS p`)).toEqual([{ m: null, p: null }]);

  const migrator = new Database({ name: 'migoff-migrate', url: db.url, migrations: [Probe1763780017501] });
  dbs.push(migrator);
  await migrator.ready;
  await skipping.ready;
  await expect(skipping.ping()).resolves.toBeUndefined();
});
