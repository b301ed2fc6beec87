/**
 * What every resource module of the API shares: the web's kit (organisation, Temporal client,
 * archive, database of record), who calls (the integration the token names), the caller's
 * language, and the errors of the client operations said as problems.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CycleArchivedError, CycleNotFoundError, RejectedError } from '../../client/cycles';
import { GoalsArchivedError } from '../../client/yearly-goals';
import { describeFieldError, type FieldError } from '../../domain/answers';
import { Refusal } from '../../domain/refusals';
import type { Language, Questionnaire } from '../../domain/types';
import { recordAction } from '../../records/audit-log';
import { auditActorOf, type ApiActor } from '../api-auth';
import { text } from '../i18n';
import type { WebKit } from '../kit';
import { ApiProblem, apiLanguage, type ProblemError } from './problems';

type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface ApiOptions {
  kit: WebKit;
  /** Sets request.apiActor from the request's credentials, or answers 401 as a problem (web/api-auth.ts). */
  authenticate: Guard;
  /** After authenticate: answers 403 as a problem unless the caller may act. */
  requireSecretariat: Guard;
}

/** Ids of the organisation's things, as the web's routes take them. */
export const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);
export const periodSchema = z.string().regex(/^\d{4}(-[A-Z0-9]{1,8})?$/);
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date, YYYY-MM-DD');
export const bilingual = z.object({ sv: z.string(), en: z.string() });

export function createApiContext({ kit }: ApiOptions) {
  const { config } = kit;
  const orgId = config.organisation.id;
  const lang = (request: FastifyRequest): Language => apiLanguage(request, kit.orgLanguage);
  /** The integration calling; the authentication before every route has made sure there is one, of this organisation. */
  const actorOf = (request: FastifyRequest): ApiActor => {
    if (!request.apiActor) throw new ApiProblem('unauthorized');
    return request.apiActor;
  };
  /** How the workflows' histories name who acted: "api:<integration>", or a signed-in person as the web's forms do. */
  const byOf = (request: FastifyRequest) => {
    actorOf(request);
    return auditActorOf(request).actor;
  };
  const notFound = () => new ApiProblem('not-found');
  const unitName = (unitId: string) => ({ sv: kit.unitName(unitId, 'sv'), en: kit.unitName(unitId, 'en') });
  const assertUnit = (request: FastifyRequest, unitId: string, field = 'unitId') => {
    if (config.units.some((u) => u.id === unitId)) return;
    const message = text(lang(request), 'apiUnknownUnit', { unit: unitId });
    throw new ApiProblem('unprocessable', message, [{ in: 'body', field, message }]);
  };
  /** A registration's problems (domain/registers' checks), refused before anything is started. */
  const refuseProblems = (problems: { field: string; message: string }[]) => {
    if (problems.length) throw new ApiProblem('unprocessable', undefined, problems.map((p) => ({ in: 'body', field: p.field, message: p.message })));
  };
  /**
   * The client operations' errors as problems: a refusal of the workflow is a conflict (409) said
   * in the caller's language, one of the data a 422 with its fields; something not registered 404.
   */
  const asProblem = (request: FastifyRequest, err: unknown, questionnaire: Questionnaire = []): unknown => {
    const language = lang(request);
    if (err instanceof RejectedError) {
      if (err.type === Refusal.InvalidAnswer) {
        const errors: ProblemError[] = (err.fieldErrors as FieldError[]).map((e) => ({ in: 'body', field: `answers.${e.field}`, message: describeFieldError(e, questionnaire, language) }));
        return new ApiProblem('unprocessable', err.in(language), errors);
      }
      if (err.type === Refusal.InvalidRegistration) return new ApiProblem('unprocessable', err.in(language));
      return new ApiProblem('conflict', err.in(language));
    }
    if (err instanceof CycleNotFoundError || (err as Error)?.name === 'NotRegisteredError') return new ApiProblem('not-found');
    if (err instanceof CycleArchivedError) {
      const title = config.obligations.find((o) => o.id === err.key.obligationId)?.title[language] ?? err.key.obligationId;
      return new ApiProblem('conflict', text(language, 'cycleArchivedRefused', { obligation: title, period: err.key.period }));
    }
    if (err instanceof GoalsArchivedError) return new ApiProblem('conflict', text(language, 'goalsArchivedRefused', { year: err.year }));
    return err;
  };
  /** Runs a client operation, its errors turned into problems. */
  const acting = async <T>(request: FastifyRequest, run: () => Promise<T>, questionnaire?: Questionnaire): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw asProblem(request, err, questionnaire);
    }
  };
  /** A write done: in the audit log under the integration's name, by the API. */
  const audit = async (request: FastifyRequest, reply: FastifyReply, action: string) => {
    const records = kit.deps.records;
    if (!records) return;
    if (!request.apiActor) return;
    const who = auditActorOf(request);
    await recordAction(records, {
      at: kit.now(),
      actor: who.actor,
      via: who.via,
      action,
      subject: request.url.split('?')[0] ?? request.url,
      detail: { org: orgId, method: request.method, status: reply.statusCode, role: request.apiActor.role, ...who.detail },
    }).catch((err: Error) => request.log.error({ err, url: request.url }, 'the action is done but not in the audit log'));
  };
  return { kit, config, orgId, lang, actorOf, byOf, notFound, unitName, assertUnit, refuseProblems, asProblem, acting, audit };
}

export type ApiContext = ReturnType<typeof createApiContext>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A write of the API: what the audit log calls it (the API's own hook writes the entry). */
    auditAction?: string;
  }
}
