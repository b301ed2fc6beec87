/**
 * The gate before start: each registered project's definition (the gate's questionnaire), asked of
 * its owner, reminded, reviewed by the secretariat, and the start without approval made visible.
 */
import { endOfDay, parseIsoDuration, startOfDay } from '../../domain/calendar';
import { questionnaireOf } from '../../domain/questionnaire';
import type { ProjectRegistration } from '../../domain/registers';
import type { AnswerValues } from '../../domain/types';
import type { GateBeforeStartConfig, PersonConfig } from '../../config/schema';
import type { Language } from '../../domain/types';
import { headTitle } from '../../domain/wording';
import { PROJECT_MAIL_KINDS, templateFor } from '../../domain/mail-kinds';
import type { ActivityDeps } from '../index';
import { recordProject, type ProjectRecord } from '../../records/projects';
import { answerRows, questionLines } from '../mail-context';
import { day, secretariatPerson, type SendNotice } from '../notices';
import { ownerLinkUrl } from '../owner-links';
import { lineLabel, type KindModule } from './kind-module';
import type { EmitWebhookEvent } from '../webhooks';
import { createUnitPeople } from '../unit-people';

export type ProjectMailKind = (typeof PROJECT_MAIL_KINDS)[number];

export function createGateActivities(deps: ActivityDeps, sendNotice: SendNotice, emit: EmitWebhookEvent) {
  const { directory } = deps;
  return {
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

    /** A project's goals versions, returns and approvals, to the database of record; whether there is one. */
    async recordProjectSteps(input: { orgId: string; projectId: string; entries: ProjectRecord[] }): Promise<boolean> {
      if (!deps.records) return false;
      await recordProject(deps.records, input.orgId, input.projectId, input.entries);
      const { orgId, projectId } = input;
      for (const entry of input.entries) {
        if (entry.kind === 'goals') {
          await emit({ org: orgId, type: 'goals.submitted', key: `${orgId}/${projectId}/${entry.revision}`, at: entry.at, data: { project: projectId, revision: entry.revision, submittedAt: entry.at, by: entry.actor, goals: entry.goals } });
        } else if (entry.step === 'approved') {
          await emit({ org: orgId, type: 'goals.approved', key: `${orgId}/${projectId}/${entry.at}`, at: entry.at, data: { project: projectId, approvedAt: entry.at, by: entry.actor, ...(entry.comment ? { comment: entry.comment } : {}) } });
        }
      }
      return true;
    },

    async sendProjectMail(input: { orgId: string; obligationId: string; project: ProjectRegistration; kind: ProjectMailKind; sequence: number; at: string; comment?: string; goals?: AnswerValues; skip?: string[] }) {
      const { org, obligation } = directory.ofKind(input.orgId, 'gate-before-start', input.obligationId);
      const { project } = input;
      // The head as the secretariat set it in the web, where it did (records/people.ts).
      const unit = await createUnitPeople(directory, deps.records).unit(input.orgId, project.unitId);
      const toOwner = ['goals-request', 'goals-reminder', 'goals-approved', 'goals-returned'].includes(input.kind);
      const people: PersonConfig[] =
        input.kind === 'goals-review' ? [secretariatPerson(org)] : input.kind === 'start-without-approval' ? [unit.head] : [project.owner];
      return sendNotice({
        org,
        people,
        template: templateFor(obligation, input.kind),
        subjects: obligation.subjects,
        scope: `${input.orgId}.${input.obligationId}.${project.id}`,
        kind: input.kind,
        sequence: input.sequence,
        at: input.at,
        cc: input.kind === 'start-without-approval' || (toOwner && input.kind !== 'goals-reminder') ? [secretariatPerson(org)] : undefined,
        skip: input.skip,
        context: (language) => ({
          obligation: { title: obligation.title[language], source: obligation.source },
          gate: { before: obligation.before[language], requires: gateRequires(obligation, language) },
          head: { title: headTitle(unit, org.wording, language) },
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
          // The owner fills in (or corrects) the goals in a form; the others read them in the mail.
          goalsUrl: toOwner && input.kind !== 'goals-approved' ? ownerLinkUrl(deps, 'project-goals', input.orgId, project.id, input.at, project.owner.email) : undefined,
        }),
      });
    },
  };
}

/**
 * What the policy requires fixed before a start, as the unit head's mail lists it: the obligation's
 * own list, else its questionnaire's required questions (all of them when none is required).
 */
export function gateRequires(obligation: GateBeforeStartConfig, language: Language): string[] {
  if (obligation.requires) return obligation.requires.map((r) => r[language]);
  const fields = questionnaireOf(obligation);
  const required = fields.filter((f) => f.required);
  return (required.length ? required : fields).map((f) => f.label[language]);
}

const WORDS = {
  sv: { unapproved: 'Projekt som startat utan godkända mål' },
  en: { unapproved: 'Projects started without approved goals' },
};

export const gateBeforeStart: KindModule<'gate-before-start'> = {
  // Its mails follow registrations, not a calendar.
  preview: async () => ['registerBased'],
  templates: (o) => ({ mails: PROJECT_MAIL_KINDS.map((k) => templateFor(o, k)), reports: [] }),
  complianceLines({ org, obligation, register, bounds, language }) {
    const first = bounds.start.toISODate() ?? '';
    const last = bounds.end.minus({ days: 1 }).toISODate() ?? '';
    // Projects registered before several gates were possible name none: they belong to the first.
    const firstGate = org.obligations.find((o) => o.kind === 'gate-before-start')?.id;
    const unapproved = register.projects.filter(
      (p) => (p.obligationId ?? firstGate) === obligation.id && p.startedWithoutApproval && p.plannedStart <= last && p.plannedStart >= first,
    );
    return [
      {
        label: lineLabel(obligation, language, WORDS[language].unapproved),
        value: unapproved.length ? `${unapproved.length}: ${unapproved.map((p) => p.title).join(', ')}` : '0',
        attention: unapproved.length > 0,
      },
    ];
  },
};
