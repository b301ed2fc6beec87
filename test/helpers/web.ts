/** Drives the web app through Fastify's inject like a browser without JavaScript: cookies and forms. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export class FormSession {
  readonly cookies = new Map<string, string>();
  /** remoteAddress: the client's own address, for limits that count per client. */
  constructor(
    private readonly app: FastifyInstance,
    private readonly remoteAddress?: string,
  ) {}

  private remember(response: LightMyRequestResponse) {
    for (const c of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return response;
  }

  async get(url: string) {
    return this.remember(await this.app.inject({ method: 'GET', url, cookies: Object.fromEntries(this.cookies), remoteAddress: this.remoteAddress }));
  }

  async post(url: string, form: Record<string, string>) {
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        cookies: Object.fromEntries(this.cookies),
        remoteAddress: this.remoteAddress,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(form).toString(),
      }),
    );
  }

  /** Posts a form the way a browser would after loading the page: with the page's CSRF token. */
  async submit(pageUrl: string, actionUrl: string, form: Record<string, string>) {
    const page = await this.get(pageUrl);
    return this.post(actionUrl, { _csrf: csrfOf(page.body), ...form });
  }
}

export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('No CSRF token in the page');
  return match[1]!;
}

/** The answer link in a mail's text. */
export function answerLinkIn(text: string): string {
  const match = /(https?:\/\/\S+\/answer\/[A-Za-z0-9_.-]+)/.exec(text);
  if (!match) throw new Error(`No answer link in: ${text}`);
  return match[1]!;
}
