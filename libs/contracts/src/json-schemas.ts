import { z } from 'zod';
import { cloudEventEnvelope } from './cloud-event';
import { EventType, eventSchemas } from './events';

export type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema (draft 2020-12) of what a boundary ACCEPTS (`io: 'input'`): any letter
 * case of an id, currency in any case. Code-point lengths come from the fields' own
 * minLength/maxLength, which JSON Schema counts in code points too. Checks JSON Schema
 * cannot say (impossible dates, lone surrogates) are in the descriptions' words only.
 */
export const toJsonSchema = (schema: z.ZodType, target: 'draft-2020-12' | 'openapi-3.0' = 'draft-2020-12'): JsonSchema =>
  z.toJSONSchema(schema, { io: 'input', target, unrepresentable: 'any' }) as JsonSchema;

/**
 * One JSON Schema per event type: the CloudEvents envelope with its `type` fixed and its
 * `data` the type's data schema. For the AsyncAPI document.
 */
export function eventJsonSchemas(): Record<EventType, JsonSchema> {
  const out = {} as Record<EventType, JsonSchema>;
  for (const type of Object.keys(eventSchemas) as EventType[]) {
    const schema = eventSchemas[type];
    const envelope = cloudEventEnvelope.extend({ type: z.literal(type), data: schema.data });
    out[type] = toJsonSchema(schema.needsTime ? envelope.required({ time: true }) : envelope);
  }
  return out;
}
