/**
 * Arbitrary Unicode, with every line separator and control character among it, typed into every
 * single-line field: the forms make it one line, the checks behind every other way in (the
 * workflows' validators, the CLI's and a system's registrations through client/) refuse it, and
 * on the time-skipping server with real SMTP each registration either is refused where it is typed
 * or its mails go out with a one-line subject. No state says a mail was sent that reached nobody.
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { eventStatus } from '../../client/events';
import { projectStatus, registerProject } from '../../client/projects';
import { loadConfigFile } from '../../config/load';
import type { OrganisationConfig } from '../../config/schema';
import {
  checkAgreement,
  checkEvent,
  checkGoalsDecision,
  checkProject,
  checkRevisionDecision,
  checkSeminar,
  type EventRegistration,
  type ProjectRegistration,
} from '../../domain/registers';
import { isSingleLine, lines, listLines, singleLine } from '../../domain/text';
import { buildWebApp } from '../../web/app';
import * as forms from '../../web/forms';
import { createTestWorker, PROJECT_ROOT, timeSkippingServer, until, type TestWorker } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(300_000);

/** Every character that breaks a line or is no text: the ones the review found, and their kin. */
const BREAKERS = ['\r', '\n', '\r\n', '\u2028', '\u2029', '\u0085', '\u000B', '\f', '\t', '\u0000', '\u0007', '\u001B', '\u007F', '\u0080', '\u009B', '\u202E', '\u2066'];
const hostile = fc
  .array(fc.oneof(fc.constantFrom(...BREAKERS), fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('Vänort', 'Tartu', 'Besök', ' ')), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(''));

