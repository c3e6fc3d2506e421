import { CreateCustomer1763780000001 } from './1763780000001-create-customer';
import { CreateOutbox1763780000002 } from './1763780000002-create-outbox';
import { SealCustomerId1763780013001 } from './1763780013001-seal-customer-id';
import { OutboxTraceContext1763780017602 } from './1763780017602-outbox-trace-context';

/** The customer service's migrations, oldest first. */
export const customersMigrations = [CreateCustomer1763780000001, CreateOutbox1763780000002, SealCustomerId1763780013001, OutboxTraceContext1763780017602];
