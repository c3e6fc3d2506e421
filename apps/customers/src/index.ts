// What other apps and the bench may use of the customer service; anything not listed is
// internal to the service.
export { startCustomersService } from './customers.app';
export type { CustomersTuning } from './customers.module';
export { CustomerOrmEntity } from './persistence/customer.orm-entity';
export { CustomerStore } from './persistence/customer.store';
