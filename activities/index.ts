/**
 * Every activity, built from its dependencies: the mailer, the renderer, the archive, the
 * directory of people and the clock of record. Entry points build the real ones; tests may too.
 */
import type { AnswerLinks } from '../domain/answer-links';
import type { Archive } from './archive';
import type { Directory } from './directory';
import type { Mailer } from './mailer';
import { createSender } from './send';
import { createSubstitutesOn } from './unit-people';
import { sentMailsInArchive, sentMailsInLog } from './sent-mails';
import type { MailLog } from '../records/mail-log';
import type { Records } from '../records/database';
import { createNoticeSender } from './notices';
import type { RegisterReader } from './register-reader';
import type { WorkflowStarter } from './workflow-starter';
import type { Renderer } from './renderer';
import { createDataCallActivities } from './kinds/periodic-data-call';
import { createGateActivities } from './kinds/gate-before-start';
import { createExpiryReviewActivities } from './kinds/expiry-review';
import { createRevisionActivities } from './kinds/revision';
import { createMinimumOccurrencesActivities } from './kinds/minimum-occurrences';
import { createEventNoticesActivities } from './kinds/event-notices';
import { createYearlyGoalsActivities } from './kinds/yearly-goals';
import { createScheduleActivities } from './schedules';
import { createCaseRecordActivities } from './case-records';
import { activityWebhookEmitter, createWebhookActivities, type WebhookOptions } from './webhooks';

export type { UnitMailInput } from './kinds/periodic-data-call';

export interface ActivityDeps {
  mailer: Mailer;
  renderer: Renderer;
  archive: Archive;
  directory: Directory;
  /** The clock of record for what is not timed by a workflow. */
  clock: () => Date;
  /** Base URL of the web interface, for links in mails. */
  publicBaseUrl: string;
  /** Whether the web serves each organisation under its own path (a deployment of several). */
  organisationPaths?: boolean;
  answerLinks: AnswerLinks;
  /** Reads an organisation's register (projects, seminars, agreements, revisions). */
  registers: RegisterReader;
  /** Starts workflows under their business keys (the runs of schedules). */
  starter: WorkflowStarter;
  /**
   * The mail log in the database of record: what became of each mail to each person. Every entry
   * point with a database (npm start, and DATABASE_URL in production) passes it.
   */
  mailLog?: MailLog;
  /** The database of record, where one is named: the answers' versions are written to it. */
  records?: Records;
  /**
   * Where the people beside the config are read from (contacts set in the web, delegations,
   * substitutes), when not `records`: the preview reads them and writes nothing.
   */
  people?: Records;
  /** How webhooks are retried and how often their endpoints are read again (tests shorten them). */
  webhooks?: WebhookOptions;
}

/** Every kind's activities, composed: each kind's live in activities/kinds/<kind>.ts. */
export function createActivities(deps: ActivityDeps) {
  // What the server took is kept where the workers share it, so a retry on another worker finds it
  // too: in the mail log where there is a database of record, else in the archive.
  const sentMails = deps.records && deps.mailLog ? sentMailsInLog(deps.records, sentMailsInArchive(deps.archive)) : sentMailsInArchive(deps.archive);
  // A person away has their mail go to their substitute (records/people.ts), where there is a database.
  const people = deps.people ?? deps.records;
  const sendToEach = createSender(deps.mailer, sentMails, deps.mailLog, people ? createSubstitutesOn(deps.directory, people) : undefined);
  const sendNotice = createNoticeSender(deps, sendToEach);
  // What happened, to the endpoints registered for it (none registered: nothing is done).
  const emit = activityWebhookEmitter(deps);
  return {
    ...createDataCallActivities(deps, sendToEach, emit),
    ...createGateActivities(deps, sendNotice, emit),
    ...createExpiryReviewActivities(deps, sendNotice),
    ...createRevisionActivities(deps, sendNotice),
    ...createMinimumOccurrencesActivities(deps, sendNotice),
    ...createEventNoticesActivities(deps, sendNotice),
    ...createYearlyGoalsActivities(deps, sendNotice),
    ...createScheduleActivities(deps),
    ...createCaseRecordActivities(deps, emit),
    ...createWebhookActivities(deps.records, deps.webhooks),
  };
}

export type Activities = ReturnType<typeof createActivities>;
