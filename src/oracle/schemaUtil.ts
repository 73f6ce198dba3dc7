/** Small zod helpers shared by the API modules (Oracle often sends null for empty attributes). */
import * as z from 'zod';

/** An optional attribute that may also come as null; null becomes undefined. */
export function opt<T extends z.ZodType>(schema: T) {
  return schema
    .nullish()
    .transform((v) => (v === null ? undefined : v))
    .optional();
}

/** A number that Oracle may send as a numeric string (a finite one: 400 digits is not an id). */
export const numberLike = z.lazy(() => z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number)
    .pipe(z.number().refine(Number.isFinite, 'a number too large to represent')),
]));
