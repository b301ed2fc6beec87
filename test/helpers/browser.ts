/// <reference lib="dom" />
/** Debian's Chromium driven by playwright-core, with axe-core run inside the page. */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createFileArchive } from '../../activities/archive';
import type { OrganisationConfig } from '../../config/schema';
import { CHROMIUM_PATH } from '../../scripts/ensure-chromium';
import { buildWebApp, type WebDeps } from '../../web/app';
import { hashPassword } from '../../web/password';
import { createTestWorker, devServer, freePort, PROJECT_ROOT, testAnswerLinks, type TestWorker } from './environment';
import { startTestSmtpServer, type TestSmtpServer } from './smtp';

export const SCREENSHOTS = path.join(PROJECT_ROOT, 'test-output', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // This machine has no network beyond loopback: Chromium's background services would only fail.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** Runs every axe rule (WCAG 2.1 A/AA and best practices) on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (no scripts at all) does not block it.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * What every page of a browser test gets: axe-core, whose findings fail the test, and a screenshot
 * (`prefix` + name); `summary()` gives the count per page for the log.
 */
export function pageChecks(prefix = '') {
  const report: Record<string, AxeViolation[]> = {};
  return {
    async checkPage(page: Page, name: string) {
      const violations = await axeViolations(page);
      report[name] = violations;
      await screenshot(page, `${prefix}${name}`);
      expect({ page: name, violations }).toEqual({ page: name, violations: [] });
    },
    summary: () => `axe-core violations per page: ${JSON.stringify(Object.fromEntries(Object.entries(report).map(([p, v]) => [p, v.length])))}`,
  };
}

/** The secretariat signed in through the login form, in a Swedish browser (in `timezoneId` where given). */
export async function signInAsSecretariat(testbed: BrowserTestbed, password: string, timezoneId?: string): Promise<Page> {
  const page = await (await testbed.browser.newContext({ locale: 'sv-SE', ...(timezoneId ? { timezoneId } : {}) })).newPage();
  await page.goto(`${testbed.baseUrl}/login`);
  await page.getByLabel('Användarnamn').fill('sekretariatet');
  await page.getByLabel('Lösenord').fill(password);
  await page.getByRole('button', { name: 'Logga in', exact: true }).click();
  await page.waitForURL(`${testbed.baseUrl}/dashboard`);
  return page;
}

export interface BrowserTestbed {
  env: TestWorkflowEnvironment;
  smtp: TestSmtpServer;
  tw: TestWorker;
  app: FastifyInstance;
  browser: Browser;
  baseUrl: string;
  archiveDir: string;
  close(): Promise<void>;
}

/**
 * Chromium, a dev server, a real SMTP server, the web app on a port of its own and a worker whose
 * links point to it. `web` adds to the web app's parts once its address is known (accounts,
 * single sign-on, whose provider must know the address to send people back to).
 */
export async function startBrowserTestbed(
  config: OrganisationConfig,
  password: string,
  web?: (baseUrl: string) => Promise<Partial<WebDeps>>,
  // The time-skipping server for a test that must be on a given night; it has no schedules.
  options: { server?: () => Promise<TestWorkflowEnvironment> } = {},
): Promise<BrowserTestbed> {
  const [env, smtp, browser] = await Promise.all([options.server ? options.server() : devServer(), startTestSmtpServer(), launchChromium()]);
  const archiveDir = mkdtempSync(path.join(tmpdir(), 'followup-archive-'));
  const taskQueue = `browser-${Math.random().toString(36).slice(2)}`;
  // Picked after the Temporal server has its ports, and used at once.
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const app = await buildWebApp({
    config,
    client: env.client,
    taskQueue,
    archive: createFileArchive(archiveDir),
    answerLinks: testAnswerLinks,
    passwordHash: await hashPassword(password),
    cookieSecret: 'browser-test-cookie-secret-0123456789',
    publicBaseUrl: baseUrl,
    templatesDir: path.join(PROJECT_ROOT, 'templates'),
    ...(web ? await web(baseUrl) : {}),
  });
  await app.listen({ host: '127.0.0.1', port });
  const tw = await createTestWorker(env, smtp.url, { publicBaseUrl: baseUrl, taskQueue, archiveDir, configs: [config] });
  return {
    env,
    smtp,
    tw,
    app,
    browser,
    baseUrl,
    archiveDir,
    close: async () => {
      await browser.close();
      await app.close();
      await tw.stop();
      await smtp.close();
      await env.teardown();
    },
  };
}
