import { z } from 'zod';
import { ConfigError } from './config-error';

/** What the reference (docs/configuration.md, .env.example) says about a variable. */
export interface VariableDoc {
  description: string;
  /** The text that stands in when the variable is unset or blank. */
  default?: string;
  /** How the reference shows a default computed from other variables. */
  shownDefault?: string;
  /** The value is a credential: .env.example never carries one. */
  secret?: boolean;
}

/** Every variable's documentation, keyed by its schema (generated into the reference). */
export const variableDocs = z.registry<VariableDoc>();

/** Reads a variable's text; throws a ConfigError whose problem is reported under the variable's name. */
export type Parse<T> = (variable: string, text: string) => T;

function schemaOf<T>(doc: VariableDoc, parse: Parse<T>) {
  const schema = z
    .string()
    .optional()
    .transform((raw, ctx): T | undefined => {
      const text = raw?.trim() || doc.default;
      if (text === undefined) return undefined;
      try {
        // The zod path names the variable (parseEnv): the parser's own name is not needed.
        return parse('', text);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        for (const p of err.problems) ctx.addIssue({ code: 'custom', message: p.problem });
        return z.NEVER;
      }
    });
  variableDocs.add(schema, doc);
  return schema;
}

/** A variable with a default: unset or blank reads as the default. */
export const variable = <T>(doc: VariableDoc & { default: string }, parse: Parse<T>) => schemaOf(doc, parse) as unknown as z.ZodType<T, string | undefined>;

/** A variable without a default: unset or blank reads as undefined. */
export const optionalVariable = <T>(doc: VariableDoc, parse: Parse<T>) => schemaOf(doc, parse) as unknown as z.ZodType<T | undefined, string | undefined>;

/** Text taken as it is. */
export const text: Parse<string> = (_variable, value) => value;

/** Parses `env` with a process kind's schema; every problem becomes one line naming its variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({ variable: String(i.path[0]), problem: i.message }));
  throw new ConfigError(problems[0].variable, problems[0].problem, problems.slice(1));
}
