import type { CliIO } from '../io';
import { initCommand } from './init';
import { statusCommand } from './status';
import { applyCommand } from './apply';
import { attestCommand } from './attest';
import { reportCommand } from './report';
import { identityCommand } from './identity';
import { demoCommand } from './demo';
import { inspectCommand } from './inspect';

export interface CliCommand {
  name: string;
  summary: string;
  help: string;
  /** node:util parseArgs option definitions. */
  options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
  run(values: Record<string, unknown>, positionals: string[], io: CliIO): Promise<number>;
}

/**
 * Every `oli` command, in help order. Each lives in its own file under src/cli/commands/.
 * Add a command by importing its definition here.
 */
export const COMMANDS: CliCommand[] = [
  demoCommand,
  initCommand,
  statusCommand,
  applyCommand,
  attestCommand,
  reportCommand,
  identityCommand,
  inspectCommand,
];
