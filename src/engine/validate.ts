/**
 * Payload validation against the machines' zod schemas, reported as INVALID_PAYLOAD with field paths.
 */
import type { z } from 'zod';
import { InvalidPayloadError } from '../errors';

/** Parses `value` with `schema`, or throws INVALID_PAYLOAD naming each bad field. */
export function parsePayload<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new InvalidPayloadError(
    what,
    result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    })),
  );
}
