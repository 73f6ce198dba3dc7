#!/usr/bin/env node
// Measures the extension's activation outside VS Code: `require(dist/extension.js)` then
// `activate(context)`, with a minimal `vscode` stub (no folder open: the activation event
// workspaceContains:oracle-learning.json aside, this is what runs at activation). Prints JSON
// {loadMs, activateMs, totalMs}. It is NOT VS Code's own activation time (no extension host).
// With --runtime it then requires dist/runtime.js as the shell does after activation and adds
// {runtimeLoadMs}.
// Usage: node bench/activation-probe.cjs path/to/extension.js [--runtime]
'use strict';
const Module = require('node:module');
const path = require('node:path');

class Disposable {
  constructor(fn) { this.fn = fn; }
  static from(...d) { return new Disposable(() => d.forEach((x) => x && x.dispose && x.dispose())); }
  dispose() { if (this.fn) this.fn(); this.fn = undefined; }
}
class EventEmitter {
  constructor() { this.listeners = new Set(); this.event = (l) => { this.listeners.add(l); return new Disposable(() => this.listeners.delete(l)); }; }
  fire(e) { for (const l of [...this.listeners]) l(e); }
  dispose() { this.listeners.clear(); }
}
/** Anything not modelled: a callable, constructible, chainable no-op that is never a thenable. */
function anything(name) {
  const fn = function () {};
  const assigned = new Map();
  return new Proxy(fn, {
    set(_t, k, v) {
      assigned.set(k, v);
      return true;
    },
    get(_t, k) {
      if (assigned.has(k)) return assigned.get(k);
      if (k === 'then') return undefined;
      if (k === Symbol.iterator) return function* () {};
      if (k === Symbol.toPrimitive) return () => '';
      if (k === 'dispose') return () => undefined;
      if (k === 'event' || /^onDid|^onWill/.test(String(k))) return () => new Disposable();
      return anything(`${name}.${String(k)}`);
    },
    apply: () => anything(`${name}()`),
    construct: () => anything(`new ${name}`),
  });
}
const uri = (p) => ({ scheme: 'file', fsPath: p, path: p, toString: () => `file://${p}`, with: () => uri(p) });
const vscode = new Proxy(
  {
    Disposable,
    EventEmitter,
    version: '1.105.0-stub',
    env: { appHost: 'stub', language: 'en', openExternal: async () => true, clipboard: { writeText: async () => undefined } },
    l10n: { t: (s, ...a) => String(typeof s === 'string' ? s : s.message).replace(/\{(\d+)\}/g, (_m, i) => String(a[i])), bundle: undefined, uri: undefined },
    Uri: { file: uri, parse: (s) => uri(s), joinPath: (b, ...p) => uri(path.join(b.fsPath, ...p)) },
    workspace: new Proxy({ workspaceFolders: undefined, isTrusted: true, getConfiguration: () => ({ get: (_k, d) => d, has: () => false, update: async () => undefined }) }, { get: (t, k) => (k in t ? t[k] : anything(`workspace.${String(k)}`)) }),
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ViewColumn: { One: 1, Two: 2, Active: -1, Beside: -2 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    // Namespaces and classes the bundle may touch (esbuild copies the module's own keys at import).
    ...Object.fromEntries(
      ['window', 'commands', 'languages', 'extensions', 'tasks', 'debug', 'authentication', 'TreeItem', 'ThemeIcon', 'ThemeColor', 'MarkdownString', 'FileDecoration', 'CancellationTokenSource', 'RelativePattern', 'Range', 'Position', 'Selection', 'QuickPickItemKind', 'ConfigurationTarget'].map((k) => [k, anything(k)]),
    ),
  },
  { get: (t, k) => (k in t ? t[k] : anything(String(k))) },
);
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

function memento() {
  const m = new Map();
  return { get: (k, d) => (m.has(k) ? m.get(k) : d), update: async (k, v) => void m.set(k, v), keys: () => [...m.keys()] };
}

async function main() {
  const file = path.resolve(process.argv[2] || 'dist/extension.js');
  const t0 = process.hrtime.bigint();
  const ext = require(file);
  const t1 = process.hrtime.bigint();
  const context = {
    subscriptions: [],
    workspaceState: memento(),
    globalState: Object.assign(memento(), { setKeysForSync: () => undefined }),
    secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: () => new Disposable() },
    extensionUri: uri(path.dirname(path.dirname(file))),
    extensionPath: path.dirname(path.dirname(file)),
    globalStorageUri: uri('/tmp/oli-probe-global'),
    storageUri: undefined,
    logUri: uri('/tmp/oli-probe-log'),
    extensionMode: 1,
    asAbsolutePath: (p) => path.join(path.dirname(path.dirname(file)), p),
    environmentVariableCollection: anything('environmentVariableCollection'),
    extension: anything('extension'),
  };
  await ext.activate(context);
  const t2 = process.hrtime.bigint();
  const ms = (a, b) => Number(b - a) / 1e6;
  const out = { loadMs: ms(t0, t1), activateMs: ms(t1, t2), totalMs: ms(t0, t2) };
  if (process.argv.includes('--runtime')) {
    // What the shell does after activation (src/extension.ts): require dist/runtime.js, timed the same way (timings.runtimeLoadMs).
    const t3 = process.hrtime.bigint();
    require(path.join(path.dirname(file), 'runtime.js'));
    out.runtimeLoadMs = ms(t3, process.hrtime.bigint());
  }
  process.stdout.write(JSON.stringify(out) + '\n');
  for (const d of context.subscriptions) try { d.dispose(); } catch { /* stub */ }
  process.exit(0);
}
main().catch((e) => {
  process.stderr.write(`activation-probe: ${e && e.stack ? e.stack : e}\n`);
  process.exit(2);
});
