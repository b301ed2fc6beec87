/** Starts the web interface on a Temporal client: used by `followup web` and by `npm start`. */
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { PROJECT_ROOT, requireSetting, singleSignOnOf, type Environment } from '../config/environment';
import type { OrganisationConfig } from '../config/schema';
import { createAnswerLinks } from '../domain/answer-links';
import { registerSearchAttributes } from '../workers/search-attributes';
import { openRecords } from '../records/database';
import { archiveOf } from '../records/files';
import { buildDeploymentWebApp } from './app';
import { accountStoreFor } from './accounts';
import { createClamdScanner } from './clamd';

export class NoAccountError extends Error {
  override name = 'NoAccountError';
}

/** Several organisations: each is served under its own path (/solna/…), with one sign-in. */
export async function startWebServer(env: Environment, configs: readonly OrganisationConfig[], options: { logger?: boolean; underOwnPaths?: boolean } = {}): Promise<{ app: FastifyInstance; url: string; close(): Promise<void> }> {
  const linkSecret = requireSetting(env, 'FOLLOWUP_LINK_SECRET');
  const singleSignOn = singleSignOnOf(env);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, connectTimeout: 10_000 });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  // The pages list by these; the web may well start before any worker has registered them. Where
  // the web's identity may not change the namespace, the workers' registration has to do.
  await registerSearchAttributes(connection, env.TEMPORAL_NAMESPACE).catch((err: Error) => console.error(`${err.message} (the worker registers them when it starts)`));
  const answerLinks = createAnswerLinks(linkSecret);
  // The database of record, where one is named (npm start names its embedded one).
  const records = env.DATABASE_URL ? await openRecords(env.DATABASE_URL) : undefined;
  // The named accounts: in the database of record where there is one, else in the data folder's file.
  const accounts = accountStoreFor({ records, dataDir: env.FOLLOWUP_DATA_DIR });
  if ((await accounts.list()).length === 0 && !env.FOLLOWUP_SECRETARIAT_PASSWORD_HASH && !singleSignOn) {
    await connection.close();
    await records?.destroy();
    throw new NoAccountError(`Nobody can sign in to the web: ${accounts.where} has no accounts and single sign-on is not set up. Add an account with: followup users add NAME --role secretariat`);
  }
  // The reports the workers compiled: in the database of record where there is one, else in the folder.
  const archive = archiveOf(env.FOLLOWUP_ARCHIVE_DIR, records);
  // Files attached to answers are scanned by clamd; one that does not answer now refuses them until it does.
  const scanner = env.FOLLOWUP_CLAMD ? createClamdScanner(env.FOLLOWUP_CLAMD) : undefined;
  await scanner?.ping().catch((err: Error) => console.error(`${err.message} Until it answers, files attached to answers are refused with "try again later".`));
  const app = await buildDeploymentWebApp(configs.map((config) => ({
    config,
    client,
    ...(records ? { records } : {}),
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    archive,
    answerLinks,
    accounts,
    passwordHash: env.FOLLOWUP_SECRETARIAT_PASSWORD_HASH,
    singleSignOn,
    // A key of its own for cookies, derived so that one secret is all an operator manages.
    cookieSecret: createHmac('sha256', linkSecret).update('cookie-signing').digest('base64url'),
    publicBaseUrl: env.PUBLIC_BASE_URL,
    templatesDir: path.join(PROJECT_ROOT, 'templates'),
    logger: options.logger ?? true,
    trustProxy: env.FOLLOWUP_TRUST_PROXY,
    ...(scanner ? { scanner } : {}),
  })), { underOwnPaths: options.underOwnPaths });
  await app.listen({ host: env.FOLLOWUP_WEB_HOST, port: env.FOLLOWUP_WEB_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : env.FOLLOWUP_WEB_PORT;
  return {
    app,
    url: `http://${env.FOLLOWUP_WEB_HOST}:${port}`,
    close: async () => {
      await app.close();
      await connection.close();
      await records?.destroy();
    },
  };
}
