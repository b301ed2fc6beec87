/**
 * A cycle of 120 units as the secretariat reads it, on a real dev server: the page says while the
 * cycle is still starting its units, then lists them 50 at a time, filtered by state and searched by
 * name; status comes from the visibility store, so it is the same with no worker running, and a
 * finished cycle stays readable without one.
 */
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { closeCycle, cycleOverview, cycleStatus, startCycle, submitAnswer } from '../../client/cycles';
import { loadConfigFile } from '../../config/load';
import type { OrganisationConfig } from '../../config/schema';
import { formatDate } from '../../domain/calendar';
import type { CycleKey } from '../../domain/ids';
import { buildWebApp } from '../../web/app';
import { hashPassword } from '../../web/password';
import { registerSearchAttributes } from '../../workers/search-attributes';
import { createTestWorker, devServer, PROJECT_ROOT, SOLNA_CONFIG, testAnswerLinks, until, type TestWorker } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { FormSession } from '../helpers/web';

jest.setTimeout(240_000);

const PASSWORD = 'hundratjugo enheter på rad';
const UNITS = 120;
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const answer = { eu_projects: 'Inga.', other_work: 'Eurocities.', effects: 'Mer kunskap.' };

/** Solna with 120 units: "Enhet 1" … "Enhet 120", each with a contact of its own. */
function manyUnits(): OrganisationConfig {
  const solna = JSON.parse(JSON.stringify(loadConfigFile(SOLNA_CONFIG))) as OrganisationConfig & { units: unknown[] };
  const template = solna.units[0]!;
  solna.units = Array.from({ length: UNITS }, (_, i) => ({
    ...template,
    id: `enhet-${i + 1}`,
    name: { sv: `Enhet ${i + 1}`, en: `Unit ${i + 1}` },
    contacts: [{ name: `Kontakt ${i + 1}`, email: `kontakt${i + 1}@solna.example` }],
    board: undefined,
  }));
  return solna;
}

let env: TestWorkflowEnvironment;
let smtp: TestSmtpServer;
let tw: TestWorker | undefined;
let app: FastifyInstance;
const config = manyUnits();
const taskQueue = 'cycle-views';

beforeAll(async () => {
  [env, smtp] = await Promise.all([devServer(), startTestSmtpServer()]);
  // As the web server does when it starts, before any worker has.
  await registerSearchAttributes(env.connection, 'default');
  app = await buildWebApp({
    config,
    client: env.client,
    taskQueue,
    archive: (await import('../../activities/archive')).createFileArchive(path.join(PROJECT_ROOT, '.data', 'test-cycle-views')),
    answerLinks: testAnswerLinks,
    passwordHash: await hashPassword(PASSWORD),
    cookieSecret: 'cookie-secret-cookie-secret-cookie-secret',
    publicBaseUrl: 'https://uppfoljning.solna.example',
    templatesDir: path.join(PROJECT_ROOT, 'templates'),
  });
});

afterAll(async () => {
  await app?.close();
  await tw?.stop();
  await smtp?.close();
  await env?.teardown();
});

const cyclePage = `/cycles/${key.obligationId}/${key.period}`;

/** The "next page" link as a browser follows it: entities decoded, without the fragment. */
function nextPage(html: string): string {
  const href = /href="([^"]+)" rel="next"/.exec(html)![1]!;
  return href.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').replace(/#.*$/, '');
}

