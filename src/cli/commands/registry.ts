import type { CliIO } from '../io';

export interface CliCommand {
  name: string;
  summary: string;
  help: string;
  /** node:util parseArgs option definitions. */
  options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
  run(values: Record<string, unknown>, positionals: string[], io: CliIO): Promise<number>;
}

/**
 * What the dispatcher knows about a command before loading it: its name, its one-line summary
 * (for `oli --help`) and how to load its definition. Commands are loaded only when they run, so
 * `oli --version` and `oli inspect` do not pay for axios, fastify or the sandbox (in the built CLI
 * each command is its own bundle, see scripts/build.mjs). `summary` must equal the command's own.
 */
export interface CliCommandEntry {
  name: string;
  summary: string;
  load(): Promise<CliCommand>;
}

/**
 * Every `oli` command, in help order. Each lives in its own file under src/cli/commands/.
 * Add a command with one entry here: `{ name, summary, load: async () => (await import('./file')).fooCommand }`
 * (a literal `import('./file')`: the build turns it into that command's bundle).
 */
export const COMMANDS: CliCommandEntry[] = [
  { name: 'demo', summary: 'Run the whole Coursera setup against an embedded sandbox, end to end', load: async () => (await import('./demo')).demoCommand },
  { name: 'init', summary: 'Write the plan file oracle-learning.json', load: async () => (await import('./init')).initCommand },
  { name: 'login', summary: 'Sign in to an environment (OAuth with its identity domain, your own JWT key, or Basic)', load: async () => (await import('./login')).loginCommand },
  { name: 'logout', summary: 'Sign out of an environment: forget its OAuth session and private key', load: async () => (await import('./login')).logoutCommand },
  { name: 'status', summary: "Read every step's live status from the environment", load: async () => (await import('./status')).statusCommand },
  { name: 'apply', summary: "Perform the steps Oracle's APIs allow (idempotent), or --dry-run them", load: async () => (await import('./apply')).applyCommand },
  { name: 'attest', summary: 'Record that a person completed a guided step, with evidence', load: async () => (await import('./attest')).attestCommand },
  { name: 'health', summary: 'Is the integration still healthy? Scheduled runs, content sync, certificate, completions', load: async () => (await import('./health')).healthCommand },
  { name: 'why', summary: "Why didn't a learner's completion land? A timeline checked against the pod, and a verdict", load: async () => (await import('./why')).whyCommand },
  { name: 'rotate-cert', summary: "Rotate the provider's inbound certificate, guided: inspect, register, verify, update the plan, remove the old", load: async () => (await import('./rotateCert')).rotateCertCommand },
  { name: 'diff', summary: 'What differs between two environments (job role, user and roles, provider, schedules, certificate)', load: async () => (await import('./diff')).diffCommand },
  { name: 'probe', summary: "Ask a pod, read-only, which of the product's assumptions hold there", load: async () => (await import('./probe')).probeCommand },
  { name: 'report', summary: 'Write the audit record of an environment (Markdown or JSON)', load: async () => (await import('./report')).reportCommand },
  { name: 'identity', summary: 'Check that learner identifiers resolve to exactly one active Oracle user', load: async () => (await import('./identity')).identityCommand },
  { name: 'inspect', summary: 'Inspect a certificate, a JWT or xAPI statements offline (cert | jwt | xapi)', load: async () => (await import('./inspect')).inspectCommand },
  { name: 'sandbox', summary: 'Run the offline Oracle pod emulator (for tests and demos)', load: async () => (await import('./sandbox')).sandboxCommand },
];