/** Text without lone surrogates, which no mail carries as they are (they arrive as U+FFFD). */
const wellFormed = (text: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

/** Fields of several lines by design: a description, a comment, a list one a line, a password. */
const SEVERAL_LINES = new Set(['password', 'partners', 'concerned', 'contacts', 'description', 'reason', 'goals', 'comment', 'note']);

describe('the rule, where text is typed', () => {
  test('singleLine makes any text one line, and changes nothing in a line that is one already', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const line = singleLine(text);
        expect(isSingleLine(line)).toBe(true);
        expect(singleLine(line)).toBe(line);
        if (isSingleLine(text) && text === text.trim() && !/ {2}/.test(text)) expect(line).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  test('a list one a line splits on every line break, and each entry is one line', () => {
    expect(lines('a\rb\r\nc\nd\u2028e\u2029f\u0085g')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    fc.assert(
      fc.property(hostile, (text) => {
        for (const entry of listLines(text)) expect(isSingleLine(entry)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  test('every single-line field of every form of the web comes out as one line', () => {
    // Route parameters (a link's token, an id in the path) are not typed by anyone: a wrong one is a page that does not exist.
    const schemas = (Object.entries(forms) as [string, unknown][]).filter((e): e is [string, z.ZodObject] => e[1] instanceof z.ZodObject && !e[0].endsWith('Params'));
    expect(schemas.map(([name]) => name)).toEqual(expect.arrayContaining(['projectForm', 'eventForm', 'seminarForm', 'agreementForm', 'revisionForm', 'yearlyGoalsForm', 'cycleActionForm']));
    let checked = 0;
    for (const [name, schema] of schemas) {
      for (const field of Object.keys(schema.shape)) {
        if (SEVERAL_LINES.has(field) || field === 'lang' || field === 'action') continue;
        checked++;
        fc.assert(
          fc.property(hostile, (text) => {
            const parsed = schema.safeParse({ [field]: text });
            if (parsed.success) expect({ form: name, field, ok: isSingleLine(String((parsed.data as Record<string, unknown>)[field])) }).toEqual({ form: name, field, ok: true });
          }),
          { numRuns: 40 },
        );
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  test('the checks behind the CLI and the workflows refuse a single-line field that is not one line', () => {
    const project: ProjectRegistration = { id: 'p', title: 'T', unitId: 'omsorg', owner: { name: 'A B', email: 'a@solna.example' }, plannedStart: '2027-01-10', partners: ['Tartu'], euFunded: false };
    const event: EventRegistration = { id: 'e', title: 'T', date: '2027-01-10', place: 'Solna', unitId: 'omsorg', concerned: [{ name: 'A B', email: 'a@solna.example' }] };
    const cases: [string, (v: string) => { field: string }[]][] = [
      ['title', (v) => checkProject({ ...project, title: v })],
      ['owner.name', (v) => checkProject({ ...project, owner: { ...project.owner, name: v } })],
      ['partners', (v) => checkProject({ ...project, partners: [v] })],
      ['title', (v) => checkEvent({ ...event, title: v })],
      ['place', (v) => checkEvent({ ...event, place: v })],
      ['concerned[0].name', (v) => checkEvent({ ...event, concerned: [{ name: v, email: 'a@solna.example' }] })],
      ['title', (v) => checkSeminar({ date: '2027-01-10', title: v, place: 'Solna', country: 'SE', role: 'organiser', unitId: 'omsorg' })],
      ['place', (v) => checkSeminar({ date: '2027-01-10', title: 'T', place: v, country: 'SE', role: 'organiser', unitId: 'omsorg' })],
      ['title', (v) => checkAgreement({ id: 'a', title: v, partner: 'Tartu', unitId: 'omsorg', owner: project.owner, endsOn: '2028-01-01' })],
      ['partner', (v) => checkAgreement({ id: 'a', title: 'T', partner: v, unitId: 'omsorg', owner: project.owner, endsOn: '2028-01-01' })],
      ['body', (v) => checkRevisionDecision({ decidedOn: '2027-01-10', body: v, paragraph: '§ 1', outcome: 'revised' })],
      ['goals[0].label', (v) => checkGoalsDecision({ decidedOn: '2027-01-10', body: 'KF', paragraph: '§ 1', goals: [{ id: 'g1', label: v }] })],
    ];
    for (const [field, check] of cases) {
      fc.assert(
        fc.property(hostile, (text) => {
          if (!isSingleLine(text)) expect(check(text).map((p) => p.field)).toContain(field);
        }),
        { numRuns: 60 },
      );
    }
  });
});

describe('typed into the forms and the registrations, into the mails they cause (time-skipping server, real SMTP)', () => {
  const PASSWORD = 'rätt-lösenord-för-testet';
  let env: TestWorkflowEnvironment;
  let smtp: TestSmtpServer;
  let tw: TestWorker;
  let app: FastifyInstance;
  let client: Client;
  let config: OrganisationConfig;
  let secretariat: FormSession;
  let today: string;

  beforeAll(async () => {
    config = loadConfigFile(path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml'));
    [env, smtp] = await Promise.all([timeSkippingServer(), startTestSmtpServer()]);
    tw = await createTestWorker(env, smtp.url, { configs: [config], publicBaseUrl: 'https://uppfoljning.solna.example' });
    // A client that does not move the clock while it waits.
    client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    const quiet = { level: 'warn', stream: new Writable({ write: (c, _e, done) => (process.env.FOLLOWUP_TEST_LOG && process.stderr.write(c), done()) }) };
    app = await buildWebApp(await testWebDeps(config, client, tw, PASSWORD, quiet));
    secretariat = new FormSession(app);
    expect((await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' })).statusCode).toBe(303);
    today = new Date(await env.currentTimeMs()).toISOString().slice(0, 10);
  });

  afterAll(async () => {
    await app?.close();
    await tw?.stop();
    await smtp?.close();
    await env?.teardown();
  });

  const inDays = (days: number) => new Date(Date.parse(`${today}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  let run = 0;

  /** Every mail to `address`, once it has some; each subject must be one line. */
  const mailsTo = (address: string) => until(() => (smtp.to(address).length ? smtp.to(address) : undefined), `a mail to ${address}`, 60_000);
  const oneLine = (subject: string) => expect({ subject, oneLine: isSingleLine(subject) && subject.length > 0 }).toEqual({ subject, oneLine: true });

  test('a project typed into the secretariat\'s form: refused, or its goals request goes out with a one-line subject', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (title, ownerName) => {
        const n = ++run;
        const owner = `agare-${n}@solna.example`;
        const sent = await secretariat.submit('/projects', '/projects', { title, id: `webb-${n}`, unitId: 'omsorg', ownerName, ownerEmail: owner, plannedStart: inDays(200), partners: `Tartu${title}` });
        if (sent.statusCode === 400) {
          // Refused where it was typed: nothing registered, nothing mailed.
          expect(singleLine(title) === '' || singleLine(ownerName) === '').toBe(true);
          await expect(projectStatus(client, 'solna', `webb-${n}`)).rejects.toThrow();
          expect(smtp.to(owner)).toEqual([]);
          return;
        }
        expect(sent.statusCode).toBe(303);
        const [request] = await mailsTo(owner);
        oneLine(request!.subject);
        if (wellFormed(title)) expect(request!.subject).toContain(singleLine(title));
        const status = await projectStatus(client, 'solna', `webb-${n}`);
        expect(status.title).toBe(singleLine(title));
        expect(status.mailProblems).toBeUndefined();
        expect(status.history!.map((h) => h.what)).not.toContain('mail-failed');
      }),
      { numRuns: 12 },
    );
  });

  test('a project registered as the CLI and other systems do: refused, or mailed with a one-line subject', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (title) => {
        const n = ++run;
        const owner = `agare-${n}@solna.example`;
        const project: ProjectRegistration = { id: `klient-${n}`, title, unitId: 'omsorg', owner: { name: 'Anna Berg', email: owner }, plannedStart: inDays(200), partners: [], euFunded: false };
        let registered = true;
        await registerProject(client, tw.taskQueue, config, project, undefined, 'cli:test').catch((err: Error) => {
          registered = false;
          expect(err.message).toMatch(/title: a title of at most 200 characters on one line/);
        });
        expect(registered).toBe(isSingleLine(title) && title.trim().length > 0);
        if (!registered) return;
        const [request] = await mailsTo(owner);
        oneLine(request!.subject);
      }),
      { numRuns: 12 },
    );
  });

  test('an event typed into the form: refused, or its notice goes out with a one-line subject and only a notice that arrived counts', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (title, place) => {
        const n = ++run;
        const concerned = `berord-${n}@solna.example`;
        // Ten days ahead: after the first notice's time, so the notice goes at once.
        const sent = await secretariat.submit('/events', '/events', { title, id: `besok-${n}`, date: inDays(10), place, unitId: 'kultur-fritid', concerned: `Berörd ${n} <${concerned}>\n` });
        if (sent.statusCode === 400) {
          expect(singleLine(title) === '' || singleLine(place) === '').toBe(true);
          expect(smtp.to(concerned)).toEqual([]);
          return;
        }
        expect(sent.statusCode).toBe(303);
        const [notice] = await mailsTo(concerned);
        oneLine(notice!.subject);
        if (wellFormed(title)) expect(notice!.subject).toContain(singleLine(title));
        const status = await until(async () => {
          const s = await eventStatus(client, 'solna', `besok-${n}`);
          return s.noticesSent > 0 ? s : undefined;
        }, 'the notice counted');
        expect(status.state).toBe('noticed');
        expect(status.mailProblems).toBeUndefined();
      }),
      { numRuns: 10 },
    );
  });

});
