// The one error shape of the API, { error, details? }, and readable messages for zod's issues.
import { z } from '@hono/zod-openapi';
import type { ZodError } from 'zod';

export const errorSchema = z
  .object({
    error: z.string().openapi({ example: 'instances[3]: user_age is not a number: "abc"' }),
    details: z.unknown().optional(),
  })
  .openapi('Error');

/** `instances[3].user_age: expected number` rather than zod's JSON dump. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`)).join('');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

export const errorResponse = (description: string) => ({ content: { 'application/json': { schema: errorSchema } }, description });
