import { EventType, eventSchemas, streams } from './events';
import { JsonSchema, eventJsonSchemas, toJsonSchema } from './json-schemas';
import { RESOLVE_QUEUE, RESOLVE_SUBJECT, resolveReply, resolveRequest } from './resolve';
import { partnerAnnouncementsSchema, partnersStream } from './partners';

/**
 * The AsyncAPI 3.0 document of the events and of customers.resolve, built from the zod
 * definitions so it cannot drift from what the decoders accept. `npm run docs:asyncapi`
 * writes it to docs/asyncapi.yaml; a test checks the committed file equals this.
 * Event `type` names stay as they are (customer.created...): renaming them to a
 * reverse-DNS form (a CloudEvents SHOULD, not a MUST) would break every consumer.
 */
const streamOf = (type: EventType) => (type.startsWith('customer.') ? streams.customers : streams.accounts);
const owner = (type: EventType) => (type.startsWith('customer.') ? 'customers' : 'accounts');
const key = (type: EventType) => eventSchemas[type].subjectKey;
const pascal = (type: EventType) => type.replace(/(^|\.)(\w)/g, (_, __, c: string) => c.toUpperCase());

const natsMsgIdHeaders: JsonSchema = {
  type: 'object',
  required: ['Nats-Msg-Id'],
  properties: {
    'Nats-Msg-Id': {
      type: 'string',
      description: 'Equal to the CloudEvents `id`: JetStream drops a re-publication within the duplicate window.',
    },
  },
};

// The document's schemas have no `$schema` keyword: AsyncAPI names the dialect per message.
const withoutDialect = ({ $schema: _, ...rest }: JsonSchema): JsonSchema => rest;

export function asyncApiDocument(): Record<string, unknown> {
  const schemas = eventJsonSchemas();
  const types = Object.keys(eventSchemas) as EventType[];
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const components: Record<string, unknown> = {};
  for (const type of types) {
    const name = pascal(type);
    const stream = streamOf(type);
    components[name] = withoutDialect(schemas[type]);
    messages[name] = {
      name: type,
      title: type,
      summary: `CloudEvents 1.0, structured mode: the whole envelope is the JSON payload (type "${type}").`,
      contentType: 'application/cloudevents+json',
      headers: natsMsgIdHeaders,
      payload: { $ref: `#/components/schemas/${name}` },
    };
    channels[name] = {
      address: `${type}.{${key(type)}}`,
      title: type,
      description: `Stream ${stream.name} (subjects ${stream.subjects.join(', ')}). The last token equals data.${key(type)} and the CloudEvents subject.`,
      parameters: { [key(type)]: { description: `The ${key(type)} (UUID) of data.${key(type)}.` } },
      messages: { [name]: { $ref: `#/components/messages/${name}` } },
      bindings: { nats: { bindingVersion: '0.1.0' } },
    };
    operations[`publish${name}`] = {
      action: 'send',
      title: `The ${owner(type)} service publishes ${type}`,
      channel: { $ref: `#/channels/${name}` },
      messages: [{ $ref: `#/channels/${name}/messages/${name}` }],
    };
  }
  components.ResolveRequest = withoutDialect(toJsonSchema(resolveRequest));
  components.ResolveReply = withoutDialect(toJsonSchema(resolveReply));
  messages.ResolveRequest = { name: 'customers.resolve request', contentType: 'application/json', payload: { $ref: '#/components/schemas/ResolveRequest' } };
  messages.ResolveReply = { name: 'customers.resolve reply', contentType: 'application/json', payload: { $ref: '#/components/schemas/ResolveReply' } };
  channels.CustomersResolve = {
    address: RESOLVE_SUBJECT,
    title: RESOLVE_SUBJECT,
    description: `Core NATS request/reply (not a stream); the customer service's instances share it in queue group "${RESOLVE_QUEUE}". See docs/shells.md.`,
    messages: { ResolveRequest: { $ref: '#/components/messages/ResolveRequest' } },
    bindings: { nats: { bindingVersion: '0.1.0', queue: RESOLVE_QUEUE } },
  };
  channels.CustomersResolveReply = {
    address: null,
    title: 'customers.resolve reply inbox',
    description: "The requester's reply subject (an inbox chosen per request).",
    messages: { ResolveReply: { $ref: '#/components/messages/ResolveReply' } },
  };
  // A third party's announcement: a request to the owner, not a fact (partners.ts).
  const partner = 'PartnerCustomerAnnounced';
  components[partner] = withoutDialect(toJsonSchema(partnerAnnouncementsSchema));
  messages[partner] = {
    name: 'partner.customer.announced',
    title: 'partner.customer.announced',
    summary: 'CloudEvents 1.0, structured mode (type "partner.customer.announced").',
    contentType: 'application/cloudevents+json',
    headers: natsMsgIdHeaders,
    payload: { $ref: `#/components/schemas/${partner}` },
  };
  channels[partner] = {
    address: 'partner.customer.announced.{customerId}',
    title: 'partner.customer.announced',
    description: `Stream ${partnersStream.name} (subjects ${partnersStream.subjects.join(', ')}; kept 7 days, 1 GiB at most): the only subject a third party may publish. The customer service alone consumes it and decides, as for POST /customers: it creates the customer (publishing customer.created), treats a repeat as a no-op, and dead-letters an id that is sealed or created with other data.`,
    parameters: { customerId: { description: 'The customerId (UUID) of data.customerId.' } },
    messages: { [partner]: { $ref: `#/components/messages/${partner}` } },
    bindings: { nats: { bindingVersion: '0.1.0' } },
  };
  operations.announceCustomer = {
    action: 'send',
    title: 'A third party announces a customer to its owner',
    channel: { $ref: `#/channels/${partner}` },
    messages: [{ $ref: `#/channels/${partner}/messages/${partner}` }],
  };
  operations.resolveCustomer = {
    action: 'send',
    title: 'The account service asks the owner what became of a customer id',
    channel: { $ref: '#/channels/CustomersResolve' },
    messages: [{ $ref: '#/channels/CustomersResolve/messages/ResolveRequest' }],
    reply: {
      channel: { $ref: '#/channels/CustomersResolveReply' },
      messages: [{ $ref: '#/channels/CustomersResolveReply/messages/ResolveReply' }],
    },
  };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'calm-accounts events',
      version: '1.0.0',
      description: 'Generated from libs/contracts by `npm run docs:asyncapi`; do not edit by hand.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { schemas: components, messages },
  };
}

/** JSON is YAML 1.2: the file stays diff-able without a YAML emitter dependency. */
export const asyncApiYaml = (): string => `${JSON.stringify(asyncApiDocument(), null, 2)}\n`;
