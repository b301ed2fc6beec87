/**
 * Every route reads its path, query string and form through its zod schemas (web/forms.ts): an
 * address that does not fit is a 400 page in the person's language, or a JSON problem on a route
 * that answers in JSON, never a 500; one that fits still opens its page. On a real dev server and
 * worker, with mails through a real SMTP server.
 */
import type { FastifyInstance } from 'fastify';
import type { CycleKey } from '../../domain/ids';
import { answerLinkIn, FormSession, startWebTestbed, type WebTestbed } from '../helpers/web';

jest.setTimeout(120_000);

const PASSWORD = 'rätt häst batteri häftklammer';
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const cyclePage = `/cycles/${key.obligationId}/${key.period}`;

let testbed: WebTestbed;
let app: FastifyInstance;
let secretariat: FormSession;

const SWEDISH = { html: '<html lang="sv">', heading: 'Adressen stämmer inte' };
const ENGLISH = { html: '<html lang="en">', heading: 'The address does not fit' };

beforeAll(async () => {
  testbed = await startWebTestbed(key, PASSWORD);
  app = testbed.app;
  secretariat = new FormSession(app);
  await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD });
});

afterAll(() => testbed?.close());

describe('a query string that does not fit its page', () => {
  test('is a 400 page in Swedish, and in English where the address asks for English', async () => {
    for (const query of ['page=abc', 'state=nonsense', 'state=late&state=bounced', 'page=0', 'lang=de']) {
      const page = await secretariat.get(`${cyclePage}?${query}`);
      expect({ query, status: page.statusCode }).toEqual({ query, status: 400 });
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain(SWEDISH.html);
      expect(page.body).toContain(`<h1>${SWEDISH.heading}</h1>`);
      expect(page.body).toContain('ändra adressen för hand');
    }
    const english = await secretariat.get(`${cyclePage}?lang=en&page=abc`);
    expect(english.statusCode).toBe(400);
    expect(english.body).toContain(ENGLISH.html);
    expect(english.body).toContain(`<h1>${ENGLISH.heading}</h1>`);
    // Nothing of what was sent is shown back.
    expect((await secretariat.get(`${cyclePage}?state=${encodeURIComponent('<b>x</b>')}`)).body).not.toContain('<b>x</b>');
  });

  test('is in English for a person who chose English before, on every listing page', async () => {
    const chooser = new FormSession(app);
    await chooser.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD });
    expect((await chooser.get('/dashboard?lang=en')).body).toContain(ENGLISH.html);
    for (const url of ['/dashboard?done=started&done=x', '/seminars?year=20x6', '/seminars?format=pdf', '/schedules?unit=a&unit=b', '/mail-log?address=a&address=b', `${cyclePage}/mail-log?done=a&done=b`, '/preview?obligation=a&obligation=b']) {
      const page = await chooser.get(url);
      expect({ url, status: page.statusCode }).toEqual({ url, status: 400 });
      expect(page.body).toContain(`<h1>${ENGLISH.heading}</h1>`);
    }
  });

  test('on a page a mailed link opens, is a 400 page in the language of the link', async () => {
    const link = new URL(answerLinkIn(testbed.smtp.to('karin.sandberg@solna.example')[0]!.mail.text ?? '')).pathname;
    const contact = new FormSession(app);
    const swedish = await contact.get(`${link}?saved=yes`);
    expect(swedish.statusCode).toBe(400);
    expect(swedish.body).toContain(SWEDISH.html);
    expect(swedish.body).toContain(`<h1>${SWEDISH.heading}</h1>`);
    const english = await contact.get(`${link}?lang=en&saved=yes`);
    expect(english.statusCode).toBe(400);
    expect(english.body).toContain(`<h1>${ENGLISH.heading}</h1>`);
    // The link itself still opens its form, also with what a mail gateway or newsletter tool adds to it.
    const form = await contact.get(`${link}?lang=en`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Ongoing EU projects');
    const tracked = await new FormSession(app).get(`${link}?utm_source=outlook&utm_medium=email`);
    expect(tracked.statusCode).toBe(200);
    expect(tracked.body).toContain('Pågående EU-projekt');
  });

  test('names a page does not read are let through unread', async () => {
    const page = await secretariat.get(`${cyclePage}?page=1&utm_source=mail&fbclid=abc`);
    expect(page.statusCode).toBe(200);
  });

  test('one that fits still opens the page, filtered as it asks', async () => {
    const filtered = await secretariat.get(`${cyclePage}?state=requested&q=${encodeURIComponent('omsorg')}&page=1`);
    expect(filtered.statusCode).toBe(200);
    expect(filtered.body).toContain('Omsorgsförvaltningen');
    expect(filtered.body).not.toContain('Kultur- och fritidsförvaltningen');
    // The filter form sends "" for "all states" and "all years".
    expect((await secretariat.get(`${cyclePage}?state=&q=`)).statusCode).toBe(200);
    expect((await secretariat.get('/seminars?unit=&year=')).statusCode).toBe(200);
  });
});

describe('a path that does not fit its route', () => {
  test('is a 400 page in Swedish, and in English where the address asks for it', async () => {
    for (const url of ['/cycles/Annual_Follow_Up/2025', '/cycles/annual-follow-up/last-year', `${cyclePage}/report.exe`, `${cyclePage}/answers.pdf`, `${cyclePage}/units/Not%20a%20unit/versions`, '/seminars/Not_An_Id', '/schedules/NOT-AN-ID/run']) {
      const page = url.endsWith('/run') ? await secretariat.submit('/schedules', url, {}) : await secretariat.get(url);
      expect({ url, status: page.statusCode }).toEqual({ url, status: 400 });
      expect(page.body).toContain(`<h1>${SWEDISH.heading}</h1>`);
    }
    const english = await secretariat.get('/seminars/Not_An_Id?lang=en');
    expect(english.statusCode).toBe(400);
    expect(english.body).toContain(`<h1>${ENGLISH.heading}</h1>`);
  });

  test('is nothing a person who is not signed in learns of: they are asked to sign in first', async () => {
    const stranger = await new FormSession(app).get('/cycles/Annual_Follow_Up/2025?page=abc');
    expect(stranger.statusCode).toBe(303);
    expect(stranger.headers.location).toMatch(/^\/login\?next=/);
  });
});

describe('a route that answers in JSON', () => {
  test('answers a query string that does not fit with a JSON problem in the language asked for', async () => {
    const swedish = await app.inject({ method: 'GET', url: '/public/feed.json?lang=de' });
    expect(swedish.statusCode).toBe(400);
    expect(swedish.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const problem = swedish.json<{ status: number; title: string; detail: string; problems: { in: string; path: string }[] }>();
    expect(problem).toMatchObject({ status: 400, title: SWEDISH.heading, problems: [{ in: 'querystring', path: '/lang' }] });
    // A name the feed does not read is let through (this organisation publishes nothing: 404, not 400).
    const fetched = await app.inject({ method: 'GET', url: '/public/feed.json?lang=en&since=yesterday' });
    expect(fetched.statusCode).toBe(404);
  });
});

test('none of these was logged as a failure of the service', () => {
  expect(testbed.logLines.filter((line) => line.includes('request failed'))).toEqual([]);
});
