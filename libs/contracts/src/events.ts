import { z } from 'zod';
import { CloudEvent } from './cloud-event';
import { FIELD_LENGTHS } from './field-checks';
import { currencyCode, eventEmail, instant, text, uuid } from './fields';
import { eventIds } from './ids';

/** Event data: the canonical fields of fields.ts; unknown fields pass through (publishers may add some). */
export const customerCreatedData = z.looseObject({ customerId: uuid, name: text(...FIELD_LENGTHS.name), email: eventEmail });
export const accountOpenedData = z.looseObject({ accountId: uuid, customerId: uuid, currency: currencyCode, openedAt: instant });
export const accountValidatedData = z.looseObject({ accountId: uuid, customerId: uuid, validatedAt: instant });

export type CustomerCreatedData = z.output<typeof customerCreatedData>;
export type AccountOpenedData = z.output<typeof accountOpenedData>;
export type AccountValidatedData = z.output<typeof accountValidatedData>;

/** The owner's decision that this customer id will never be created (see docs/shells.md). */
export const customerSealedData = z.looseObject({ customerId: uuid, sealedAt: instant });
export const accountRejectedData = z.looseObject({ accountId: uuid, customerId: uuid, rejectedAt: instant });
export type CustomerSealedData = z.output<typeof customerSealedData>;
export type AccountRejectedData = z.output<typeof accountRejectedData>;

export type CustomerCreated = CloudEvent<'customer.created', CustomerCreatedData> & { time: string };
export type AccountOpened = CloudEvent<'account.opened', AccountOpenedData>;
export type AccountValidated = CloudEvent<'account.validated', AccountValidatedData>;
export type CustomerSealed = CloudEvent<'customer.sealed', CustomerSealedData>;
export type AccountRejected = CloudEvent<'account.rejected', AccountRejectedData>;

export type KnownEvent = CustomerCreated | AccountOpened | AccountValidated | CustomerSealed | AccountRejected;

/**
 * What each event type needs beyond the envelope. `subjectKey` names the data field
 * that must equal the last token of the NATS subject and the CloudEvents `subject`.
 */
export const eventSchemas = {
  'customer.created': { data: customerCreatedData, subjectKey: 'customerId', needsTime: true },
  'account.opened': { data: accountOpenedData, subjectKey: 'accountId', needsTime: false },
  'account.validated': { data: accountValidatedData, subjectKey: 'accountId', needsTime: false },
  'customer.sealed': { data: customerSealedData, subjectKey: 'customerId', needsTime: false },
  'account.rejected': { data: accountRejectedData, subjectKey: 'accountId', needsTime: false },
} as const;

export type EventType = keyof typeof eventSchemas;
export const isEventType = (t: string): t is EventType => Object.prototype.hasOwnProperty.call(eventSchemas, t);

export const streams = {
  customers: { name: 'CUSTOMERS', subjects: ['customer.>'] },
  accounts: { name: 'ACCOUNTS', subjects: ['account.>'] },
} as const;

export const subjectOf = (type: EventType, key: string): string => `${type}.${key}`;

/**
 * A customer.created event. Its id is derived from the source and the customer, so each
 * publisher emits one id per customer however often it retries; CloudEvents identifies an
 * event by source and id, and two sources' events are two facts (the earliest time wins).
 */
export function customerCreated(data: CustomerCreatedData, time: string, source = '/customers'): CustomerCreated {
  return {
    specversion: '1.0',
    id: eventIds.customerCreated(data.customerId, source),
    source,
    type: 'customer.created',
    subject: data.customerId,
    time,
    datacontenttype: 'application/json',
    data,
  };
}

export function accountOpened(data: AccountOpenedData): AccountOpened {
  return {
    specversion: '1.0',
    id: eventIds.accountOpened(data.accountId),
    source: '/accounts',
    type: 'account.opened',
    subject: data.accountId,
    time: data.openedAt,
    datacontenttype: 'application/json',
    data,
  };
}

export function accountValidated(data: AccountValidatedData, time: string): AccountValidated {
  return {
    specversion: '1.0',
    id: eventIds.accountValidated(data.accountId),
    source: '/accounts',
    type: 'account.validated',
    subject: data.accountId,
    time,
    datacontenttype: 'application/json',
    data,
  };
}

/**
 * A customer.sealed event: only the owner (source /customers) seals, once per id, so its
 * id is derived from the customer id alone and every re-publication is the same event.
 */
export function customerSealed(data: CustomerSealedData): CustomerSealed {
  return {
    specversion: '1.0',
    id: eventIds.customerSealed(data.customerId),
    source: '/customers',
    type: 'customer.sealed',
    subject: data.customerId,
    time: data.sealedAt,
    datacontenttype: 'application/json',
    data,
  };
}

/** An account.rejected event: exactly one id per account, like account.validated. */
export function accountRejected(data: AccountRejectedData, time: string): AccountRejected {
  return {
    specversion: '1.0',
    id: eventIds.accountRejected(data.accountId),
    source: '/accounts',
    type: 'account.rejected',
    subject: data.accountId,
    time,
    datacontenttype: 'application/json',
    data,
  };
}
