/**
 * The HTTP API (/api/v1) as an integration meets it, on a real dev server and worker, the
 * database of record (PGlite over the wire) and a real SMTP server: its OpenAPI 3.1 document is
 * valid and describes every route, with a reference page served from here; a secretariat token
 * registers a project, starts a cycle and records an answer, and the cycle's web page shows it; a
 * reader token reads the cycles and a unit's answers but may not write; errors are problem+json in
 * the caller's language; another organisation's cycle is not found; paging lists each item once;
 * and the reference page works in Chromium with nothing fetched from elsewhere.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { startCycle } from '../../client/cycles';
import { loadConfigFile } from '../../config/load';
import type { OrganisationConfig } from '../../config/schema';
import { createApiToken } from '../../records/api-tokens';
import { buildWebApp } from '../../web/app';
import { launchChromium } from '../helpers/browser';
import { freePort, SOLNA_CONFIG, until } from '../helpers/environment';
import { startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import { FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(300_000);

const PASSWORD = 'api-testets lösenord för webben';
const solna = loadConfigFile(SOLNA_CONFIG);
/** Another organisation of the deployment, with the same obligations: its cycles are its own. */
const sundbyberg: OrganisationConfig = { ...solna, organisation: { ...solna.organisation, id: 'sundbyberg', name: 'Sundbybergs stad' } };
const CYCLE = '/api/v1/cycles/annual-follow-up/2025';
const answer = { eu_projects: 'Interreg Baltic: Smart Cities.', other_work: 'Eurocities, arbetsgruppen för kultur.', effects: 'Bättre underlag för nämndens beslut.' };

let testbed: RecordsTestbed;
let app: FastifyInstance;
const tokens = { secretariat: '', reader: '', otherOrganisation: '' };

beforeAll(async () => {
  testbed = await startRecordsTestbed({ configs: [solna, sundbyberg] });
  app = await buildWebApp({ ...(await testWebDeps(solna, testbed.env.client, testbed.tw, PASSWORD)), records: testbed.records });
  const by = { actor: 'test', via: 'cli' as const };
  tokens.secretariat = (await createApiToken(testbed.records, { name: 'arendesystem', role: 'secretariat', org: 'solna' }, by)).token;
  tokens.reader = (await createApiToken(testbed.records, { name: 'intranat', role: 'reader', org: 'solna' }, by)).token;
  tokens.otherOrganisation = (await createApiToken(testbed.records, { name: 'sundbyberg-diarium', role: 'secretariat', org: 'sundbyberg' }, by)).token;
});

afterAll(async () => {
  await app?.close();
  await testbed?.close();
});

type Json = Record<string, unknown> & { items?: Record<string, unknown>[]; next?: string | null; nextCursor?: string | null };

async function call(token: string, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ response: LightMyRequestResponse; json: Json }> {
  const response = await app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...headers }, ...(body !== undefined ? { payload: body as object } : {}) });
  const json = (response.headers['content-type']?.toString().includes('json') ? response.json() : {}) as Json;
  return { response, json };
}

/** Every item of a list, following `next` page by page. */
async function everyPage(token: string, first: string): Promise<{ items: Record<string, unknown>[]; pages: number }> {
  const items: Record<string, unknown>[] = [];
  let url: string | null | undefined = first;
  let pages = 0;
  while (url) {
    const { response, json } = await call(token, 'GET', url);
    expect(response.statusCode).toBe(200);
    items.push(...json.items!);
    pages++;
    url = json.next;
  }
  return { items, pages };
}

function expectProblem(response: LightMyRequestResponse, status: number) {
  expect({ status: response.statusCode, type: response.headers['content-type'] }).toEqual({ status, type: 'application/problem+json; charset=utf-8' });
  const problem = response.json<{ type: string; title: string; status: number; detail: string; instance: string }>();
  expect(problem).toMatchObject({ status, type: expect.stringMatching(/^urn:policy-followup:problem:/), title: expect.any(String), detail: expect.any(String) });
  return problem;
}

