/** The expiry review: each registered agreement's owner is reminded before it ends to renew or end it. */
import { endOfDay, planExpiryReminders } from '../../domain/calendar';
import type { AgreementRegistration } from '../../domain/registers';
import { AGREEMENT_MAIL_KINDS, templateFor } from '../../domain/mail-kinds';
import type { ActivityDeps } from '../index';
import { day, secretariatPerson, unitName, type SendNotice } from '../notices';
import { ownerLinkUrl } from '../owner-links';
import { lineLabel, type KindModule } from './kind-module';

export type AgreementMailKind = (typeof AGREEMENT_MAIL_KINDS)[number];

export function createExpiryReviewActivities(deps: ActivityDeps, sendNotice: SendNotice) {
  const { directory } = deps;
  return {
    async planAgreement({ orgId, obligationId, endsOn, now, registering }: { orgId: string; obligationId: string; endsOn: string; now: string; registering?: boolean }) {
      const { org, obligation } = directory.ofKind(orgId, 'expiry-review', obligationId);
      const zone = org.organisation.timeZone;
      return { reminderTimes: planExpiryReminders(endsOn, obligation.remindersBeforeEnd, obligation.sendTime, zone, new Date(now), registering), endsAt: endOfDay(endsOn, zone) };
    },

    async sendAgreementMail(input: { orgId: string; obligationId: string; agreement: AgreementRegistration; kind: AgreementMailKind; sequence: number; at: string; skip?: string[] }) {
      const { org, obligation } = directory.ofKind(input.orgId, 'expiry-review', input.obligationId);
      const { agreement } = input;
      return sendNotice({
        org,
        people: input.kind === 'agreement-review' ? [agreement.owner] : [secretariatPerson(org)],
        template: templateFor(obligation, input.kind),
        subjects: obligation.subjects,
        scope: `${input.orgId}.${input.obligationId}.${agreement.id}.${agreement.endsOn}`,
        kind: input.kind,
        sequence: input.sequence,
        at: input.at,
        skip: input.skip,
        context: (language) => ({
          obligation: { title: obligation.title[language], source: obligation.source },
          agreement: { id: agreement.id, title: agreement.title, partner: agreement.partner, unit: unitName(org, agreement.unitId, language), owner: agreement.owner.name, endsOn: day(agreement.endsOn, org, language) },
          decideUrl: input.kind === 'agreement-review' ? ownerLinkUrl(deps, 'agreement-review', input.orgId, agreement.id, input.at, agreement.owner.email) : undefined,
        }),
      });
    },
  };
}

const WORDS = {
  sv: { agreements: 'Samarbetsavtal', active: 'gällande', reviewDue: 'ska utvärderas', expired: 'löpt ut utan beslut' },
  en: { agreements: 'Cooperation agreements', active: 'in force', reviewDue: 'due for evaluation', expired: 'expired without decision' },
};

export const expiryReview: KindModule<'expiry-review'> = {
  // Its mails follow registrations, not a calendar.
  preview: async () => ['registerBased'],
  templates: (o) => ({ mails: AGREEMENT_MAIL_KINDS.map((k) => templateFor(o, k)), reports: [] }),
  complianceLines({ org, obligation, register, language }) {
    const words = WORDS[language];
    const firstReview = org.obligations.find((o) => o.kind === 'expiry-review')?.id;
    const mine = register.agreements.filter((a) => (a.obligationId ?? firstReview) === obligation.id);
    const count = (state: string) => mine.filter((a) => a.state === state).length;
    const expired = count('expired');
    return [
      {
        label: lineLabel(obligation, language, words.agreements),
        value: `${count('active') + count('renewed')} ${words.active}, ${count('review-due')} ${words.reviewDue}, ${expired} ${words.expired}`,
        attention: expired > 0,
      },
    ];
  },
};
