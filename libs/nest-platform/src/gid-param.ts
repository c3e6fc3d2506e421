import { BadRequestException, PipeTransform } from '@nestjs/common';

const GID = /^calm2pc_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The path parameter of the two-phase commit participant API: a global transaction id, `calm2pc_<uuid>` in lower case. */
export const gidParam: PipeTransform<unknown, string> = {
  transform(value: unknown): string {
    if (typeof value === 'string' && GID.test(value)) return value;
    throw new BadRequestException({ statusCode: 400, message: 'gid must be calm2pc_<lower-case UUID>', error: 'Bad Request' });
  },
};
