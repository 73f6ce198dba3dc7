// What every webview page of this extension shares (each page's bundle inlines it): the VS Code
// API, the element builder (textContent only, never HTML), and the checked message listener.
import type { Schema } from '../../src/views/protocolCheck';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** The page's one handle on VS Code (acquireVsCodeApi may be called once per page). */
export const vscode = acquireVsCodeApi();

export function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string | null | undefined)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/**
 * Hands each message from the host that passes `schema` to `onMessage`; one that does not is
 * reported back through `reportInvalid` (the host logs it) and otherwise ignored.
 */
export function listen<T>(schema: Schema<T>, onMessage: (m: T) => void, reportInvalid: (issue: string) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    const parsed = schema.safeParse(event.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      reportInvalid(`${issue?.path.join('.') || '(message)'}: ${issue?.message ?? 'invalid'}`.slice(0, 500));
      return;
    }
    onMessage(parsed.data);
  });
}
