/**
 * Yearly goals set by a body (the council's goals in its budget): the secretariat is reminded to
 * record them; the recorded goals become a list that a data call's questionnaire repeats over.
 */
import { DateTime } from 'luxon';
import { planGoalsYear } from '../../domain/calendar';
import { goalsWorkflowId, type GoalsDecision } from '../../domain/registers';
import { GOALS_MAIL_KINDS, templateFor } from '../../domain/mail-kinds';
import { formatCount, pluralWord } from '../../domain/wording';
import type { ActivityDeps } from '../index';
import { day, secretariatPerson, type SendNotice } from '../notices';
import { lineLabel, type KindModule } from './kind-module';

export type GoalsMailKind = (typeof GOALS_MAIL_KINDS)[number];

export function createYearlyGoalsActivities(deps: ActivityDeps, sendNotice: SendNotice) {
  const { directory } = deps;
  return {
    async planGoalsYear({ orgId, obligationId, year }: { orgId: string; obligationId: string; year: number }) {
      const { org, obligation } = directory.ofKind(orgId, 'yearly-goals', obligationId);
      return planGoalsYear(obligation.recordBy, year, obligation.remindEvery, obligation.sendTime, org.organisation.timeZone);
    },

    async sendGoalsMail(input: { orgId: string; obligationId: string; year: number; kind: GoalsMailKind; sequence: number; at: string; decision?: GoalsDecision; skip?: string[] }) {
      const { org, obligation } = directory.ofKind(input.orgId, 'yearly-goals', input.obligationId);
      const body = org.bodies.find((b) => b.id === obligation.decidedBy);
      return sendNotice({
        org,
        people: [secretariatPerson(org)],
        template: templateFor(obligation, input.kind),
        subjects: obligation.subjects,
        scope: `${input.orgId}.${input.obligationId}.${input.year}`,
        kind: input.kind,
        sequence: input.sequence,
        at: input.at,
        skip: input.skip,
        context: (language) => ({
          obligation: { id: obligation.id, title: obligation.title[language], source: obligation.source },
          year: input.year,
          body: body?.name[language] ?? obligation.decidedBy,
          decision: input.decision ? { ...input.decision, decidedOn: day(input.decision.decidedOn, org, language) } : undefined,
        }),
      });
    },
  };
}

const WORDS = {
  sv: { goals: 'Mål för året', none: 'inte registrerade', goalCount: 'mål', goalsCount: 'mål' },
  en: { goals: "The year's goals", none: 'not recorded', goalCount: 'goal', goalsCount: 'goals' },
};

export const yearlyGoals: KindModule<'yearly-goals'> = {
  templates: (o) => ({ mails: GOALS_MAIL_KINDS.map((k) => templateFor(o, k)), reports: [] }),
  complianceLines({ obligation, register, bounds, language }) {
    const words = WORDS[language];
    const year = bounds.start.year;
    const entry = (register.goals ?? []).find((g) => g.obligationId === obligation.id && g.year === year);
    const decision = entry?.decision;
    return [
      {
        label: `${lineLabel(obligation, language, words.goals)} ${year}`,
        value: decision ? `${formatCount(language, decision.goals.length)} ${pluralWord(language, decision.goals.length, words.goalCount, words.goalsCount)} (${decision.body} ${decision.decidedOn} ${decision.paragraph})` : words.none,
        attention: !decision,
      },
    ];
  },
  schedule: {
    runs(org, o, now, horizonYears) {
      const zone = org.organisation.timeZone;
      const thisYear = DateTime.fromJSDate(now, { zone }).year;
      const years = Array.from({ length: horizonYears + 1 }, (_, i) => thisYear + i);
      const planned = years.map((year) => ({ year, plan: planGoalsYear(o.recordBy, year, o.remindEvery, o.sendTime, zone) }));
      return {
        runs: planned.filter((p) => Date.parse(p.plan.askAt) >= now.getTime()).map((p) => ({ label: String(p.year), at: p.plan.askAt })),
        running: planned.find((p) => Date.parse(p.plan.askAt) < now.getTime() && now.getTime() < Date.parse(p.plan.endsAt))?.year.toString(),
      };
    },
    run(org, obligation, now) {
      const orgId = org.organisation.id;
      const zone = org.organisation.timeZone;
      // The year whose asking has come most recently and is not over: in the autumn the coming
      // year's, from a first sync mid-year this year's.
      const thisYear = DateTime.fromJSDate(now, { zone }).year;
      const asked = [thisYear + 1, thisYear].find((y) => Date.parse(planGoalsYear(obligation.recordBy, y, obligation.remindEvery, obligation.sendTime, zone).askAt) <= now.getTime());
      const year = asked ?? thisYear + 1;
      return { workflowType: 'goalsWorkflow', workflowId: goalsWorkflowId(orgId, obligation.id, year), args: [{ orgId, obligationId: obligation.id, year }] };
    },
    currentPeriod: (org, _o, now) => String(DateTime.fromJSDate(now, { zone: org.organisation.timeZone }).year + 1),
  },
  async preview({ org, obligation, period, activities, record }) {
    const plan = planGoalsYear(obligation.recordBy, Number(period), obligation.remindEvery, obligation.sendTime, org.organisation.timeZone);
    let sequence = 0;
    for (const at of plan.reminderTimes) {
      await record('goals-missing', () => activities.sendGoalsMail({ orgId: org.organisation.id, obligationId: obligation.id, year: Number(period), kind: 'goals-missing', sequence: ++sequence, at }));
    }
    return ['nobodyAnswers'];
  },
};
