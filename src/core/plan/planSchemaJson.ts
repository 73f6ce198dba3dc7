import * as z from 'zod';
import { planFileSchema } from './planFile';

/** The JSON Schema of oracle-learning.json, for editor validation (generated into schemas/). */
export function planJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(planFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://oracle-learning-integrations/schemas/oracle-learning.schema.json', title: 'Oracle Learning integration plan (oracle-learning.json)' };
}
