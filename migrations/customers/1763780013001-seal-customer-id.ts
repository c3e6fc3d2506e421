import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer row becomes the decision about its id: created (name, email, created_at)
 * or sealed (sealed_at), one row per id under the existing primary key, so the two
 * outcomes compete for ONE unique key and no id can ever be both (docs/shells.md).
 */
export class SealCustomerId1763780013001 implements MigrationInterface {
  name = 'SealCustomerId1763780013001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE customer
        ALTER COLUMN name DROP NOT NULL,
        ALTER COLUMN email DROP NOT NULL,
        ALTER COLUMN created_at DROP NOT NULL,
        ADD COLUMN sealed_at timestamptz,
        -- an id is decided exactly one way: created with its facts, or sealed
        ADD CONSTRAINT customer_created_or_sealed CHECK (
          (sealed_at IS NULL AND name IS NOT NULL AND email IS NOT NULL AND created_at IS NOT NULL)
          OR (sealed_at IS NOT NULL AND name IS NULL AND email IS NULL AND created_at IS NULL));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM customer WHERE sealed_at IS NOT NULL;
      ALTER TABLE customer DROP CONSTRAINT customer_created_or_sealed, DROP COLUMN sealed_at,
        ALTER COLUMN name SET NOT NULL, ALTER COLUMN email SET NOT NULL, ALTER COLUMN created_at SET NOT NULL;
    `);
  }
}
