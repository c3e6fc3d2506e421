import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CloudEvent, DecodeResult, cloudEventEnvelope, decodeEnvelope, describeIssues } from './cloud-event';
import { subjectNames } from './decode';
import { CustomerCreatedData, customerCreatedData } from './events';

/**
 * A third party's announcement of a customer. It is a request to the owner, not a fact:
 * third parties publish on their own subject and stream (PARTNERS; deploy/nats/auth.conf
 * gives them nothing else), and the customer service decides, creating the customer
 * (customer.created) or refusing it. Trust comes from where a message arrives, never from
 * its `source`.
 */
export type PartnerCustomerAnnounced = CloudEvent<'partner.customer.announced', CustomerCreatedData>;

/**
 * PARTNERS is not a history of record (the customer service's decision is, on CUSTOMERS):
 * it keeps announcements a bounded time and size, enough for the owner to consume them.
 */
export const partnersStream = {
  name: 'PARTNERS',
  subjects: ['partner.>'],
  maxAgeMs: 7 * 24 * 3600 * 1000,
  maxBytes: 1024 * 1024 * 1024,
} as const;

export const partnerAnnouncementsConsumer = {
  stream: partnersStream.name,
  filterSubject: 'partner.customer.announced.>',
  durable: 'customers-partner-announced',
} as const;

/** What PARTNERS accepts, for the AsyncAPI document: the envelope with its type fixed and the customer's data. */
export const partnerAnnouncementsSchema = cloudEventEnvelope.extend({ type: z.literal('partner.customer.announced'), data: customerCreatedData });

export const partnerAnnouncementSubject = (customerId: string): string => `partner.customer.announced.${customerId}`;

export function partnerCustomerAnnounced(data: CustomerCreatedData, source: string, time = new Date().toISOString()): PartnerCustomerAnnounced {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source,
    type: 'partner.customer.announced',
    subject: data.customerId,
    time,
    datacontenttype: 'application/json',
    data,
  };
}

/** Envelope, type, data, and the NATS subject naming data.customerId; never throws. */
export function decodePartnerAnnouncement(bytes: Uint8Array, natsSubject: string): DecodeResult<PartnerCustomerAnnounced> {
  const envelope = decodeEnvelope(bytes);
  if (!envelope.ok) return envelope;
  const event = envelope.value;
  if (event.type !== 'partner.customer.announced') return { ok: false, reason: `unexpected event type "${event.type.slice(0, 100)}" on PARTNERS` };
  const data = customerCreatedData.safeParse(event.data);
  if (!data.success) return { ok: false, reason: `invalid partner.customer.announced data: ${describeIssues(data.error)}` };
  if (!subjectNames(natsSubject, 'partner.customer.announced', data.data.customerId)) {
    return { ok: false, reason: `NATS subject "${natsSubject.slice(0, 200)}" does not match data.customerId ${data.data.customerId}` };
  }
  return { ok: true, value: { ...event, type: 'partner.customer.announced', data: data.data } };
}
