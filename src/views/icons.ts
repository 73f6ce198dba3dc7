// Every codicon the extension's views show, in one place. No `vscode` import: the real-VS-Code suite
// (test/e2e/accessibility.e2e.ts) checks each id against the codicon list of the VS Code it runs,
// and that no code builds a ThemeIcon from another string. A missing codicon renders as a blank.

export const ICON = {
  // statuses
  done: 'pass-filled',
  attested: 'verified-filled',
  needsAction: 'warning',
  failed: 'error',
  blocked: 'debug-pause',
  notApplicable: 'circle-slash',
  notChecked: 'circle-large-outline',
  running: 'loading~spin',
  // sub-check outcomes
  pass: 'check',
  fail: 'close',
  warn: 'warning',
  unknown: 'question',
  info: 'info',
  // tree nodes
  environment: 'cloud',
  production: 'server-environment',
  sandbox: 'beaker',
  sandboxStopped: 'debug-stop',
  unreachable: 'debug-disconnect',
  credentialsRefused: 'key',
  tls: 'lock',
  connectionProblem: 'error',
  provider: 'mortar-board',
  checklist: 'checklist',
  checklistItem: 'circle-small',
  openInOracle: 'link-external',
  caution: 'warning',
  evidence: 'note',
  practice: 'beaker',
  start: 'play',
  planError: 'error',
  openPlan: 'go-to-file',
  showLog: 'output',
  probe: 'telescope',
  restricted: 'workspace-untrusted',
  // history entries (issue 13)
  historyStatus: 'refresh',
  historyApply: 'play',
  historyAttest: 'verified',
  historyUnattest: 'discard',
  historyDryRun: 'debug-alt',
  historyProbe: 'telescope',
  historyHealth: 'pulse',
  historyWhy: 'question',
  historyRotation: 'key',
  requests: 'list-flat',
  stepPage: 'open-preview',
  // after the setup (issue 14)
  health: 'pulse',
} as const;

export type IconId = (typeof ICON)[keyof typeof ICON];

/** The codicon id without a modifier (`loading~spin` → `loading`). */
export function codiconName(id: string): string {
  return id.replace(/~[a-z]+$/, '');
}
