import * as vscode from 'vscode';
import { redactText } from '../oracle/redact';
import type { RequestLogEntry } from '../oracle/client';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export type LogComponent = 'extension' | 'command' | 'model' | 'engine' | 'http' | 'credentials' | 'sandbox' | 'inspector' | 'webview' | 'operations' | 'plan' | 'settings';

/**
 * The "Oracle Learning" LogOutputChannel. Every line carries a component tag and is redacted:
 * known secret values (added when credentials are read) and secret patterns (Authorization values,
 * JWTs, private keys, password=...) never reach the channel.
 */
export class OliLog implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private readonly secrets = new Set<string>();
  private readonly taps = new Set<(line: string, level: LogLevel) => void>();

  constructor(name = 'Oracle Learning') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** Registers secret values to scrub from every later line. */
  addSecrets(values: Iterable<string>): void {
    for (const v of values) if (v && v.length >= 3) this.secrets.add(v);
  }

  redact(text: string): string {
    return redactText(text, [...this.secrets]);
  }

  for(component: LogComponent): ComponentLog {
    return new ComponentLog(this, component);
  }

  write(level: LogLevel, component: LogComponent, message: string): void {
    const line = `[${component}] ${this.redact(message)}`;
    for (const tap of this.taps) tap(line, level);
    this.channel[level](line);
  }

  /**
   * Sees every line exactly as it is handed to the channel, at every level (trace included, whatever
   * the channel's level): what the secret-leak tests read.
   */
  tap(listener: (line: string, level: LogLevel) => void): vscode.Disposable {
    this.taps.add(listener);
    return { dispose: () => void this.taps.delete(listener) };
  }

  /** One line per Oracle request (the client hands entries over already redacted; redacted again here). */
  request(e: RequestLogEntry): void {
    const parts = [e.method, e.url, e.status !== undefined ? String(e.status) : (e.error ?? 'no response'), `${e.durationMs} ms`];
    if (e.attempt > 1) parts.push(`attempt ${e.attempt}`);
    this.write(e.status !== undefined && e.status < 400 ? 'debug' : 'warn', 'http', parts.join(' '));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

export class ComponentLog {
  constructor(
    private readonly log: OliLog,
    private readonly component: LogComponent,
  ) {}
  trace(m: string): void {
    this.log.write('trace', this.component, m);
  }
  debug(m: string): void {
    this.log.write('debug', this.component, m);
  }
  info(m: string): void {
    this.log.write('info', this.component, m);
  }
  warn(m: string): void {
    this.log.write('warn', this.component, m);
  }
  error(m: string): void {
    this.log.write('error', this.component, m);
  }
}
