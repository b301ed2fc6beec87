/** The public page of an organisation's registers, from its feed: served at /public and written by `followup publish`. */
import { formatDate } from '../domain/calendar';
import { shownPublicValue, type PublicFeed } from '../domain/publication';
import type { Language } from '../domain/types';
import type { OrganisationConfig } from '../config/schema';
import { text } from './i18n';
import type { Views } from './views';

export function renderPublicPage(views: Views, feed: PublicFeed, config: OrganisationConfig, links: { feedUrl: string; accessibilityUrl: string; switchLanguageUrl?: string }): string {
  const lang: Language = feed.language;
  const org = config.organisation.name;
  const settings = config.publication;
  return views(
    'public',
    { lang, orgName: org },
    {
      heading: settings?.title?.[lang] ?? text(lang, 'publicTitle', { org }),
      intro: settings?.intro?.[lang],
      updated: text(lang, 'publicUpdated', { when: formatDate(feed.generatedAt, config.organisation.timeZone, lang, true) }),
      nothingYet: text(lang, 'publicNothingYet'),
      registers: feed.registers.map((r) => ({ id: r.id, title: r.title, fields: r.fields, rows: r.items.map((item) => r.fields.map((f) => shownPublicValue(item[f.id] ?? null, lang))) })),
      feedUrl: links.feedUrl,
      feedLink: text(lang, 'publicFeedLink'),
      accessibilityUrl: links.accessibilityUrl,
      accessibilityLink: text(lang, 'accessibilityStatement'),
      switchLanguageUrl: links.switchLanguageUrl,
      otherLanguage: text(lang, 'otherLanguage'),
      otherLanguageCode: text(lang, 'otherLanguageCode'),
    },
  );
}
