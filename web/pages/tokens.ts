/**
 * The secretariat's page of API tokens for the organisation's other systems: create one (shown
 * once, on the page that answers the form), see each with its role, expiry and last use, and
 * revoke one. The same as `followup tokens`; both write to the audit log (records/api-tokens.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { formatDate } from '../../domain/calendar';
import type { Language } from '../../domain/types';
import {
  API_TOKEN_ROLES,
  ApiTokenExistsError,
  ApiTokenExpiryError,
  ApiTokenNameError,
  ApiTokenNotFoundError,
  createApiToken,
  expiryAfterDay,
  listApiTokens,
  revokeApiToken,
  tokenState,
  type ApiToken,
  type ApiTokenRole,
  type TokenActor,
} from '../../records/api-tokens';
import { apiTokenForm, languageQuery, pageQuery, revokeApiTokenForm } from '../forms';
import { text } from '../i18n';
import type { WebKit } from '../kit';
import type { SecretariatSession } from '../secretariat-session';
import { doneMessage } from './done-messages';

interface Typed {
  name?: string;
  role?: string;
  expires?: string;
}

export async function tokenPages(instance: FastifyInstance, { kit, session }: { kit: WebKit; session: SecretariatSession }) {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  const { page, config } = kit;
  const { requireSecretariat, secretariatContext, signedIn } = session;
  const records = kit.deps.records;
  const orgId = config.organisation.id;
  const when = (date: Date | undefined, lang: Language, otherwise: string) => (date ? formatDate(date.toISOString(), kit.zone, lang, true) : otherwise);
  /** A token works through the day before the instant it expires: the day the secretariat chose. */
  const lastDay = (expiresAt: Date, lang: Language) => formatDate(new Date(expiresAt.getTime() - 1).toISOString(), kit.zone, lang);
  const roleText = (role: ApiTokenRole, lang: Language) => text(lang, role === 'reader' ? 'tokensRoleReader' : 'tokensRoleSecretariat');
  const actorOf = (request: FastifyRequest): TokenActor => {
    const account = signedIn(request);
    return { actor: account ? `${account.displayName} (${account.name})` : 'web', via: account?.name.startsWith('sso:') ? 'sso' : 'web' };
  };
  const apiExample = `${kit.deps.publicBaseUrl.replace(/\/$/, '')}${kit.basePath}/api/v1/openapi.json`;

  const row = (t: ApiToken, lang: Language) => {
    const state = tokenState(t, kit.now());
    const stateText = state === 'revoked' ? text(lang, 'tokensStateRevoked', { when: when(t.revokedAt, lang, ''), by: t.revokedBy ?? '' }) : text(lang, state === 'expired' ? 'tokensStateExpired' : 'tokensStateActive');
    return {
      cells: [
        { text: t.name },
        { text: roleText(t.role, lang) },
        { text: `${when(t.createdAt, lang, '')}, ${t.createdBy}` },
        { text: t.expiresAt ? lastDay(t.expiresAt, lang) : text(lang, 'tokensNoExpiry') },
        { text: when(t.lastUsedAt, lang, text(lang, 'tokensNever')) },
        { text: stateText, attention: state === 'expired' },
      ],
    };
  };

  const render = async (request: FastifyRequest, reply: FastifyReply, status: number, extra: { typed?: Typed; errors?: { field: string; message: string }[]; created?: { name: string; token: string } } = {}) => {
    const context = secretariatContext(request, reply);
    const lang = context.lang;
    if (!records) return page(reply, status, 'tokens', context, { heading: text(lang, 'tokensTitle'), intro: text(lang, 'tokensNoRecords') });
    const tokens = await listApiTokens(records, { org: orgId });
    const inUse = tokens.filter((t) => !t.revokedAt);
    const errorOf = (field: string) => extra.errors?.find((e) => e.field === field)?.message;
    const typed = extra.typed ?? {};
    return page(reply, status, 'tokens', context, {
      heading: text(lang, 'tokensTitle'),
      intro: text(lang, 'tokensIntro'),
      done: doneMessage(lang, request.query),
      ...(extra.created
        ? { created: { heading: text(lang, 'tokensCreatedHeading', { name: extra.created.name }), shownOnce: text(lang, 'tokensShownOnce'), token: extra.created.token, usage: text(lang, 'tokensUsage'), example: apiExample } }
        : {}),
      table: {
        caption: text(lang, 'tokensInUse'),
        columns: [text(lang, 'tokensName'), text(lang, 'tokensRole'), text(lang, 'tokensCreated'), text(lang, 'tokensExpires'), text(lang, 'tokensLastUsed'), text(lang, 'tokensState')],
        empty: text(lang, 'tokensNone'),
        rows: tokens.map((t) => row(t, lang)),
      },
      forms: [
        {
          id: 'add-token',
          heading: text(lang, 'tokensAddHeading'),
          help: text(lang, 'tokensAddHelp'),
          action: '/tokens',
          submit: text(lang, 'tokensAddButton'),
          errors: extra.errors ?? [],
          fields: [
            { name: 'name', label: text(lang, 'tokensName'), type: 'text', required: true, value: typed.name ?? '', error: errorOf('name') },
            {
              name: 'role',
              label: text(lang, 'tokensRole'),
              type: 'radio',
              required: true,
              error: errorOf('role'),
              options: API_TOKEN_ROLES.map((r) => ({ value: r, label: roleText(r, lang), selected: (typed.role ?? 'reader') === r })),
            },
            { name: 'expires', label: text(lang, 'tokensExpiresLabel'), help: text(lang, 'tokensExpiresHelp'), type: 'date', value: typed.expires ?? '', error: errorOf('expires') },
          ],
        },
        ...(inUse.length
          ? [
              {
                id: 'revoke-token',
                heading: text(lang, 'tokensRevokeHeading'),
                help: text(lang, 'tokensRevokeHelp'),
                action: '/tokens/revoke',
                submit: text(lang, 'tokensRevokeButton'),
                danger: true,
                fields: [{ name: 'name', label: text(lang, 'tokensName'), type: 'select', required: true, options: [{ value: '', label: text(lang, 'chooseOne') }, ...inUse.map((t) => ({ value: t.name, label: t.name }))] }],
              },
            ]
          : []),
      ],
    });
  };

  app.get('/tokens', { onRequest: requireSecretariat, schema: { querystring: pageQuery } }, async (request, reply) => render(request, reply, 200));

  // Answered with the page itself, not a redirect: the token is shown this once and kept nowhere.
  app.post('/tokens', { onRequest: requireSecretariat, schema: { querystring: languageQuery, body: apiTokenForm }, preHandler: app.csrfProtection, config: { auditedByRoute: true } }, async (request, reply) => {
    const lang = session.secretariatLanguage(request);
    if (!records) return render(request, reply, 404);
    const typed = { name: request.body.name ?? '', role: request.body.role ?? '', expires: request.body.expires ?? '' };
    const errors: { field: string; message: string }[] = [];
    const role = API_TOKEN_ROLES.find((r) => r === typed.role);
    if (!role) errors.push({ field: 'role', message: text(lang, 'chooseOne') });
    let expiresAt: Date | undefined;
    try {
      if (typed.expires.trim()) expiresAt = expiryAfterDay(typed.expires, kit.zone);
    } catch (err) {
      if (!(err instanceof ApiTokenExpiryError)) throw err;
      errors.push({ field: 'expires', message: text(lang, 'tokensBadExpiry') });
    }
    if (!typed.name.trim()) errors.push({ field: 'name', message: text(lang, 'tokensBadName') });
    if (errors.length || !role) return render(request, reply, 400, { typed, errors });
    try {
      const { token, row } = await createApiToken(records, { name: typed.name, role, org: orgId, ...(expiresAt ? { expiresAt } : {}) }, actorOf(request), kit.now());
      return render(request, reply, 200, { created: { name: row.name, token } });
    } catch (err) {
      if (err instanceof ApiTokenNameError) return render(request, reply, 400, { typed, errors: [{ field: 'name', message: text(lang, 'tokensBadName') }] });
      if (err instanceof ApiTokenExistsError) return render(request, reply, 409, { typed, errors: [{ field: 'name', message: text(lang, 'tokensNameTaken') }] });
      if (err instanceof ApiTokenExpiryError) return render(request, reply, 400, { typed, errors: [{ field: 'expires', message: text(lang, 'tokensBadExpiry') }] });
      throw err;
    }
  });

  app.post('/tokens/revoke', { onRequest: requireSecretariat, schema: { querystring: languageQuery, body: revokeApiTokenForm }, preHandler: app.csrfProtection, config: { auditedByRoute: true } }, async (request, reply) => {
    const lang = session.secretariatLanguage(request);
    if (!records) return render(request, reply, 404);
    const name = request.body.name ?? '';
    try {
      if (!name.trim()) throw new ApiTokenNotFoundError('no name');
      await revokeApiToken(records, { name, org: orgId }, actorOf(request), kit.now());
    } catch (err) {
      if (!(err instanceof ApiTokenNotFoundError)) throw err;
      const context = secretariatContext(request, reply);
      return kit.page(reply, 404, 'message', context, { heading: text(lang, 'tokensRevokeHeading'), body: text(lang, 'tokensChoose') });
    }
    return reply.redirect("/tokens?done=token-revoked", 303);
  });
}
