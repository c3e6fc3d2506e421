import { CreateAccount1763780000001 } from './1763780000001-create-account';
import { CreateKnownCustomer1763780000002 } from './1763780000002-create-known-customer';
import { CreateMessagingTables1763780000003 } from './1763780000003-create-messaging-tables';
import { AccountListKeysetIndexes1763780001101 } from './1763780001101-account-list-keyset-indexes';
import { RetentionIndexes1763780001102 } from './1763780001102-retention-indexes';
import { CreateAccountJoin1763780012001 } from './1763780012001-create-account-join';
import { RejectedAccounts1763780013001 } from './1763780013001-rejected-accounts';
import { AccountJoinRejected1763780013002 } from './1763780013002-account-join-rejected';
import { OpenAccountFunction1763780015001 } from './1763780015001-open-account-function';
import { CustomerFactsFunction1763780015002 } from './1763780015002-customer-facts-function';
import { OpenAccountsFunction1763780016001 } from './1763780016001-open-accounts-function';
import { OpenAccountsAlwaysLocks1763780017001 } from './1763780017001-open-accounts-always-locks';
import { OutboxStoredAt1763780017301 } from './1763780017301-outbox-stored-at';
import { DeadLetterExhaustedOnce1763780017302 } from './1763780017302-dead-letter-exhausted-once';
import { AccountKeysetIndex1763780017501 } from './1763780017501-account-keyset-index';
import { OutboxTraceContext1763780017601 } from './1763780017601-outbox-trace-context';
import { OpenAccountsTraceContext1763780017603 } from './1763780017603-open-accounts-trace-context';
import { FactTraceContext1763780017701 } from './1763780017701-fact-trace-context';
import { OutcomeEventBuiltOnce1763780031001 } from './1763780031001-outcome-event-built-once';

/** The account service's migrations, oldest first. */
export const accountsMigrations = [
  CreateAccount1763780000001,
  CreateKnownCustomer1763780000002,
  CreateMessagingTables1763780000003,
  AccountListKeysetIndexes1763780001101,
  RetentionIndexes1763780001102,
  CreateAccountJoin1763780012001,
  RejectedAccounts1763780013001,
  AccountJoinRejected1763780013002,
  OpenAccountFunction1763780015001,
  CustomerFactsFunction1763780015002,
  OpenAccountsFunction1763780016001,
  OpenAccountsAlwaysLocks1763780017001,
  OutboxStoredAt1763780017301,
  DeadLetterExhaustedOnce1763780017302,
  AccountKeysetIndex1763780017501,
  OutboxTraceContext1763780017601,
  OpenAccountsTraceContext1763780017603,
  FactTraceContext1763780017701,
  OutcomeEventBuiltOnce1763780031001,
];
