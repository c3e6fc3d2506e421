import { BadRequestException, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** One issue as the contract's 400 words it: the field's path, then what is wrong. */
function describe(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `${path ? `${path}.` : ''}${k} should not exist`).join('; ');
  if (!path) return issue.code === 'invalid_type' ? 'body must be a JSON object' : issue.message;
  if (issue.code === 'invalid_type') return issue.input === undefined ? `${path} is required` : `${path} must be a ${issue.expected}`;
  return `${path} ${issue.message}`;
}

/**
 * Validates and canonicalises a request part with its schema from @calm/contracts (the one
 * definition the events use too): the handler receives only canonical values (lower-case
 * ids, upper-case currency). A refusal is the contract's 400: `message` names each
 * offending field, the list is in `errors`.
 */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const messages = parsed.error.issues.map(describe);
    throw new BadRequestException({ statusCode: 400, message: messages.join('; '), errors: messages, error: 'Bad Request' });
  }
}
