import type { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { Database } from '@calm/pg';

/** The driver's pool of a connected Database (throws DatabaseUnavailableError, a 503, while it is not). */
export const driverPool = (db: Database): Pool => (db.manager().connection.driver as PostgresDriver).master as Pool;
