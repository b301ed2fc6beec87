/**
 * A retried mail activity sends nobody a mail an earlier attempt sent, also when that attempt left
 * no heartbeat (it died first, or went on after Temporal gave it up); and the register a mail reads
 * first cannot silence the activity while the worker that runs it is dead.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createRegisterReader, emptyRegister, RegisterUnavailableError } from '../../activities/register-reader';
import { loadConfigFile } from '../../config/load';
import { obligationOf } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import { activitiesFor } from '../helpers/activities';
import { SOLNA_CONFIG } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

const solna = loadConfigFile(SOLNA_CONFIG);
const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2026' };
const plan = planCycle(obligationOf(solna, 'periodic-data-call').calendar, 'annual', '2026', 'Europe/Stockholm');
const request = { key, unitId: 'tekniska', kind: 'request' as const, sequence: 1, at: plan.opensAt, plan, closesAt: plan.closesAt };
const contacts = ['mikael.oberg@solna.example', 'linnea.dahl@solna.example'];

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
});
afterAll(() => smtp.close());
beforeEach(() => {
  smtp.received.length = 0;
  smtp.refuseRecipient = undefined;
});

const freshActivities = () => activitiesFor([solna], mkdtempSync(path.join(tmpdir(), 'followup-archive-')), { smtpUrl: smtp.url });
// Quiet: the failures logged are the ones asserted.
const logger = new DefaultLogger('ERROR');
const attempt = (n: number) => new MockActivityEnvironment({ attempt: n, heartbeatTimeoutMs: 10_000 }, { logger });
/** Runs `work` as an attempt of an activity. */
const within = <R>(env: MockActivityEnvironment, work: () => Promise<R>) => env.run(work) as Promise<R>;

describe('a retried mail activity', () => {
  test('sends nobody the mail an earlier attempt sent, though that attempt left no heartbeat details', async () => {
    const activities = freshActivities();
    const first = await within(attempt(1), () => activities.sendUnitMail(request));
    expect(smtp.received.map((m) => m.envelopeTo[0])).toEqual(contacts);
    // The retry starts without details: the first attempt was given up before its heartbeat reached Temporal.
    const retry = await within(attempt(2), () => activities.sendUnitMail(request));
    expect(smtp.received).toHaveLength(2);
    expect(retry.outcomes).toEqual(first.outcomes);
    expect(retry.messageIds).toEqual(first.messageIds);
  });

  test('sends the mail an earlier attempt could not, and only that one', async () => {
    const activities = freshActivities();
    smtp.refuseRecipient = (address) => (address === 'linnea.dahl@solna.example' ? { code: 451, message: 'Greylisted, try later' } : undefined);
    const first = await within(attempt(1), () => activities.sendUnitMail(request));
    expect(first.outcomes?.map((o) => o.state)).toEqual(['delivered', 'retrying']);
    smtp.refuseRecipient = undefined;
    const retry = await within(attempt(2), () => activities.sendUnitMail(request));
    expect(retry.outcomes?.map((o) => [o.address, o.state])).toEqual(contacts.map((c) => [c, 'delivered']));
    expect(smtp.received.map((m) => m.envelopeTo[0])).toEqual(contacts);
  });

  test('gives a sign of life before it reads anything, keeping what an earlier attempt reported', async () => {
    const activities = freshActivities();
    const earlier = { settled: [{ address: 'mikael.oberg@solna.example', state: 'delivered', messageId: '<m@solna.example>', at: plan.opensAt }] };
    const env = new MockActivityEnvironment({ attempt: 2, heartbeatTimeoutMs: 10_000, heartbeatDetails: earlier }, { logger });
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    await within(env, () => activities.sendUnitMail(request));
    expect(beats[0]).toEqual(earlier);
    // Mikael had it from the earlier attempt, by its details.
    expect(smtp.received.map((m) => m.envelopeTo[0])).toEqual(['linnea.dahl@solna.example']);
  });
});

describe('the register a mail reads first', () => {
  const deadlineExceeded = () => Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), { code: 4, details: 'Deadline exceeded', metadata: {} });
  /** A client whose query waits out its deadline `silentFor` times (the worker that runs the register is dead), then answers. */
  function clientAnsweringAfter(silentFor: number, queryMs: number) {
    let asked = 0;
    const client = {
      withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn(),
      workflow: {
        getHandle: () => ({
          query: async () => {
            asked++;
            if (asked <= silentFor) {
              await new Promise((r) => setTimeout(r, queryMs));
              throw deadlineExceeded();
            }
            return { ...emptyRegister('solna'), projects: [{ id: 'p' }] };
          },
        }),
      },
    };
    return { client: client as unknown as Client, asked: () => asked };
  }

  test('is asked again after each short deadline, with a sign of life each time, until another worker answers', async () => {
    const { client, asked } = clientAnsweringAfter(3, 50);
    const reader = createRegisterReader(client, { queryMs: 50, totalMs: 5_000 });
    const env = attempt(1);
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const register = await within(env, () => reader.read('solna'));
    expect(register.projects).toHaveLength(1);
    expect(asked()).toBe(4);
    expect(beats.length).toBeGreaterThanOrEqual(4);
  });

  test('that nobody answers fails the read, before any mail, as RegisterUnavailableError', async () => {
    const { client } = clientAnsweringAfter(Number.POSITIVE_INFINITY, 20);
    const reader = createRegisterReader(client, { queryMs: 20, totalMs: 200 });
    await expect(within(attempt(1), () => reader.read('solna'))).rejects.toThrow(RegisterUnavailableError);
  });
});
