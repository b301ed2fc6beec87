/**
 * Kungälv's project inventory "made available on the website": the public page in Chromium (axe
 * clean, the public fields, no contact details), the JSON feed with its documented schema and the
 * headers a website that fetches or frames it relies on, and `followup publish` for a web team that
 * copies files.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { registerProject } from '../../client/projects';
import { readRegister } from '../../client/registers';
import { loadConfigFile } from '../../config/load';
import { publicFeedSchema } from '../../domain/publication';
import { publicFeedJsonSchema } from '../../scripts/public-feed-schema';
import { pageChecks, startBrowserTestbed, type BrowserTestbed } from '../helpers/browser';
import { PROJECT_ROOT, until } from '../helpers/environment';

const KUNGALV = path.join(PROJECT_ROOT, 'config/examples/kungalv.yaml');
const config = loadConfigFile(KUNGALV);
const { checkPage, summary } = pageChecks();
const OWNER = { name: 'Viktor Hallberg', email: 'viktor.hallberg@kungalv.example' };

let testbed: BrowserTestbed;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  testbed = await startBrowserTestbed(config, 'sekretariatets långa lösenord');
  ({ browser, baseUrl } = testbed);
  const client = testbed.env.client;
  const project = { unitId: 'sektor-utbildning', owner: OWNER, partners: ['Tønsberg kommune', 'Folkuniversitetet; Åbo'], euFunded: false };
  await registerProject(client, testbed.tw.taskQueue, config, { ...project, id: 'nordplus-tonsberg', title: 'Nordplus Vuxen med Tønsberg', plannedStart: '2027-02-01', plannedEnd: '2028-06-30', stage: 'project' });
  await registerProject(client, testbed.tw.taskQueue, config, { ...project, id: 'erasmus-ansokan', title: '=Erasmus+ "Skolutbyte" ansökan', plannedStart: '2027-08-15', stage: 'application' });
  // The feed is made once per cacheSeconds: asked only when the register has both.
  await until(async () => ((await readRegister(client, 'kungalv')).projects.length === 2 ? true : undefined), 'both projects in the register');
});

afterAll(async () => {
  console.log(summary());
  await testbed?.close();
});

test('the public page shows the inventory, in Swedish and English, without contact details', async () => {
  const page = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await page.goto(`${baseUrl}/public`);
  await page.getByRole('heading', { level: 1, name: 'Kungälvs kommuns internationella projekt' }).waitFor();
  const table = page.getByRole('table');
  expect(await table.locator('thead th').allTextContents()).toEqual(['Titel', 'Enhet', 'Planerad start', 'Planerat slut', 'Skede', 'Partner', 'EU-finansierat']);
  const rows = await table.locator('tbody tr').allTextContents();
  expect(rows[0]).toContain('=Erasmus+ "Skolutbyte" ansökan');
  expect(rows[0]).toContain('ansökan');
  expect(rows[1]).toContain('Nordplus Vuxen med Tønsberg');
  expect(rows[1]).toContain('Tønsberg kommune, Folkuniversitetet; Åbo');
  const body = (await page.locator('body').textContent()) ?? '';
  expect(body).not.toContain(OWNER.name);
  expect(body).not.toContain(OWNER.email);
  await checkPage(page, 'public');
  await page.getByRole('link', { name: 'In English' }).click();
  await page.getByRole('heading', { level: 1, name: 'International projects of Kungälv municipality' }).waitFor();
  expect(await page.getByRole('table').locator('thead th').first().textContent()).toBe('Title');
  await checkPage(page, 'public-english');
  // Its footer leads to the accessibility statement and the feed.
  await page.getByRole('link', { name: 'The same as JSON' }).click();
  expect(page.url()).toBe(`${baseUrl}/public/feed.json?lang=en`);
});

test('the JSON feed follows its documented schema, with the headers a website needs', async () => {
  const response = await fetch(`${baseUrl}/public/feed.json`);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('public, max-age=300');
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  const feed = publicFeedSchema.parse(await response.json());
  expect(feed.organisation).toEqual({ id: 'kungalv', name: config.organisation.name });
  expect(feed.registers.map((r) => r.id)).toEqual(['projects']);
  expect(feed.registers[0]!.items[1]).toEqual({
    title: 'Nordplus Vuxen med Tønsberg',
    unit: 'Sektor utbildning, kultur och fritid',
    plannedStart: '2027-02-01',
    plannedEnd: '2028-06-30',
    stage: 'projekt',
    partners: ['Tønsberg kommune', 'Folkuniversitetet; Åbo'],
    euFunded: false,
  });
  expect(JSON.stringify(feed)).not.toContain('kungalv.example');
  // Asked again with the version it has, a website gets "not modified".
  const again = await fetch(`${baseUrl}/public/feed.json`, { headers: { 'If-None-Match': response.headers.get('etag')! } });
  expect(again.status).toBe(304);
  // The schema in docs/ is the one the feed is checked against.
  expect(readFileSync(path.join(PROJECT_ROOT, 'docs/public-feed.schema.json'), 'utf8')).toBe(publicFeedJsonSchema());
  // The page may be framed by the municipality's website; the secretariat's pages may not.
  const html = await fetch(`${baseUrl}/public`);
  expect(html.headers.get('content-security-policy')).toContain('frame-ancestors *');
  expect(html.headers.get('x-frame-options')).toBeNull();
  expect((await fetch(`${baseUrl}/login`)).headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
});

test('followup publish writes the page and the feed for a web team to copy', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'followup-publish-'));
  const result = await new Promise<{ code: number; out: string; err: string }>((resolve) => {
    execFile(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin/followup.js'), 'publish', '--out', out],
      { env: { ...process.env, TEMPORAL_ADDRESS: testbed.env.address, FOLLOWUP_CONFIG: KUNGALV, PUBLIC_BASE_URL: baseUrl } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
  expect(result).toMatchObject({ code: 0, out: expect.stringContaining('Projekt: 2.') });
  expect(result.out).toContain('Wrote index.html, feed.json, index.en.html, feed.en.json');
  const feed = publicFeedSchema.parse(JSON.parse(readFileSync(path.join(out, 'feed.json'), 'utf8')));
  expect(feed.registers[0]!.items).toHaveLength(2);
  // The copied page works from the files alone: its links are to the files beside it and to the service.
  const page = await (await browser.newContext({ locale: 'sv-SE' })).newPage();
  await page.goto(`file://${path.join(out, 'index.html')}`);
  await page.getByRole('heading', { level: 1, name: 'Kungälvs kommuns internationella projekt' }).waitFor();
  expect(await page.getByRole('link', { name: 'In English' }).getAttribute('href')).toBe('index.en.html');
  expect(await page.getByRole('link', { name: 'Tillgänglighetsredogörelse' }).getAttribute('href')).toBe(`${baseUrl}/accessibility?lang=sv`);
  await checkPage(page, 'published-file');
});
