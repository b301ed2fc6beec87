/** The activities with real parts outside Temporal: SMTP when given, the file archive, the templates, empty registers. */
import path from 'node:path';
import { createActivities } from '../../activities';
import { createFileArchive } from '../../activities/archive';
import { createDirectory } from '../../activities/directory';
import { createSmtpMailer } from '../../activities/mailer';
import { emptyRegister } from '../../activities/register-reader';
import { createRenderer } from '../../activities/renderer';
import type { OrganisationConfig } from '../../config/schema';
import type { RegisterContents } from '../../domain/registers';
import { PROJECT_ROOT, testAnswerLinks } from './environment';

export function activitiesFor(configs: OrganisationConfig[], archiveDir: string, options: { smtpUrl?: string; clock?: () => Date; register?: (orgId: string) => RegisterContents } = {}) {
  return createActivities({
    // Without a server, mail goes nowhere: for the tests that read what was archived.
    mailer: options.smtpUrl ? createSmtpMailer(options.smtpUrl, { pool: false }) : { send: async () => ({ messageId: '', accepted: [], rejected: [] }), close: () => undefined },
    renderer: createRenderer(path.join(PROJECT_ROOT, 'templates')),
    archive: createFileArchive(archiveDir),
    directory: createDirectory(configs),
    clock: options.clock ?? (() => new Date()),
    publicBaseUrl: 'http://localhost:3000',
    answerLinks: testAnswerLinks,
    registers: { read: async (orgId: string) => (options.register ?? emptyRegister)(orgId) },
    starter: { start: async () => 'started' as const },
  });
}
