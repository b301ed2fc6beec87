/** One time-skipping server, SMTP server and worker per organisation: the harness of test/organisations. */
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfigFile } from '../../config/load';
import type { OrganisationConfig } from '../../config/schema';
import { createTestWorker, PROJECT_ROOT, skipTo, timeSkippingServer, until, type TestWorker } from './environment';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from './smtp';

export interface OrganisationRun {
  env: TestWorkflowEnvironment;
  /**
   * A client that does not move the clock: the time-skipping client skips time while it waits
   * for a result, which would run every other workflow's timers far ahead.
   */
  client: Client;
  /** Logs a step with the server's date, so a slow or stuck step shows where it is. */
  step(text: string): Promise<void>;
  smtp: TestSmtpServer;
  tw: TestWorker;
  config: OrganisationConfig;
  /** Waits for a mail to `address` whose subject matches; returns it. */
  mailTo(address: string, subject: RegExp, timeoutMs?: number): Promise<ReceivedMail>;
  subjects(address: string): string[];
  skipTo(iso: string, plusMs?: number): Promise<void>;
  now(): Promise<Date>;
  close(): Promise<void>;
}

export function exampleConfig(name: string): OrganisationConfig {
  return loadConfigFile(path.join(PROJECT_ROOT, `config/examples/${name}.yaml`));
}

export async function startOrganisationRun(name: string): Promise<OrganisationRun> {
  const config = exampleConfig(name);
  const [env, smtp] = await Promise.all([timeSkippingServer(), startTestSmtpServer()]);
  const tw = await createTestWorker(env, smtp.url, { configs: [config] });
  const client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
  const started = Date.now();
  return {
    env,
    client,
    step: async (text) => {
      if (process.env.FOLLOWUP_TEST_STEPS) console.log(`${((Date.now() - started) / 1000).toFixed(1)} s  ${new Date(await env.currentTimeMs()).toISOString()}  ${text}`);
    },
    smtp,
    tw,
    config,
    mailTo: (address, subject, timeoutMs = 30_000) => until(() => smtp.to(address).find((m) => subject.test(m.subject)), `a mail to ${address} with subject ${subject}`, timeoutMs),
    subjects: (address) => smtp.to(address).map((m) => m.subject),
    skipTo: (iso, plusMs = 0) => skipTo(env, iso, plusMs),
    now: async () => new Date(await env.currentTimeMs()),
    close: async () => {
      await tw.stop();
      await smtp.close();
      await env.teardown();
    },
  };
}

/**
 * One organisation's run for a test file: started before its tests, closed after them. Call at the
 * top of the file; each test takes the run from the returned function.
 */
export function useOrganisationRun(name: string): () => OrganisationRun {
  jest.setTimeout(240_000);
  let run: OrganisationRun | undefined;
  beforeAll(async () => {
    run = await startOrganisationRun(name);
  });
  afterAll(async () => run?.close());
  return () => {
    if (!run) throw new Error(`The run of ${name} did not start; see the error of beforeAll.`);
    return run;
  };
}
