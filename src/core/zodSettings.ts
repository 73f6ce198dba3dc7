// zod's settings for this product, imported for its effect by the plan file module (which every
// command and the extension load before parsing anything).
import * as z from 'zod';

// zod compiles each object schema into a function the first time it parses with it. A command
// parses each shape a handful of times, so that compilation (about 10 ms for the schemas of one
// `oli status`) costs more than it saves: the interpreter is used instead. Results are the same.
z.config({ jitless: true });
