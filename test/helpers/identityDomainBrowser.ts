// What a person's browser does on the sandbox identity domain's sign-in page (shared by the unit,
// CLI and extension-host suites): GET the authorize URL, POST the form, return where it redirects.

export interface ConsentResult {
  status: number;
  /** The redirect (the client's callback with `code` and `state`, or `error`). */
  location?: string;
  html?: string;
}

export async function consent(authorizeUrl: string, userName: string, password: string, decision: 'allow' | 'deny' = 'allow'): Promise<ConsentResult> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  if (page.status !== 200) return { status: page.status, ...(page.headers.get('location') ? { location: page.headers.get('location')! } : {}), html: await page.text() };
  const html = await page.text();
  const request = /name="request" value="([^"]+)"/.exec(html)?.[1];
  if (!request) throw new Error(`the sign-in page carries no request id:\n${html.slice(0, 500)}`);
  const res = await fetch(new URL('/oauth2/v1/authorize', authorizeUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request, username: userName, password, decision }).toString(),
  });
  const location = res.headers.get('location');
  return { status: res.status, ...(location ? { location } : {}), ...(res.status === 302 ? {} : { html: await res.text() }) };
}
