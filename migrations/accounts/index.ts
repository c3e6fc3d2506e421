import { CreateAccount1763780000001 } from './1763780000001-create-account';
import { CreateKnownCustomer1763780000002 } from './1763780000002-create-known-customer';
import { CreateMessagingTables1763780000003 } from './1763780000003-create-messaging-tables';
import { AccountListKeysetIndexes1763780001101 } from './1763780001101-account-list-keyset-indexes';
import { RetentionIndexes1763780001102 } from './1763780001102-retention-indexes';
import { CreateAccountJoin1763780012001 } from './1763780012001-create-account-join';

/** The account service's migrations, oldest first. */
export const accountsMigrations = [
  CreateAccount1763780000001,
  CreateKnownCustomer1763780000002,
  CreateMessagingTables1763780000003,
  AccountListKeysetIndexes1763780001101,
  RetentionIndexes1763780001102,
  CreateAccountJoin1763780012001,
];
