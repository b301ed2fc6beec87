/**
 * The activities of the obligation kinds beside the data call: projects and their gate, agreements
 * and their expiry review, revisions per period, minimum occurrences, and the runs of schedules.
 * Personal data (owners, heads, recipients) is looked up here, and mails are rendered here.
 */
import { Context } from '@temporalio/activity';
import { DateTime } from 'luxon';
import {
  dataCallOpenings,
  endOfDay,
  formatDate,
  latestEndedPeriod,
  parseIsoDuration,
  planExpiryReminders,
  planOccurrences,
  planRevision,
  revisionPeriodIds,
  startOfDay,
  type RevisionPlan,
} from '../domain/calendar';
import { cycleWorkflowId } from '../domain/ids';
import {
  countedSeminars,
  occurrencesWorkflowId,
  registerWorkflowId,
  revisionWorkflowId,
  type AgreementRegistration,
  type ProjectRegistration,
  type RevisionDecision,
  type SeminarRecord,
} from '../domain/registers';
import type { AnswerValues, Language } from '../domain/types';
import type { OrganisationConfig, PersonConfig } from '../config/schema';
import type { ActivityDeps } from './index';
import { answerRows, questionLines } from './mail-context';
import { questionnaireOf } from '../domain/questionnaire';
import type { SendToEach } from './send';

// The mails of each register-based kind; each is also the name of its template in templates/mail/<language>/.
export const PROJECT_MAIL_KINDS = ['goals-request', 'goals-reminder', 'goals-review', 'goals-approved', 'goals-returned', 'start-without-approval'] as const;
export const REVISION_MAIL_KINDS = ['revision-request', 'revision-reminder', 'revision-overdue', 'revision-recorded'] as const;
export const AGREEMENT_MAIL_KINDS = ['agreement-review', 'agreement-expired'] as const;
export const OCCURRENCE_MAIL_KINDS = ['occurrences-warning', 'occurrences-result'] as const;
export type ProjectMailKind = (typeof PROJECT_MAIL_KINDS)[number];
export type RevisionMailKind = (typeof REVISION_MAIL_KINDS)[number];
export type AgreementMailKind = (typeof AGREEMENT_MAIL_KINDS)[number];

const secretariatPerson = (org: OrganisationConfig): PersonConfig => ({ name: org.secretariat.name, email: org.secretariat.email });
const bodyPeople = (org: OrganisationConfig, ids: string[]) => org.bodies.filter((b) => ids.includes(b.id)).flatMap((b) => b.recipients);
const day = (d: string, org: OrganisationConfig, language: Language) => formatDate(`${d}T12:00:00`, org.organisation.timeZone, language);

