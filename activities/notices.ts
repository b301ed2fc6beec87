/**
 * Mail to people named by an obligation (owners, bodies, the secretariat), shared by the kinds:
 * each person gets the template rendered in their language, with the organisation, the policy,
 * the secretariat and their own name in its context.
 */
import { formatDate } from '../domain/calendar';
import type { Language } from '../domain/types';
import type { OrganisationConfig, PersonConfig } from '../config/schema';
import type { ActivityDeps } from './index';
import type { SendToEach } from './send';
import type { ReportAttachment } from './documents/report-files';

export const secretariatPerson = (org: OrganisationConfig): PersonConfig => ({ name: org.secretariat.name, email: org.secretariat.email });
export const bodyPeople = (org: OrganisationConfig, ids: readonly string[]) => org.bodies.filter((b) => ids.includes(b.id)).flatMap((b) => b.recipients);
export const day = (d: string, org: OrganisationConfig, language: Language) => formatDate(`${d}T12:00:00`, org.organisation.timeZone, language);
export const unitName = (org: OrganisationConfig, unitId: string, language: Language) => org.units.find((u) => u.id === unitId)?.name[language] ?? unitId;

export interface NoticeArgs {
  org: OrganisationConfig;
  people: readonly PersonConfig[];
  template: string;
  context: (language: Language) => object;
  /** The obligation's own subjects by mail kind (config `subjects`); the template's for a kind not named. */
  subjects?: Partial<Record<string, { sv: string; en: string }>>;
  scope: string;
  kind: string;
  sequence: number;
  at: string;
  cc?: PersonConfig[];
  attachments?: ReportAttachment[];
  /** A second try skips these: they already have the mail. */
  skip?: readonly string[];
}

export function createNoticeSender(deps: Pick<ActivityDeps, 'renderer'>, sendToEach: SendToEach) {
  const { renderer } = deps;
  /** Renders `template` for each person and sends it. */
  return function sendNotice(args: NoticeArgs) {
    const { org } = args;
    return sendToEach(
      args.people,
      org.organisation.language,
      (person, language) => {
        const { subject, text } = renderer.of(org).mail(args.template, language, {
          org: { name: org.organisation.name },
          policy: { name: org.policy.name[language] },
          secretariat: org.secretariat,
          recipient: { name: person.name },
          ...args.context(language),
        }, args.subjects?.[args.kind]?.[language]);
        return { subject, text, date: new Date(args.at), replyTo: org.secretariat.email, idSubject: args.kind, attachments: args.attachments };
      },
      org.secretariat,
      args.scope,
      args.kind,
      args.sequence,
      // These workflows do not retry person by person: the activity does, mailing only those still waiting.
      { cc: args.cc, skip: args.skip, retryInActivity: true, at: args.at },
    );
  };
}

export type SendNotice = ReturnType<typeof createNoticeSender>;
