/**
 * No English on a Swedish page: the secretariat's main pages, with a cycle running, a project and
 * a seminar registered, read in Swedish against every English text of the web's catalogue that is
 * not also Swedish. Server-rendered pages through Fastify's inject, on a real dev server and worker.
 */
import type { FastifyInstance } from 'fastify';
import { registerProject } from '../../client/projects';
import { registerSeminar } from '../../client/seminars';
import type { CycleKey } from '../../domain/ids';
import { TEXTS } from '../../web/i18n';
import { answerLinkIn, FormSession, startWebTestbed, type WebTestbed } from '../helpers/web';

jest.setTimeout(180_000);

const PASSWORD = 'rätt häst batteri häftklammer';
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };

/**
 * The English catalogue's fixed phrases: each text's parts between its {{values}}, of two words or
 * more (a lone word such as "PDF" or "Excel" is the same in both languages), and found in no
 * Swedish text.
 */
function englishPhrases(): string[] {
  const swedish = Object.values(TEXTS.sv).join('\n').toLowerCase();
  const phrases = new Set<string>();
  for (const [k, en] of Object.entries(TEXTS.en)) {
    if (TEXTS.sv[k as keyof typeof TEXTS.sv] === en) continue;
    for (const part of en.split(/\{\{\w+\}\}/)) {
      const phrase = part.replace(/^[\s.,:;()!?'"–-]+|[\s.,:;()!?'"–-]+$/g, '');
      if (/[a-z]+\s+[a-z]+/i.test(phrase) && phrase.length >= 8 && !swedish.includes(phrase.toLowerCase())) phrases.add(phrase);
    }
  }
  return [...phrases];
}

/**
 * What a reader meets on a page: its text and the texts of its labels for assistive technology.
 * A part marked as another language is left out: the preview shows a mail to a person who reads
 * English as that person gets it, marked lang="en".
 */
function readable(html: string): string {
  const attributes = [...html.matchAll(/\s(?:aria-label|title|alt|placeholder|value)="([^"]*)"/g)].map((m) => m[1]);
  const body = html
    .replace(/<(\w+)[^>]*\slang="en"[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
  return [body, ...attributes].join('\n').replace(/\s+/g, ' ');
}

let testbed: WebTestbed;
let app: FastifyInstance;

beforeAll(async () => {
  testbed = await startWebTestbed(key, PASSWORD);
  ({ app } = testbed);
  const { env, tw, deps } = testbed;
  const plannedStart = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
  await registerProject(env.client, tw.taskQueue, deps.config, { id: 'skolutbyte-tartu', title: 'Skolutbyte Tartu', unitId: 'omsorg', owner: { name: 'Pia Lund', email: 'pia.lund@solna.example' }, plannedStart, partners: ['Tartu'], euFunded: true }, undefined, 'test');
  await registerSeminar(env.client, tw.taskQueue, deps.config, { date: plannedStart, title: 'Nordiskt möte om integration', place: 'Bryssel', country: 'BE', role: 'organiser', unitId: 'omsorg' });
});

afterAll(() => testbed?.close());

test('the English list is the catalogue’s, and finds English where it is', () => {
  const phrases = englishPhrases();
  expect(phrases.length).toBeGreaterThan(200);
  expect(phrases).toContain('Save draft');
  expect(phrases.filter((p) => readable('<p>1 of 6 units have answered (17%).</p>').includes(p))).not.toEqual([]);
});

test("the secretariat's pages in Swedish hold no English text of the catalogue", async () => {
  const secretariat = new FormSession(app);
  const login = await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' });
  expect(login.statusCode).toBe(303);
  const seminarId = /href="\/seminars\/([^"?]+)"/.exec((await secretariat.get('/seminars')).body)?.[1];
  const answerPath = new URL(answerLinkIn(testbed.smtp.to('karin.sandberg@solna.example')[0]!.mail.text ?? '')).pathname;
  const pages = [
    '/dashboard',
    '/cycles/annual-follow-up/2025',
    '/projects',
    '/projects/skolutbyte-tartu',
    '/seminars',
    `/seminars/${seminarId}`,
    '/schedules',
    '/preview?obligation=annual-follow-up&period=2025',
    '/year',
    '/accessibility',
  ];
  const phrases = englishPhrases();
  const found: string[] = [];
  for (const url of [...pages, answerPath]) {
    const response = url === answerPath ? await new FormSession(app).get(url) : await secretariat.get(url);
    expect([url, response.statusCode]).toEqual([url, 200]);
    expect(response.body).toContain('<html lang="sv">');
    const text = readable(response.body);
    for (const phrase of phrases) if (text.includes(phrase)) found.push(`${url}: "${phrase}"`);
  }
  expect(found).toEqual([]);
});