export function createObligationActivities(deps: ActivityDeps, sendToEach: SendToEach) {
  const { renderer, directory, archive, registers } = deps;

  /** Renders `template` for each person and sends it; the context gets org, secretariat and recipient. */
  function sendNotice(args: {
    org: OrganisationConfig;
    people: readonly PersonConfig[];
    template: string;
    context: (language: Language) => object;
    scope: string;
    kind: string;
    sequence: number;
    at: string;
    cc?: PersonConfig[];
    attachments?: { filename: string; content: string; contentType: string }[];
  }) {
    const { org } = args;
    return sendToEach(
      args.people,
      org.organisation.language,
      (person, language) => {
        const { subject, text } = renderer.mail(args.template, language, {
          org: { name: org.organisation.name },
          policy: { name: org.policy.name[language] },
          secretariat: org.secretariat,
          recipient: { name: person.name },
          ...args.context(language),
        });
        return { subject, text, date: new Date(args.at), replyTo: org.secretariat.email, idSubject: args.kind, attachments: args.attachments };
      },
      org.secretariat,
      args.scope,
      args.kind,
      args.sequence,
      // These workflows do not retry person by person: the activity does, mailing only those still waiting.
      { cc: args.cc, retryInActivity: true },
    );
  }

  const unitName = (org: OrganisationConfig, unitId: string, language: Language) => org.units.find((u) => u.id === unitId)?.name[language] ?? unitId;

  return {
    // --- Gate before start -------------------------------------------------------------------
    async planProject({ orgId, obligationId, plannedStart, plannedEnd }: { orgId: string; obligationId?: string; plannedStart: string; plannedEnd?: string }) {
      const org = directory.organisation(orgId);
      const zone = org.organisation.timeZone;
      const dates = { startAt: startOfDay(plannedStart, zone), endAt: plannedEnd ? endOfDay(plannedEnd, zone) : undefined };
      if (!obligationId) return { gate: false, language: org.organisation.language, questionnaire: [] as ReturnType<typeof questionnaireOf>, remindEveryMs: 0, ...dates };
      const { obligation } = directory.ofKind(orgId, 'gate-before-start', obligationId);
      return {
        gate: true,
        language: org.organisation.language,
        questionnaire: questionnaireOf(obligation),
        remindEveryMs: parseIsoDuration(obligation.remindEvery).as('milliseconds'),
        startAt: startOfDay(plannedStart, zone),
        endAt: plannedEnd ? endOfDay(plannedEnd, zone) : undefined,
      };
    },

    async sendProjectMail(input: { orgId: string; obligationId: string; project: ProjectRegistration; kind: ProjectMailKind; sequence: number; at: string; comment?: string; goals?: AnswerValues }) {
      const { org, obligation } = directory.ofKind(input.orgId, 'gate-before-start', input.obligationId);
      const { project } = input;
      const unit = directory.unit(input.orgId, project.unitId);
      const toOwner = ['goals-request', 'goals-reminder', 'goals-approved', 'goals-returned'].includes(input.kind);
      const people: PersonConfig[] =
        input.kind === 'goals-review' ? [secretariatPerson(org)] : input.kind === 'start-without-approval' ? [unit.head] : [project.owner];
      return sendNotice({
        org,
        people,
        template: input.kind,
        scope: `${input.orgId}.${input.obligationId}.${project.id}`,
        kind: input.kind,
        sequence: input.sequence,
        at: input.at,
        cc: input.kind === 'start-without-approval' || (toOwner && input.kind !== 'goals-reminder') ? [secretariatPerson(org)] : undefined,
        context: (language) => ({
          obligation: { title: obligation.title[language], source: obligation.source },
          gate: { before: obligation.before[language] },
          project: {
            id: project.id,
            title: project.title,
            unit: unit.name[language],
            owner: project.owner.name,
            plannedStart: day(project.plannedStart, org, language),
            partners: project.partners.join(', '),
            euFunded: project.euFunded,
          },
          questions: questionLines(questionnaireOf(obligation), language),
          goals: input.goals ? answerRows(questionnaireOf(obligation), input.goals, language) : [],
          comment: input.comment,
        }),
      });
    },

    // --- Expiry review -----------------------------------------------------------------------
    async planAgreement({ orgId, obligationId, endsOn, now }: { orgId: string; obligationId: string; endsOn: string; now: string }) {
      const { org, obligation } = directory.ofKind(orgId, 'expiry-review', obligationId);
      const zone = org.organisation.timeZone;
      return { reminderTimes: planExpiryReminders(endsOn, obligation.remindersBeforeEnd, obligation.sendTime, zone, new Date(now)), endsAt: endOfDay(endsOn, zone) };
    },

    async sendAgreementMail(input: { orgId: string; obligationId: string; agreement: AgreementRegistration; kind: AgreementMailKind; sequence: number; at: string }) {
      const { org, obligation } = directory.ofKind(input.orgId, 'expiry-review', input.obligationId);
      const { agreement } = input;
      return sendNotice({
        org,
        people: input.kind === 'agreement-review' ? [agreement.owner] : [secretariatPerson(org)],
        template: input.kind,
        scope: `${input.orgId}.${input.obligationId}.${agreement.id}.${agreement.endsOn}`,
        kind: input.kind,
        sequence: input.sequence,
        at: input.at,
        context: (language) => ({
          obligation: { title: obligation.title[language], source: obligation.source },
          agreement: { id: agreement.id, title: agreement.title, partner: agreement.partner, unit: unitName(org, agreement.unitId, language), owner: agreement.owner.name, endsOn: day(agreement.endsOn, org, language) },
        }),
      });
    },

    // --- Revision per period -----------------------------------------------------------------
    async planRevisionPeriod({ orgId, obligationId, periodId }: { orgId: string; obligationId: string; periodId: string }): Promise<RevisionPlan> {
      const { org, obligation } = directory.ofKind(orgId, 'revision', obligationId);
      return planRevision(obligation.rule, periodId, obligation.remindEvery, obligation.sendTime, org.organisation.timeZone);
    },

    async sendRevisionMail(input: { orgId: string; obligationId: string; periodId: string; kind: RevisionMailKind; sequence: number; at: string; dueDate: string; decision?: RevisionDecision }) {
      const { org, obligation } = directory.ofKind(input.orgId, 'revision', input.obligationId);
      const people =
        input.kind === 'revision-overdue' ? bodyPeople(org, obligation.escalateTo) : input.kind === 'revision-recorded' ? [secretariatPerson(org), obligation.owner] : [obligation.owner];
      return sendNotice({
        org,
        people,
        template: input.kind,
        scope: `${input.orgId}.${input.obligationId}.${input.periodId}`,
        kind: input.kind,
        sequence: input.sequence,
        at: input.at,
        cc: input.kind === 'revision-overdue' ? [secretariatPerson(org), obligation.owner] : undefined,
        context: (language) => ({
          obligation: { title: obligation.title[language], source: obligation.source },
          owner: obligation.owner.name,
          periodId: input.periodId,
          due: day(input.dueDate, org, language),
          decision: input.decision ? { ...input.decision, decidedOn: day(input.decision.decidedOn, org, language), revised: input.decision.outcome === 'revised' } : undefined,
        }),
      });
    },

    // --- Minimum occurrences -----------------------------------------------------------------
    async planOccurrenceYear({ orgId, obligationId, year }: { orgId: string; obligationId: string; year: number }) {
      const { org, obligation } = directory.ofKind(orgId, 'minimum-occurrences', obligationId);
      return { ...planOccurrences(obligation.checkpoints, year, obligation.sendTime, org.organisation.timeZone), minimum: obligation.minimum };
    },

    async warnIfShort(input: { orgId: string; obligationId: string; year: number; checkpoint: number; at: string }) {
      const { org, obligation } = directory.ofKind(input.orgId, 'minimum-occurrences', input.obligationId);
      const today = DateTime.fromISO(input.at, { zone: org.organisation.timeZone }).toISODate() ?? '';
      const { seminars } = await registers.read(input.orgId);
      const held = countedSeminars(seminars, input.year, obligation.countedRoles, obligation.euOnly, today);
      const planned = countedSeminars(seminars, input.year, obligation.countedRoles, obligation.euOnly).filter((s) => s.date > today);
      if (held.length >= obligation.minimum) return { counted: held.length, warned: false };
      await sendNotice({
        org,
        people: [secretariatPerson(org), ...bodyPeople(org, obligation.warn)],
        template: 'occurrences-warning',
        scope: `${input.orgId}.${input.obligationId}.${input.year}`,
        kind: 'occurrences-warning',
        sequence: input.checkpoint,
        at: input.at,
        context: (language) => ({
          obligation: { title: obligation.title[language], source: obligation.source },
          year: input.year,
          minimum: obligation.minimum,
          held: held.length,
          planned: planned.map((s) => seminarRow(org, s, language)),
          today: day(today, org, language),
        }),
      });
      return { counted: held.length, warned: true };
    },

    async compileOccurrencesReport(input: { orgId: string; obligationId: string; year: number; at: string }) {
      const { org, obligation } = directory.ofKind(input.orgId, 'minimum-occurrences', input.obligationId);
      const language = org.organisation.language;
      const { seminars } = await registers.read(input.orgId);
      const counted = countedSeminars(seminars, input.year, obligation.countedRoles, obligation.euOnly);
      const others = seminars.filter((s) => s.date.startsWith(`${input.year}-`) && !counted.includes(s));
      const met = counted.length >= obligation.minimum;
      const context = {
        language,
        title: obligation.title[language],
        org: { name: org.organisation.name },
        year: input.year,
        minimum: obligation.minimum,
        counted: counted.length,
        met,
        seminars: counted.map((s) => seminarRow(org, s, language)),
        others: others.map((s) => seminarRow(org, s, language)),
        source: obligation.source,
        compiledAt: formatDate(input.at, org.organisation.timeZone, language, true),
        labels: OCCURRENCE_LABELS[language],
      };
      const base = `${input.orgId}/${input.obligationId}/${input.orgId}-${input.obligationId}-${input.year}`;
      const html = await archive.put(`${base}.html`, renderer.report('html', context, 'occurrences'));
      const markdown = await archive.put(`${base}.md`, renderer.report('markdown', context, 'occurrences'));
      return { counted: counted.length, minimum: obligation.minimum, met, html, markdown };
    },

    async deliverOccurrencesReport(input: { orgId: string; obligationId: string; year: number; at: string; report: { counted: number; minimum: number; met: boolean; html: string; markdown: string } }) {
      const { org, obligation } = directory.ofKind(input.orgId, 'minimum-occurrences', input.obligationId);
      const [html, markdown] = await Promise.all([archive.read(input.report.html), archive.read(input.report.markdown)]);
      const fileBase = `${input.orgId}-${input.obligationId}-${input.year}`;
      return sendNotice({
        org,
        people: [...bodyPeople(org, obligation.report.recipients), secretariatPerson(org)],
        template: 'occurrences-result',
        scope: `${input.orgId}.${input.obligationId}.${input.year}`,
        kind: 'occurrences-result',
        sequence: 1,
        at: input.at,
        attachments: [
          { filename: `${fileBase}.html`, content: html, contentType: 'text/html; charset=utf-8' },
          { filename: `${fileBase}.md`, content: markdown, contentType: 'text/markdown; charset=utf-8' },
        ],
        context: (language) => ({ obligation: { title: obligation.title[language] }, year: input.year, ...input.report }),
      });
    },

    // --- Schedules ---------------------------------------------------------------------------
    /** Which workflow a schedule's run starts now: its type, business key and input. */
    async startScheduledRun({ orgId, obligationId, now }: { orgId: string; obligationId: string; now: string }) {
      const run = resolveRun(directory.organisation(orgId), obligationId, new Date(now));
      const taskQueue = Context.current().info.taskQueue;
      await deps.starter.start('registerWorkflow', registerWorkflowId(orgId), [{ orgId }], taskQueue);
      return { workflowId: run.workflowId, outcome: await deps.starter.start(run.workflowType, run.workflowId, run.args, taskQueue) };
    },
  };
}

