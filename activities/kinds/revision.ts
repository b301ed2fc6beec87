/** The revision of the policy per mandate period or by a date: asked, reminded, escalated, recorded. */
import { formatDate, planRevision, revisionPeriodIds, revisionPeriodName, type RevisionPlan } from '../../domain/calendar';
import { revisionWorkflowId, type RevisionDecision } from '../../domain/registers';
import { REVISION_MAIL_KINDS, templateFor } from '../../domain/mail-kinds';
import type { ActivityDeps } from '../index';
import { bodyPeople, day, secretariatPerson, type SendNotice } from '../notices';
import { lineLabel, type KindModule } from './kind-module';

export type RevisionMailKind = (typeof REVISION_MAIL_KINDS)[number];

export function createRevisionActivities(deps: ActivityDeps, sendNotice: SendNotice) {
  const { directory } = deps;
  return {
    async planRevisionPeriod({ orgId, obligationId, periodId }: { orgId: string; obligationId: string; periodId: string }): Promise<RevisionPlan> {
      const { org, obligation } = directory.ofKind(orgId, 'revision', obligationId);
      return planRevision(obligation.rule, periodId, obligation.remindEvery, obligation.sendTime, org.organisation.timeZone);
    },

    async sendRevisionMail(input: { orgId: string; obligationId: string; periodId: string; kind: RevisionMailKind; sequence: number; at: string; dueDate: string; decision?: RevisionDecision; skip?: string[] }) {
      const { org, obligation } = directory.ofKind(input.orgId, 'revision', input.obligationId);
      const people =
        input.kind === 'revision-overdue' ? bodyPeople(org, obligation.escalateTo) : input.kind === 'revision-recorded' ? [secretariatPerson(org), obligation.owner] : [obligation.owner];
      return sendNotice({
        org,
        people,
        template: templateFor(obligation, input.kind),
        subjects: obligation.subjects,
        scope: `${input.orgId}.${input.obligationId}.${input.periodId}`,
        kind: input.kind,
        sequence: input.sequence,
        at: input.at,
        cc: input.kind === 'revision-overdue' ? [secretariatPerson(org), obligation.owner] : undefined,
        skip: input.skip,
        context: (language) => ({
          obligation: { title: obligation.title[language], source: obligation.source },
          owner: obligation.owner.name,
          periodId: input.periodId,
          period: revisionPeriodName(input.periodId, language),
          // A term of office is a period the policy is revised during; a set date is only the due day.
          term: !input.periodId.startsWith('by-'),
          due: day(input.dueDate, org, language),
          decision: input.decision ? { ...input.decision, decidedOn: day(input.decision.decidedOn, org, language), revised: input.decision.outcome === 'revised' } : undefined,
        }),
      });
    },
  };
}

const WORDS = {
  sv: { revision: 'Revidering av policyn', notStarted: 'inte påbörjad', scheduled: 'planerad', requested: 'begärd, väntar på beslut', overdue: 'försenad', decided: 'beslutad', 'not-decided': 'inte beslutad under perioden', due: 'senast' },
  en: { revision: 'Revision of the policy', notStarted: 'not started', scheduled: 'scheduled', requested: 'requested, awaiting decision', overdue: 'overdue', decided: 'decided', 'not-decided': 'not decided in the period', due: 'due' },
};

export const revision: KindModule<'revision'> = {
  templates: (o) => ({ mails: REVISION_MAIL_KINDS.map((k) => templateFor(o, k)), reports: [] }),
  complianceLines({ org, obligation, register, language }) {
    const words = WORDS[language];
    const zone = org.organisation.timeZone;
    const inWords = (isoDay: string) => formatDate(isoDay, zone, language);
    const entries = register.revisions.filter((r) => r.obligationId === obligation.id).sort((a, b) => a.periodId.localeCompare(b.periodId));
    const latest = entries.at(-1);
    // A period by a set date already names its due day; a term of office is followed by it.
    const dueText = (periodId: string, dueDate: string) => (periodId.startsWith('by-') ? '' : `, ${words.due} ${inWords(dueDate)}`);
    const value = latest
      ? `${revisionPeriodName(latest.periodId, language)}: ${words[latest.state]}${latest.decision ? ` (${latest.decision.body} ${inWords(latest.decision.decidedOn)} ${latest.decision.paragraph})` : dueText(latest.periodId, latest.dueDate)}`
      : words.notStarted;
    return [{ label: lineLabel(obligation, language, words.revision), value, attention: latest?.state === 'overdue' || latest?.state === 'not-decided' }];
  },
  schedule: {
    runs(org, o, now, horizonYears) {
      const zone = org.organisation.timeZone;
      const periods = revisionPeriodIds(o.rule, now, Math.ceil(horizonYears / 4) + 1, zone).map((periodId) => ({ periodId, plan: planRevision(o.rule, periodId, o.remindEvery, o.sendTime, zone) }));
      return {
        runs: periods.filter((p) => Date.parse(p.plan.askAt) >= now.getTime()).map((p) => ({ label: p.periodId, at: p.plan.askAt })),
        running: periods.find((p) => Date.parse(p.plan.askAt) < now.getTime() && now.getTime() < Date.parse(p.plan.endsAt))?.periodId,
      };
    },
    run(org, obligation, now) {
      const orgId = org.organisation.id;
      const periodId = revisionPeriodIds(obligation.rule, now, 1, org.organisation.timeZone)[0]!;
      return { workflowType: 'revisionWorkflow', workflowId: revisionWorkflowId(orgId, obligation.id, periodId), args: [{ orgId, obligationId: obligation.id, periodId }] };
    },
    currentPeriod: (org, obligation, now) => revisionPeriodIds(obligation.rule, now, 1, org.organisation.timeZone)[0]!,
  },
  async preview({ org, obligation, period, activities, record }) {
    const plan = planRevision(obligation.rule, period, obligation.remindEvery, obligation.sendTime, org.organisation.timeZone);
    const base = { orgId: org.organisation.id, obligationId: obligation.id, periodId: period, dueDate: plan.dueDate };
    // One sequence for all its mails, as the workflow counts them.
    let sequence = 0;
    await record('revision-request', () => activities.sendRevisionMail({ ...base, kind: 'revision-request', sequence: ++sequence, at: plan.askAt }));
    for (const at of plan.reminderTimes) await record('revision-reminder', () => activities.sendRevisionMail({ ...base, kind: 'revision-reminder', sequence: ++sequence, at }));
    await record('revision-overdue', () => activities.sendRevisionMail({ ...base, kind: 'revision-overdue', sequence: ++sequence, at: plan.dueAt }));
    return ['nobodyAnswers'];
  },
};
