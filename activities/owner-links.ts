/**
 * Links in mails for people outside the secretariat, signed like the answer link: the project
 * owner's goals form, the agreement owner's renew-or-end form, a unit's standing link to register
 * its seminars and projects. Each page checks the workflow's state as well, so a link that outlives
 * its purpose shows what happened rather than a form.
 */
import type { AnswerLinks, LinkPurpose } from '../domain/answer-links';

const DAY_MS = 86_400_000;

/** How long each kind of link works after the mail that carries it. */
export const OWNER_LINK_DAYS: Record<LinkPurpose, number> = { 'project-goals': 365, 'agreement-review': 180, 'unit-registers': 400 };

export const OWNER_LINK_PATHS: Record<LinkPurpose, string> = { 'project-goals': 'goals', 'agreement-review': 'agreement', 'unit-registers': 'unit' };

/**
 * A page of the web for people outside the secretariat, under the organisation's own path where the
 * deployment serves several (the web then serves each at /<organisation>/).
 */
export function webLink(deps: { publicBaseUrl: string; organisationPaths?: boolean }, orgId: string, page: string): string {
  const base = deps.publicBaseUrl.endsWith('/') ? deps.publicBaseUrl : `${deps.publicBaseUrl}/`;
  return new URL(`${deps.organisationPaths ? `${orgId}/` : ''}${page}`, base).toString();
}

/**
 * `holder`: the person it is mailed to; the page refuses it once someone else owns the project or
 * agreement, or (a unit's standing link) once they are no longer among the unit's contacts.
 * `expiresAt`: when the link's purpose ends, where that is not its kind's days (a standing link ends with its period).
 */
export function ownerLinkUrl(deps: { answerLinks: AnswerLinks; publicBaseUrl: string; organisationPaths?: boolean }, purpose: LinkPurpose, orgId: string, id: string, mailedAt: string, holder?: string, expiresAt?: string): string {
  const ends = expiresAt ?? new Date(Date.parse(mailedAt) + OWNER_LINK_DAYS[purpose] * DAY_MS).toISOString();
  const token = deps.answerLinks.ownerToken({ purpose, orgId, id, expiresAt: ends, holder });
  return webLink(deps, orgId, `${OWNER_LINK_PATHS[purpose]}/${token}`);
}
