import { ArgumentMetadata, BadRequestException, ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';

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

/** A path parameter that must be a UUID, with a message naming it. */
export const uuidParam = (name: string): ParseUUIDPipe =>
  new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException({ statusCode: 400, message: `${name} must be a UUID`, error: 'Bad Request' }) });
