import { ArgumentMetadata, BadRequestException, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { uuid } from '@calm/contracts';

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? `${path}${m.slice(e.property.length)}` : `${path}: ${m}`));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * The contract's 400: unknown fields are refused, and `message` is one string that
 * names each offending field (the list is in `errors`).
 */
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      exceptionFactory: (errors) => {
        const messages = flatten(errors);
        return new BadRequestException({ statusCode: 400, message: messages.join('; '), errors: messages, error: 'Bad Request' });
      },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new BadRequestException({ statusCode: 400, message: 'body must be a JSON object', error: 'Bad Request' });
    }
    return super.transform(value, metadata);
  }
}

/** A path or query parameter that must be a UUID (any letter case), with a message naming it; the handler gets it lower-case. */
export const uuidParam = (name: string): PipeTransform<unknown, string> => ({
  transform(value: unknown): string {
    const parsed = uuid.safeParse(value);
    if (parsed.success) return parsed.data;
    throw new BadRequestException({ statusCode: 400, message: `${name} must be a UUID`, error: 'Bad Request' });
  },
});