const OCCURRENCE_LABELS: Record<Language, Record<string, string>> = {
  sv: { result: 'Resultat', met: 'Uppfyllt', notMet: 'Inte uppfyllt', required: 'Krav', counted: 'Räknade', list: 'Seminarier som räknas', others: 'Övriga registrerade seminarier', none: 'Inga', date: 'Datum', seminar: 'Seminarium', place: 'Plats', role: 'Roll', unit: 'Enhet', source: 'Grund i policyn', compiledAt: 'Sammanställd' },
  en: { result: 'Result', met: 'Met', notMet: 'Not met', required: 'Required', counted: 'Counted', list: 'Seminars that count', others: 'Other registered seminars', none: 'None', date: 'Date', seminar: 'Seminar', place: 'Place', role: 'Role', unit: 'Unit', source: 'Basis in the policy', compiledAt: 'Compiled' },
};

const ROLE_LABELS: Record<Language, Record<string, string>> = {
  sv: { organiser: 'arrangör', 'co-organiser': 'medarrangör', participant: 'deltagare' },
  en: { organiser: 'organiser', 'co-organiser': 'co-organiser', participant: 'participant' },
};

function seminarRow(org: OrganisationConfig, s: SeminarRecord, language: Language) {
  return {
    date: day(s.date, org, language),
    title: s.title,
    place: `${s.place} (${s.country})`,
    role: ROLE_LABELS[language][s.role] ?? s.role,
    unit: org.units.find((u) => u.id === s.unitId)?.name[language] ?? s.unitId,
  };
}

