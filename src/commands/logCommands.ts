import type { CommandDeps } from './deps';
import type { CommandRegistry } from './registry';

export function registerLogCommands(registry: CommandRegistry, deps: CommandDeps): void {
  registry.add('oli.showLog', () => {
    deps.log.show();
    return true;
  });
}
