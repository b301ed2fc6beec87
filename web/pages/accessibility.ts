/**
 * The accessibility statement (tillgänglighetsredogörelse), open to everyone and linked from every
 * page's footer: the organisation's assessment from its config, the tests every version passes, where
 * to report a shortcoming, and the supervising authority's reporting function.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { formatDate } from '../../domain/calendar';
import { languageQuery } from '../forms';
import { pickLanguage, pluralText, text } from '../i18n';
import type { WebKit } from '../kit';

/** Digg's function for reporting a public body's inaccessible service (the link its statements must carry). */
export const DIGG_REPORTING_URL = 'https://www.digg.se/tdosanmalan';

export async function accessibilityPages(instance: FastifyInstance, { kit }: { kit: WebKit }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { config, page, zone } = kit;
  app.get('/accessibility', { schema: { querystring: languageQuery } }, async (request, reply) => {
    const lang = pickLanguage(request.query.lang, kit.orgLanguage);
    const other = lang === 'sv' ? 'en' : 'sv';
    const statement = config.accessibility;
    const org = config.organisation.name;
    const service = statement?.service[lang] ?? text(lang, 'accessibilityService');
    const contact = statement?.contact ?? { email: config.secretariat.email };
    const day = (iso: string) => formatDate(`${iso}T12:00:00`, zone, lang);
    const compliance = statement ? text(lang, statement.compliance === 'full' ? 'a11yFull' : statement.compliance === 'partial' ? 'a11yPartial' : 'a11yNone') : text(lang, 'a11yNotAssessed', { org });
    return page(reply, 200, 'accessibility', { lang, orgName: org, switchLanguageUrl: `/accessibility?lang=${other}` }, {
      heading: text(lang, 'accessibilityStatement'),
      intro: text(lang, 'a11yIntro', { org, service }),
      compliance,
      shortcomings: (statement?.shortcomings ?? []).map((s) => s[lang]),
      burden: (statement?.disproportionateBurden ?? []).map((s) => s[lang]),
      notCovered: (statement?.notCovered ?? []).map((s) => s[lang]),
      contact: [
        text(lang, 'a11yContact', { name: statement?.contact ? org : config.secretariat.name, email: contact.email }),
        ...(contact.phone ? [text(lang, 'a11yPhone', { phone: contact.phone })] : []),
        ...(contact.answerWithinDays ? [pluralText(lang, 'a11yAnswerWithin', contact.answerWithinDays, { days: contact.answerWithinDays })] : []),
      ].join(' '),
      contactEmail: contact.email,
      diggUrl: DIGG_REPORTING_URL,
      method: statement
        ? statement.method === 'self-assessment'
          ? text(lang, 'a11ySelfAssessment', { org })
          : statement.reviewedBy
            ? text(lang, 'a11yExternalReview', { by: statement.reviewedBy })
            : text(lang, 'a11yExternalReviewUnnamed')
        : undefined,
      dates: statement ? text(lang, 'a11yDates', { assessed: day(statement.assessedOn), updated: day(statement.updatedOn) }) : undefined,
    });
  });
}
