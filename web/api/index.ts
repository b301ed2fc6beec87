/**
 * The HTTP API under /api/v1, for the organisation's other systems (its case management system,
 * intranet, integration platform): JSON reads of what the secretariat's pages show, and the same
 * actions as their forms, each through the same client operation and checks. One module per
 * resource. Its OpenAPI 3.1 document is generated from the routes' zod schemas
 * (/api/v1/openapi.json) and browsable at /api/v1/docs, with every asset served from here.
 * Every error is RFC 9457 problem+json in the caller's language; every write is in the audit log.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { text } from '../i18n';
import { auditLogRoutes } from './audit-log';
import { createApiContext, type ApiOptions } from './context';
import { cycleRoutes } from './cycles';
import { obligationRoutes } from './obligations';
import { ApiProblem, PROBLEM_KINDS, problemOf, sendProblem, type ProblemKind } from './problems';
import { registerRoutes } from './registers';
import { reportRoutes } from './reports';

export const API_PREFIX = '/api/v1';

/** The reference page runs Swagger UI's own scripts and styles from here, nothing from elsewhere. */
const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Registered under the organisation's path with { prefix: API_PREFIX }. */
export async function apiV1(app: FastifyInstance, options: ApiOptions) {
  const api = createApiContext(options);
  const { kit } = options;
  const org = kit.config.organisation;

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `policy-followup API: ${org.name}`,
        version: '1.0.0',
        description:
          'The policy follow-up of the organisation for its other systems: obligations, cycles and answers, registers, reports and the audit log to read; the secretariat\'s actions to take. Authenticate with `Authorization: Bearer <API token>`. Lists are paged (`limit`, `cursor`; follow `next`). Errors are RFC 9457 problem details (application/problem+json), in Swedish or English by Accept-Language.',
      },
      servers: [{ url: kit.deps.publicBaseUrl.replace(/\/$/, '') }],
      components: { securitySchemes: { apiToken: { type: 'http', scheme: 'bearer', description: 'An API token (followup tokens add NAME --role reader|secretariat)' } } },
      security: [{ apiToken: [] }],
      tags: [
        { name: 'obligations', description: 'What the policy obliges, and when each obligation next runs' },
        { name: 'cycles', description: 'A data call\'s cycles, their units\' states and answers' },
        { name: 'registers', description: 'Projects, seminars, agreements, events, yearly goals and revisions' },
        { name: 'reports', description: 'Compiled reports and their files' },
        { name: 'audit-log', description: 'Who did what' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  app.setNotFoundHandler((request, reply) => sendProblem(reply, problemOf(request, api.lang(request), 'not-found')));
  app.setErrorHandler((error: Error & { statusCode?: number; validationContext?: string }, request, reply) => {
    const lang = api.lang(request);
    if (error instanceof ApiProblem) return sendProblem(reply, problemOf(request, lang, error.kind, error.detailText, error.errors));
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.map((v) => ({ in: error.validationContext ?? 'request', field: v.instancePath.replace(/^\//, '').replace(/\//g, '.'), message: v.message ?? '' }));
      return sendProblem(reply, problemOf(request, lang, 'bad-request', undefined, errors));
    }
    const known = Object.entries(PROBLEM_KINDS).find(([, status]) => status === error.statusCode)?.[0] as ProblemKind | undefined;
    // Fastify's own 400s (a JSON body that does not parse, an empty one): its words beside the general detail.
    if (known && known !== 'server-error') return sendProblem(reply, problemOf(request, lang, known, undefined, known === 'bad-request' ? [{ in: 'body', field: '', message: error.message }] : undefined));
    // Too large, too many, a media type we do not read: Fastify's words, as a problem.
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(reply, { type: 'about:blank', title: error.message, status: error.statusCode, detail: error.message, instance: request.url.split('?')[0] ?? request.url });
    }
    request.log.error({ err: error, url: request.url.split('?')[0] }, 'API request failed');
    return sendProblem(reply, problemOf(request, lang, 'server-error', `${text(lang, 'apiProblem_serverErrorDetail')}`));
  });

  // Every write in the audit log, by the integration, once it is done.
  app.addHook('onResponse', async (request, reply) => {
    const action = request.routeOptions.config?.auditAction;
    if (!action || reply.statusCode >= 400) return;
    await api.audit(request, reply, action);
  });

  // The document and its reference page, open to anyone who can reach the API: they describe, they hold nothing.
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    // The page's links to its assets: under the API's path (and the organisation's, where it has one).
    indexPrefix: `${kit.basePath}${API_PREFIX}`,
    staticCSP: DOCS_CSP,
    uiConfig: { url: `${kit.basePath}${API_PREFIX}/openapi.json`, deepLinking: true, validatorUrl: null },
    theme: { title: `policy-followup API: ${org.name}` },
  });

  // Everything else needs credentials of this organisation.
  await app.register(async (secured) => {
    secured.addHook('preHandler', options.authenticate);
    await secured.register(obligationRoutes, { api, options });
    await secured.register(cycleRoutes, { api, options });
    await secured.register(registerRoutes, { api, options });
    await secured.register(reportRoutes, { api, options });
    await secured.register(auditLogRoutes, { api, options });
  });
}