test('a cycle of 120 units: starting, paged, filtered, searched, and read without a worker', async () => {
  const browser = new FormSession(app);
  expect((await browser.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);

  // No worker yet: the cycle exists, and says it is still starting its units.
  expect((await startCycle(env.client, taskQueue, key, 'test')).outcome).toBe('started');
  const starting = await browser.get(cyclePage);
  expect(starting.statusCode).toBe(200);
  expect(starting.body).toContain('Omgången startar fortfarande sina enheter');
  expect((await cycleStatus(env.client, key)).starting).toBe(true);

  tw = await createTestWorker(env, smtp.url, { configs: [config], taskQueue, publicBaseUrl: 'https://uppfoljning.solna.example' });
  await smtp.waitFor(UNITS, 120_000);
  await until(async () => ((await cycleStatus(env.client, key)).units.filter((u) => u.requestSentAt).length === UNITS ? true : undefined), 'every unit requested', 60_000);
  for (const unit of ['enhet-7', 'enhet-70', 'enhet-120']) await submitAnswer(env.client, key, unit, answer, 'contact');
  await until(async () => ((await cycleStatus(env.client, key)).units.filter((u) => u.state === 'answered').length === 3 ? true : undefined), 'three answers listed', 30_000);

  const first = await browser.get(cyclePage);
  expect(first.body).not.toContain('startar fortfarande');
  expect(first.body).toContain('3 av 120 enheter har svarat');
  expect(first.body).toContain('Visar enheterna 1–50 av 120');
  expect(first.body).toContain('Sida 1 av 3');
  expect(first.body.match(/<th scope="row">Enhet \d+<\/th>/g)).toHaveLength(50);
  expect(first.body).toContain('<th scope="row">Enhet 1</th>');
  expect(first.body).not.toContain('<th scope="row">Enhet 51</th>');
  const second = await browser.get(nextPage(first.body));
  expect(second.body).toContain('Visar enheterna 51–100 av 120');
  const last = await browser.get(nextPage(second.body));
  expect(last.body).toContain('Visar enheterna 101–120 av 120');
  expect(last.body).toContain('<th scope="row">Enhet 120</th>');
  expect(last.body).not.toContain('rel="next"');

  const answered = await browser.get(`${cyclePage}?state=answered`);
  expect(answered.body).toContain('Visar enheterna 1–3 av 3');
  expect(answered.body.match(/<th scope="row">Enhet \d+<\/th>/g)).toEqual(['<th scope="row">Enhet 7</th>', '<th scope="row">Enhet 70</th>', '<th scope="row">Enhet 120</th>']);
  expect(answered.body).toContain('<option value="answered" selected>');
  const searched = await browser.get(`${cyclePage}?q=${encodeURIComponent('enhet 7')}`);
  // "Enhet 7" and "Enhet 70" … "Enhet 79".
  expect(searched.body).toContain('Visar enheterna 1–11 av 11');
  // Acting on a unit comes back to the view it was taken from: the same filter, the same page.
  const requested = await browser.get(`${cyclePage}?state=requested&page=2`);
  const remindForm = /<form method="post" action="[^"]+\/remind">(.*?)<\/form>/s.exec(requested.body)![1]!;
  const fields = Object.fromEntries([...remindForm.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
  expect(fields).toMatchObject({ state: 'requested', page: '2' });
  const reminded = await browser.post(`${cyclePage}/remind`, fields);
  expect([reminded.statusCode, reminded.headers.location]).toEqual([303, `${cyclePage}?done=reminded&unit=${fields.unit}&state=requested&page=2`]);
  // Everyone who has not answered, reminded at once: the page counts them instead of naming 117 units in its address.
  const { unit: _one, ...everyone } = fields;
  const remindedAll = await browser.post(`${cyclePage}/remind`, everyone);
  expect(remindedAll.statusCode).toBe(303);
  const count = /[?&]done=reminded&count=(\d+)/.exec(String(remindedAll.headers.location))?.[1];
  expect(Number(count)).toBe(UNITS - 3);
  const afterAll = await browser.get(String(remindedAll.headers.location));
  expect(afterAll.statusCode).toBe(200);
  expect(afterAll.body).toContain(`Påminnelse skickad till ${UNITS - 3} enheter.`);

  // No worker at all: the same page, from the visibility store.
  await tw.stop();
  tw = undefined;
  const withoutWorker = await browser.get(`${cyclePage}?state=answered`);
  expect(withoutWorker.statusCode).toBe(200);
  expect(withoutWorker.body).toContain('3 av 120 enheter har svarat');
  expect((await cycleStatus(env.client, key)).units).toHaveLength(UNITS);

  // Closed and reported, then the worker gone again: still readable, the report's link there.
  tw = await createTestWorker(env, smtp.url, { configs: [config], taskQueue, publicBaseUrl: 'https://uppfoljning.solna.example' });
  await closeCycle(env.client, key, 'test');
  await until(async () => ((await cycleOverview(env.client, key)).report ? true : undefined), 'the report', 120_000);
  await until(async () => ((await cycleStatus(env.client, key)).units.every((u) => u.closed) ? true : undefined), 'every unit closed', 60_000);
  await tw.stop();
  tw = undefined;
  const closed = await browser.get(cyclePage);
  expect(closed.statusCode).toBe(200);
  expect(closed.body).toContain(`href="${cyclePage}/report.html"`);
  expect(closed.body).toContain('3 av 120 enheter har svarat');
  expect((await cycleOverview(env.client, key)).report?.answered).toBe(3);
  // Closed early: the page says when it closed, in Stockholm's time, and the others did not answer
  // (no longer "väntar på svar"), in the chart, the filter and the list alike.
  const { closedAt, plan } = await cycleOverview(env.client, key);
  expect(closed.body).toContain(`Uppföljningen stängdes: ${formatDate(closedAt!, config.organisation.timeZone, 'sv', true)} (i förtid, planerat ${formatDate(plan!.closesAt, config.organisation.timeZone, 'sv', true)})`);
  expect(closed.body).not.toContain('Uppföljningen stängs:');
  expect(closed.body).toContain('har inte svarat: 117');
  expect(closed.body).not.toContain('väntar på svar');
  expect(closed.body).toContain('<span class="state state-unanswered">har inte svarat</span>');
  expect(closed.body).toContain('<option value="unanswered">har inte svarat</option>');
  const unanswered = await browser.get(`${cyclePage}?state=unanswered&page=3`);
  expect(unanswered.body).toContain('Visar enheterna 101–117 av 117');
  expect(unanswered.body).toContain('<option value="unanswered" selected>');
  expect(unanswered.body).not.toContain('<th scope="row">Enhet 120</th>');
  expect((await browser.get(`${cyclePage}?state=requested`)).body).toContain('Visar enheterna 0–0 av 0');
});