describe('the OpenAPI document', () => {
  test('is valid OpenAPI 3.1, lists every route of the API, and has a reference page served from here', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<{ openapi: string; paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>> }>();
    expect(document.openapi).toBe('3.1.0');
    await SwaggerParser.validate(structuredClone(document) as never);
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(
      [
        'GET /api/v1/obligations',
        'GET /api/v1/obligations/{obligation}',
        'GET /api/v1/cycles',
        'POST /api/v1/cycles',
        'GET /api/v1/cycles/{obligation}/{period}',
        'GET /api/v1/cycles/{obligation}/{period}/units',
        'GET /api/v1/cycles/{obligation}/{period}/units/{unit}',
        'POST /api/v1/cycles/{obligation}/{period}/remind',
        'POST /api/v1/cycles/{obligation}/{period}/close',
        'POST /api/v1/cycles/{obligation}/{period}/units/{unit}/answer',
        'POST /api/v1/cycles/{obligation}/{period}/units/{unit}/attachments',
        'GET /api/v1/cycles/{obligation}/{period}/units/{unit}/attachments',
        'GET /api/v1/cycles/{obligation}/{period}/units/{unit}/attachments/{attachment}',
        'GET /api/v1/projects',
        'POST /api/v1/projects',
        'GET /api/v1/projects/{id}',
        'PATCH /api/v1/projects/{id}',
        'POST /api/v1/projects/{id}/goals',
        'POST /api/v1/projects/{id}/decision',
        'GET /api/v1/seminars',
        'POST /api/v1/seminars',
        'GET /api/v1/seminars/{id}',
        'PATCH /api/v1/seminars/{id}',
        'GET /api/v1/agreements',
        'POST /api/v1/agreements',
        'GET /api/v1/agreements/{id}',
        'POST /api/v1/agreements/{id}/decision',
        'GET /api/v1/events',
        'POST /api/v1/events',
        'GET /api/v1/events/{id}',
        'PATCH /api/v1/events/{id}',
        'GET /api/v1/yearly-goals',
        'POST /api/v1/yearly-goals/{obligation}/{year}',
        'GET /api/v1/revisions',
        'POST /api/v1/revisions/{obligation}/decision',
        'GET /api/v1/reports',
        'GET /api/v1/reports/{obligation}/{period}',
        'GET /api/v1/reports/{obligation}/{period}/{format}',
        'GET /api/v1/audit-log',
      ].sort(),
    );
    // None of the web's pages is part of it.
    expect(Object.keys(document.paths).every((p) => p.startsWith('/api/v1/'))).toBe(true);
    // Every operation says what its problems look like.
    for (const [path, methods] of Object.entries(document.paths)) for (const [method, op] of Object.entries(methods)) expect({ op: `${method} ${path}`, problems: Object.keys(op.responses).filter((s) => s === '400' || s === '401') }).toEqual({ op: `${method} ${path}`, problems: ['400', '401'] });

    const page = await app.inject({ method: 'GET', url: '/api/v1/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    // Its scripts and styles come from here: it works with no internet.
    const sources = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThan(2);
    for (const source of sources) {
      expect(source).not.toMatch(/^(https?:)?\/\//);
      const asset = await app.inject({ method: 'GET', url: new URL(source, 'http://x/api/v1/docs').pathname });
      expect({ source, status: asset.statusCode }).toEqual({ source, status: 200 });
    }
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    const initializer = await app.inject({ method: 'GET', url: '/api/v1/docs/static/swagger-initializer.js' });
    expect(initializer.body).toContain('/api/v1/openapi.json');
  });
});

describe('an integration', () => {
  test('registers a project, starts a cycle and records an answer; the web shows it; a reader reads the cycle and the answer but cannot write', async () => {
    // A project, registered and corrected.
    const project = await call(tokens.secretariat, 'POST', '/api/v1/projects', {
      title: 'Vänort Tartu',
      unitId: 'kultur-fritid',
      owner: { name: 'Anna Berg', email: 'anna.berg@solna.example' },
      plannedStart: new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10),
      partners: ['Tartu linn'],
    });
    expect(project.response.statusCode).toBe(201);
    expect(project.json).toMatchObject({ id: expect.stringMatching(/^vanort-tartu-\d{4}$/), title: 'Vänort Tartu', unitId: 'kultur-fritid', archived: false });
    const projectId = String(project.json.id);
    expect(project.response.headers.location).toBe(`/api/v1/projects/${projectId}`);
    const edited = await call(tokens.secretariat, 'PATCH', `/api/v1/projects/${projectId}`, { title: 'Vänort Tartu 2027' });
    expect(edited.response.statusCode).toBe(200);
    expect(edited.json.title).toBe('Vänort Tartu 2027');
    expect((await call(tokens.reader, 'GET', `/api/v1/projects/${projectId}`)).json.title).toBe('Vänort Tartu 2027');
    // The checks of the page's form: a unit the organisation does not have.
    const refused = await call(tokens.secretariat, 'POST', '/api/v1/projects', { title: 'Fel enhet', unitId: 'finns-inte', owner: { name: 'A', email: 'a@solna.example' }, plannedStart: '2030-01-01' });
    expect(expectProblem(refused.response, 422)).toMatchObject({ errors: [{ field: 'unitId', message: 'Välj en enhet.' }] });

    // A cycle started; started again, it is the one there is.
    const started = await call(tokens.secretariat, 'POST', '/api/v1/cycles', { obligation: 'annual-follow-up', period: '2025' });
    expect(started.response.statusCode).toBe(201);
    expect(started.json).toMatchObject({ outcome: 'started', cycle: { obligation: 'annual-follow-up', period: '2025', href: CYCLE } });
    expect((await call(tokens.secretariat, 'POST', '/api/v1/cycles', { obligation: 'annual-follow-up', period: '2025' })).json.outcome).toBe('running');
    await until(async () => {
      const { json } = await call(tokens.reader, 'GET', `${CYCLE}/units`);
      return json.items?.length === 6 && json.items.every((u) => u.state === 'requested') ? true : undefined;
    }, 'six units asked', 60_000);

    // An answer recorded for a unit; one that does not fit its questions is refused field by field.
    const recorded = await call(tokens.secretariat, 'POST', `${CYCLE}/units/omsorg/answer`, { answers: answer });
    expect(recorded.response.statusCode).toBe(201);
    expect(recorded.json).toMatchObject({ unit: 'omsorg', revision: 1 });
    const incomplete = await call(tokens.secretariat, 'POST', `${CYCLE}/units/tekniska/answer`, { answers: { eu_projects: 'Inga.' } }, { 'accept-language': 'en' });
    const problem = expectProblem(incomplete.response, 422);
    expect(problem).toMatchObject({ title: 'Not accepted', errors: expect.arrayContaining([expect.objectContaining({ field: 'answers.other_work' }), expect.objectContaining({ field: 'answers.effects' })]) });

    // The secretariat's page of the cycle shows it.
    const browser = new FormSession(app);
    await browser.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' });
    const cyclePage = await until(async () => {
      const page = await browser.get('/cycles/annual-follow-up/2025');
      return page.body.includes('1 av 6 enheter har svarat') ? page : undefined;
    }, 'the answer on the cycle page');
    expect(cyclePage.body).toMatch(/Omsorgsförvaltningen<\/th>[\s\S]*?besvarad/);
    expect(cyclePage.body).toContain('api:arendesystem');

    // The reader: the obligations, the cycles, the unit's state and its answer with who recorded it.
    const obligations = await call(tokens.reader, 'GET', '/api/v1/obligations');
    expect(obligations.json.items!.map((o) => o.id)).toEqual(solna.obligations.map((o) => o.id).sort());
    expect(obligations.json.items!.find((o) => o.id === 'annual-follow-up')).toMatchObject({ kind: 'periodic-data-call', title: { sv: solna.obligations[0]!.title.sv }, nextDates: expect.any(Array) });
    const cycles = await call(tokens.reader, 'GET', '/api/v1/cycles');
    expect(cycles.json.items).toEqual([expect.objectContaining({ obligation: 'annual-follow-up', period: '2025', phase: 'open', running: true })]);
    const cycle = await until(async () => {
      const { json } = await call(tokens.reader, 'GET', CYCLE);
      return (json.counts as Record<string, number>).answered === 1 ? json : undefined;
    }, 'the count of answers');
    expect(cycle).toMatchObject({ counts: { answered: 1, requested: 5 }, questions: expect.arrayContaining([expect.objectContaining({ id: 'eu_projects', required: true })]) });
    const unit = await until(async () => {
      const { json } = await call(tokens.reader, 'GET', `${CYCLE}/units/omsorg`);
      return json.answer ? json : undefined;
    }, 'the answer on record');
    expect(unit).toMatchObject({ unit: 'omsorg', state: 'answered', name: { sv: 'Omsorgsförvaltningen' }, answer: { revision: 1, by: 'api:arendesystem', answers: answer } });
    expect(unit.versions).toHaveLength(1);
    const answered = await call(tokens.reader, 'GET', `${CYCLE}/units?state=answered`);
    expect(answered.json.items!.map((u) => u.unit)).toEqual(['omsorg']);

    // Every write of the reader refused, route by route, before anything is done.
    const writes: ['POST' | 'PATCH', string, object][] = [
      ['POST', '/api/v1/cycles', { obligation: 'annual-follow-up', period: '2026' }],
      ['POST', `${CYCLE}/remind`, {}],
      ['POST', `${CYCLE}/close`, {}],
      ['POST', `${CYCLE}/units/tekniska/answer`, { answers: answer }],
      ['POST', '/api/v1/projects', { title: 'X', unitId: 'omsorg', owner: { name: 'A', email: 'a@solna.example' }, plannedStart: '2030-01-01' }],
      ['PATCH', `/api/v1/projects/${projectId}`, { title: 'X' }],
      ['POST', `/api/v1/projects/${projectId}/decision`, { decision: 'approve' }],
      ['POST', '/api/v1/seminars', { title: 'X', date: '2030-01-01', place: 'Solna', country: 'SE', role: 'organiser', unitId: 'omsorg' }],
      ['POST', '/api/v1/yearly-goals/annual-follow-up/2026', { decidedOn: '2026-01-01', body: 'KF', paragraph: '§ 1', goals: ['X'] }],
    ];
    for (const [method, url, body] of writes) expectProblem((await call(tokens.reader, method, url, body)).response, 403);
    expect((await call(tokens.reader, 'GET', '/api/v1/cycles')).json.items).toHaveLength(1);

    // Each write is in the audit log, under the integration's name, by the API.
    const audit = await call(tokens.reader, 'GET', '/api/v1/audit-log?via=api');
    const actions = audit.json.items!.map((e) => [e.action, e.actor]);
    for (const action of ['project-registered', 'project-edited', 'cycle-start', 'answer-recorded']) expect(actions).toContainEqual([action, 'api:arendesystem']);
    expect(actions.filter(([, actor]) => actor === 'api:intranat')).toEqual([]);

    // Closed through the API: the report compiled, its PDF downloaded.
    const closing = await call(tokens.secretariat, 'POST', `${CYCLE}/close`, { reason: 'Stängd av ärendesystemet' });
    expect(closing.response.statusCode).toBe(202);
    const report = await until(async () => {
      const { response, json } = await call(tokens.reader, 'GET', '/api/v1/reports/annual-follow-up/2025');
      return response.statusCode === 200 && (json.files as { format: string }[]).some((f) => f.format === 'pdf') ? json : undefined;
    }, 'the report compiled', 120_000);
    const pdf = (report.files as { format: string; href: string }[]).find((f) => f.format === 'pdf')!;
    const download = await call(tokens.reader, 'GET', pdf.href);
    expect(download.response.statusCode).toBe(200);
    expect(download.response.headers['content-type']).toBe('application/pdf');
    expect(download.response.headers['content-disposition']).toMatch(/^attachment; filename=".+\.pdf"$/);
    expect(download.response.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('problems', () => {
  test('a query that does not fit is a 400 problem in the caller\'s language, each field named', async () => {
    const swedish = await call(tokens.reader, 'GET', '/api/v1/cycles?limit=abc');
    const problem = expectProblem(swedish.response, 400);
    expect(problem).toMatchObject({ title: 'Begäran stämmer inte', instance: '/api/v1/cycles', errors: [expect.objectContaining({ in: 'querystring', field: 'limit' })] });
    const english = await call(tokens.reader, 'GET', '/api/v1/cycles?limit=0&colour=blue', undefined, { 'accept-language': 'en-GB,en;q=0.9,sv;q=0.5' });
    expect(expectProblem(english.response, 400)).toMatchObject({ title: 'The request does not fit' });
    expect(expectProblem((await call(tokens.reader, 'GET', '/api/v1/cycles?cursor=not-ours')).response, 400).detail).toContain('cursor');
    expectProblem((await call(tokens.reader, 'GET', '/api/v1/cycles/annual-follow-up/20x5')).response, 400);
    expectProblem((await call(tokens.secretariat, 'POST', '/api/v1/cycles', { obligation: 'annual-follow-up' })).response, 400);
    // Neither a token nor a path of the API: 401 and 404, as problems too.
    expectProblem((await app.inject({ method: 'GET', url: '/api/v1/cycles' })), 401);
    expectProblem((await call(tokens.reader, 'GET', '/api/v1/nothing-here')).response, 404);
  });

  test('another organisation\'s cycle is not found, and its token opens nothing here', async () => {
    expect((await startCycle(testbed.env.client, testbed.tw.taskQueue, { orgId: 'sundbyberg', obligationId: 'annual-follow-up', period: '2024' }, 'test')).outcome).toBe('started');
    const theirs = '/api/v1/cycles/annual-follow-up/2024';
    expect(expectProblem((await call(tokens.secretariat, 'GET', theirs)).response, 404).title).toBe('Finns inte');
    expectProblem((await call(tokens.reader, 'GET', `${theirs}/units`)).response, 404);
    expectProblem((await call(tokens.secretariat, 'POST', `${theirs}/units/omsorg/answer`, { answers: answer })).response, 404);
    expect((await call(tokens.reader, 'GET', '/api/v1/cycles')).json.items!.map((c) => c.period)).not.toContain('2024');
    // A cycle of an obligation the organisation does not have.
    expectProblem((await call(tokens.reader, 'GET', '/api/v1/cycles/eu-reporting/2024')).response, 404);
    // Sundbyberg's token on Solna's API.
    expect([403, 404]).toContain((await call(tokens.otherOrganisation, 'GET', '/api/v1/cycles')).response.statusCode);
  });
});

test('paging lists every item once, following next', async () => {
  const titles = ['Nordiskt forum', 'Eurocities kultur', 'Baltic Sea Cities', 'Twin Towns', 'EU-dagen', 'Erasmus+ info', 'Interreg möte'];
  for (const [i, title] of titles.entries()) {
    const registered = await call(tokens.secretariat, 'POST', '/api/v1/seminars', { title, date: `2026-0${i + 1}-15`, place: 'Solna', country: 'SE', role: 'organiser', unitId: 'kultur-fritid' });
    expect(registered.response.statusCode).toBe(201);
  }
  const seminars = await everyPage(tokens.reader, '/api/v1/seminars?limit=3');
  expect(seminars.pages).toBe(3);
  expect(seminars.items.map((s) => s.title).sort()).toEqual([...titles].sort());
  expect(new Set(seminars.items.map((s) => s.id)).size).toBe(titles.length);

  const units = await everyPage(tokens.reader, `${CYCLE}/units?limit=4`);
  expect(units.pages).toBe(2);
  expect(units.items.map((u) => u.unit)).toEqual(solna.units.map((u) => u.id));
  const all = await call(tokens.reader, 'GET', '/api/v1/seminars?limit=200');
  expect(all.json).toMatchObject({ next: null, nextCursor: null });
});

test('the reference page works in Chromium with nothing from elsewhere, and tries a route with the signed-in session', async () => {
  const port = await freePort();
  const served = await buildWebApp({ ...(await testWebDeps(solna, testbed.env.client, testbed.tw, PASSWORD)), records: testbed.records, publicBaseUrl: `http://127.0.0.1:${port}` });
  await served.listen({ host: '127.0.0.1', port });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const elsewhere: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(`http://127.0.0.1:${port}/`) && !r.url().startsWith('data:')) elsewhere.push(r.url());
    });
    page.on('console', (m) => {
      // The browser's own look for /favicon.ico on the web's pages is not the reference page's.
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(e.message));
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    // Signed in to the web, the page's "Try it out" reads with the session.
    await page.goto(`http://127.0.0.1:${port}/login`);
    await page.fill('input[name="username"]', 'sekretariatet');
    await page.fill('input[name="password"]', PASSWORD);
    await Promise.all([page.waitForURL(/dashboard/), page.click('button[type="submit"]')]);
    await page.goto(`http://127.0.0.1:${port}/api/v1/docs`);
    await page.waitForSelector('.swagger-ui .info .title', { timeout: 30_000 });
    expect(await page.textContent('.swagger-ui .info .title')).toContain('policy-followup API: Solna stad');
    await page.waitForSelector('.opblock-summary-path[data-path="/api/v1/cycles/{obligation}/{period}/units"]');
    const listCycles = page.locator('.opblock-get').filter({ has: page.locator('.opblock-summary-path[data-path="/api/v1/cycles"]') });
    await listCycles.locator('.opblock-summary').click();
    await listCycles.locator('button.try-out__btn').click();
    await listCycles.locator('button.execute').click();
    await page.waitForSelector('.live-responses-table tr.response .response-col_status');
    expect(await listCycles.locator('.live-responses-table tr.response .response-col_status').first().textContent()).toContain('200');
    expect(await listCycles.locator('.live-responses-table .microlight').first().textContent()).toContain('annual-follow-up');
    expect(elsewhere).toEqual([]);
    expect(failed).toEqual([]);
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
    await served.close();
  }
});
