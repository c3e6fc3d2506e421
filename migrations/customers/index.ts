import { CreateCustomer1763780000001 } from './1763780000001-create-customer';
import { CreateOutbox1763780000002 } from './1763780000002-create-outbox';
import { SealCustomerId1763780013001 } from './1763780013001-seal-customer-id';
import { PartnerDeadLetters1763780017201 } from './1763780017201-partner-dead-letters';

/** The customer service's migrations, oldest first. */
export const customersMigrations = [CreateCustomer1763780000001, CreateOutbox1763780000002, SealCustomerId1763780013001, PartnerDeadLetters1763780017201];
