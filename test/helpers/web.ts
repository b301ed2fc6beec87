/** Drives the web app through Fastify's inject like a browser without JavaScript: cookies and forms. */
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { startCycle } from '../../client/cycles';
import { loadConfigFile } from '../../config/load';
import type { OrganisationConfig } from '../../config/schema';
import type { CycleKey } from '../../domain/ids';
import { buildWebApp, type WebDeps } from '../../web/app';
import { hashPassword } from '../../web/password';
import { createTestWorker, devServer, PROJECT_ROOT, SOLNA_CONFIG, testAnswerLinks, type TestWorker } from './environment';
import { startTestSmtpServer, type TestSmtpServer } from './smtp';

export interface WebTestbed {
  env: TestWorkflowEnvironment;
  smtp: TestSmtpServer;
  tw: TestWorker;
  deps: WebDeps;
  app: FastifyInstance;
  /** What the app logged, line by line. */
  logLines: string[];
  close(): Promise<void>;
}

/** What the web app needs, over a test worker's task queue and archive, with the secretariat's password. */
export async function testWebDeps(config: OrganisationConfig, client: Client, tw: TestWorker, password: string, logger: WebDeps['logger'] = { level: 'warn', stream: new Writable({ write: (_c, _e, done) => done() }) }): Promise<WebDeps> {
  return {
    config,
    client,
    taskQueue: tw.taskQueue,
    archive: tw.archive,
    answerLinks: testAnswerLinks,
    passwordHash: await hashPassword(password),
    cookieSecret: 'cookie-secret-cookie-secret-cookie-secret',
    publicBaseUrl: 'https://uppfoljning.solna.example',
    templatesDir: path.join(PROJECT_ROOT, 'templates'),
    logger,
  };
}

/** A dev server, a worker, a real SMTP server and the web app over them, with Solna's cycle of `key` started and its requests sent. */
export async function startWebTestbed(key: CycleKey, password: string): Promise<WebTestbed> {
  const [env, smtp] = await Promise.all([devServer(), startTestSmtpServer()]);
  const tw = await createTestWorker(env, smtp.url, { publicBaseUrl: 'https://uppfoljning.solna.example' });
  const logLines: string[] = [];
  const deps = await testWebDeps(loadConfigFile(SOLNA_CONFIG), env.client, tw, password, { level: 'info', stream: new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) }) });
  const app = await buildWebApp(deps);
  await startCycle(env.client, tw.taskQueue, key, 'test');
  await smtp.waitFor(7, 60_000);
  return {
    env,
    smtp,
    tw,
    deps,
    app,
    logLines,
    close: async () => {
      await app.close();
      await tw.stop();
      await smtp.close();
      await env.teardown();
    },
  };
}

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
