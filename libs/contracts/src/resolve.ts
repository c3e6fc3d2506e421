import { z } from 'zod';
import { instant, uuid } from './fields';

/**
 * customers.resolve: the account service asks the owner what became of a customer id
 * it has waited on for too long (NATS request/reply, JSON). The owner answers with its
 * decision, sealing the id first when none was made; an `error` answer (bad request,
 * database down) decides nothing, exactly like no answer at all. See docs/shells.md.
 */
export const RESOLVE_SUBJECT = 'customers.resolve';

/** Instances of the customer service share the requests (one answers each). */
export const RESOLVE_QUEUE = 'customers';

export const resolveRequest = z.strictObject({ customerId: uuid });

export const resolveReply = z.union([
  z.object({ customerId: uuid, state: z.literal('created'), createdAt: instant }),
  z.object({ customerId: uuid, state: z.literal('sealed'), sealedAt: instant }),
  z.object({ error: z.string() }),
]);

export type ResolveRequest = z.infer<typeof resolveRequest>;
export type ResolveReply = z.infer<typeof resolveReply>;
export type ResolveDecision = Exclude<ResolveReply, { error: string }>;
