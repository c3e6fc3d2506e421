import { CreateCustomer1763780000001 } from './1763780000001-create-customer';
import { CreateOutbox1763780000002 } from './1763780000002-create-outbox';
import { SealCustomerId1763780013001 } from './1763780013001-seal-customer-id';
import { PartnerDeadLetters1763780017201 } from './1763780017201-partner-dead-letters';
import { OutboxStoredAt1763780017301 } from './1763780017301-outbox-stored-at';
import { DeadLetterExhaustedOnce1763780017302 } from './1763780017302-dead-letter-exhausted-once';
import { OutboxTraceContext1763780017602 } from './1763780017602-outbox-trace-context';
import { CustomerTraceContext1763780030001 } from './1763780030001-customer-trace-context';

/** The customer service's migrations, oldest first. */
export const customersMigrations = [
  CreateCustomer1763780000001,
  CreateOutbox1763780000002,
  SealCustomerId1763780013001,
  PartnerDeadLetters1763780017201,
  OutboxStoredAt1763780017301,
  DeadLetterExhaustedOnce1763780017302,
  OutboxTraceContext1763780017602,
  CustomerTraceContext1763780030001,
];