export interface ScheduledRun {
  workflowType: 'cycleWorkflow' | 'occurrencesWorkflow' | 'revisionWorkflow';
  workflowId: string;
  args: unknown[];
}

/** The run a schedule starts at `now`: the period whose opening has come most recently. */
export function resolveRun(org: OrganisationConfig, obligationId: string, now: Date): ScheduledRun {
  const obligation = org.obligations.find((o) => o.id === obligationId);
  const orgId = org.organisation.id;
  const zone = org.organisation.timeZone;
  if (!obligation) throw new Error(`${orgId} has no obligation "${obligationId}" (was it removed? run "followup schedules sync").`);
  // A schedule fires a little before or after its minute; a minute's slack keeps it in its own period.
  const slack = new Date(now.getTime() + 60_000);
  switch (obligation.kind) {
    case 'periodic-data-call': {
      const opened = dataCallOpenings(obligation.calendar, obligation.period, zone, new Date(slack.getTime() - 400 * 86_400_000), 2).filter((o) => Date.parse(o.opensAt) <= slack.getTime());
      const period = opened.at(-1)?.period ?? latestEndedPeriod(obligation.period, DateTime.fromJSDate(now, { zone }));
      return { workflowType: 'cycleWorkflow', workflowId: cycleWorkflowId({ orgId, obligationId, period }), args: [{ orgId, obligationId, period, startedBy: 'schedule' }] };
    }
    case 'minimum-occurrences': {
      const year = DateTime.fromJSDate(slack, { zone }).year;
      return { workflowType: 'occurrencesWorkflow', workflowId: occurrencesWorkflowId(orgId, obligationId, year), args: [{ orgId, obligationId, year }] };
    }
    case 'revision': {
      const periodId = revisionPeriodIds(obligation.rule, slack, 1, zone)[0]!;
      return { workflowType: 'revisionWorkflow', workflowId: revisionWorkflowId(orgId, obligationId, periodId), args: [{ orgId, obligationId, periodId }] };
    }
    default:
      throw new Error(`${obligation.kind} obligations run when something is registered, not on a schedule.`);
  }
}
