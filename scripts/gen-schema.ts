// Generates schemas/oracle-learning.schema.json (editor validation of the plan file) from the zod schema.
import { writeFileSync, mkdirSync } from 'node:fs';
import { planJsonSchema } from '../src/core/plan/planSchemaJson';

mkdirSync('schemas', { recursive: true });
writeFileSync('schemas/oracle-learning.schema.json', JSON.stringify(planJsonSchema(), null, 2) + '\n');
