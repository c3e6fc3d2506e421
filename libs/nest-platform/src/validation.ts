import { BadRequestException, PipeTransform } from '@nestjs/common';
import { uuid } from '@calm/contracts';

/** A path or query parameter that must be a UUID (any letter case), with a message naming it; the handler gets it lower-case. */
export const uuidParam = (name: string): PipeTransform<unknown, string> => ({
  transform(value: unknown): string {
    const parsed = uuid.safeParse(value);
    if (parsed.success) return parsed.data;
    throw new BadRequestException({ statusCode: 400, message: `${name} must be a UUID`, error: 'Bad Request' });
  },
});
