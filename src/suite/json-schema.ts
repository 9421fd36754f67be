import { z } from 'zod';
import { suiteSchema } from './schema.ts';

/** The JSON Schema of suite files, generated from the zod schema (editors, CI linting). */
export function suiteJsonSchema(): unknown {
  return z.toJSONSchema(suiteSchema, { io: 'input', unrepresentable: 'any' });
}
