// The message protocol and escaping of the issue-14 webviews (the why timeline, the environments
// matrix). Pure TypeScript (no 'vscode'), so the unit tests check them.
import * as z from 'zod';

/** Webview → extension: button clicks only (the host renders every page itself). */
export const operationsToHostSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('refresh') }),
  z.strictObject({ type: z.literal('copy') }),
  z.strictObject({ type: z.literal('compare') }),
]);
export type OperationsToHost = z.infer<typeof operationsToHostSchema>;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and attribute values: every text from a pod, a plan or a user goes through it. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
