import { BadRequestException } from '@nestjs/common';

/**
 * A JSON array or nothing at all is not a body the admin endpoints understand; `null` fields
 * (which `@IsOptional` lets through) mean "absent", as the engine expects.
 */
export function plainBody<T extends object>(body: T | undefined): Partial<T> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new BadRequestException('the body must be a JSON object');
  return Object.fromEntries(
    Object.entries(body).filter(([, v]) => v !== null && v !== undefined),
  ) as Partial<T>;
}
