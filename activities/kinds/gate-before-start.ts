/**
 * The gate before start: each registered project's definition (the gate's questionnaire), asked of
 * its owner, reminded, reviewed by the secretariat, and the start without approval made visible.
 */
import { endOfDay, parseIsoDuration, periodBounds, startOfDay } from '../../domain/calendar';
import { questionnaireOf } from '../../domain/questionnaire';
import type { ProjectRegistration, ProjectState } from '../../domain/registers';
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
      const unit = await createUnitPeople(directory, deps.people ?? deps.records).unit(input.orgId, project.unitId);
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

/** The register keeps no personal data: the owner's name and address stand as this in a preview. */
const OWNER_PLACEHOLDER: Record<Language, string> = { sv: '[projektägaren]', en: '[project-owner]' };

/** Under the gate and not yet approved: the owner still owes the goals, or the secretariat has not approved them. */
const NOT_APPROVED: readonly ProjectState[] = ['registered', 'awaiting-goals', 'returned', 'goals-submitted'];

export const gateBeforeStart: KindModule<'gate-before-start'> = {
  // Its mails follow registrations, not a calendar: those of the projects registered so far, within the period.
  async preview({ org, obligation, period, now, activities, registers, record }) {
    const zone = org.organisation.timeZone;
    const bounds = periodBounds('annual', period, zone);
    const register = await registers.read(org.organisation.id);
    // Projects registered before several gates were possible name none: they belong to the first.
    const firstGate = org.obligations.find((o) => o.kind === 'gate-before-start')?.id;
    const projects = register.projects.filter((p) => (p.obligationId ?? firstGate) === obligation.id && NOT_APPROVED.includes(p.state));
    if (!projects.length) return ['registerBased'];
    const remindEveryMs = parseIsoDuration(obligation.remindEvery).as('milliseconds');
    const placeholder = OWNER_PLACEHOLDER[org.organisation.language];
    for (const p of projects) {
      // As workflows/project.ts sends them when nobody answers: the request on registration (or,
      // for an owner outside the organisation not yet approved, on approval: shown now), a reminder
      // every remindEvery while the goals are owed, the warning at the planned start.
      const requestAt = p.ownerApproval === 'awaited' ? now.getTime() : Date.parse(p.registeredAt);
      const mails: { kind: ProjectMailKind; at: number }[] = [{ kind: 'goals-request', at: requestAt }];
      if (!p.startedWithoutApproval) mails.push({ kind: 'start-without-approval', at: Date.parse(startOfDay(p.plannedStart, zone)) });
      if (p.state !== 'goals-submitted' && remindEveryMs > 0) {
        for (let at = requestAt + remindEveryMs; at < bounds.end.toMillis() && mails.length < 200; at += remindEveryMs) mails.push({ kind: 'goals-reminder', at });
      }
      mails.sort((a, b) => a.at - b.at);
      const project: ProjectRegistration = {
        id: p.id,
        title: p.title,
        unitId: p.unitId,
        owner: { name: placeholder, email: placeholder },
        plannedStart: p.plannedStart,
        ...(p.plannedEnd ? { plannedEnd: p.plannedEnd } : {}),
        partners: p.partners,
        euFunded: p.euFunded,
        stage: p.stage,
      };
      // Numbered as the workflow numbers its mails, so the preview's Message-IDs are theirs.
      let sequence = 0;
      for (const mail of mails) {
        sequence++;
        if (mail.at < bounds.start.toMillis() || mail.at >= bounds.end.toMillis()) continue;
        await record(mail.kind, () => activities.sendProjectMail({ orgId: org.organisation.id, obligationId: obligation.id, project, kind: mail.kind, sequence, at: new Date(mail.at).toISOString() }));
      }
    }
    return ['gateProjects'];
  },
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
