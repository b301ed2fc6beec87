/**
 * OAuth 2.0 client credentials from the organisation's identity provider (Microsoft Entra ID app
 * roles), for systems that have an identity there instead of an API token: the system asks the
 * provider for an access token to our application and sends it as a Bearer token. It is checked
 * here with jose: its signature against the provider's keys (the JWKS its discovery document
 * names), its issuer, its audience (our application) and its expiry. The app roles it was granted
 * (the "roles" claim) give its role; its application id ("azp", or "appid" in Entra's v1 tokens)
 * gives its name, as the operator named it in the configuration.
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { Role } from './accounts';

export interface ApplicationSettings {
  /** The tokens' audiences we take: our application's client id and its application id URI (api://…). */
  audiences: readonly string[];
  /** App roles that let an application read, and that let it act as the secretariat. */
  readerRoles: readonly string[];
  secretariatRoles: readonly string[];
  /** The integrations by their application (client) id: the name the audit log shows, and the organisations they reach. */
  clients: readonly KnownApplication[];
}

export interface KnownApplication {
  appId: string;
  name: string;
  /** None: every organisation of a deployment of one. */
  organisations?: readonly string[];
}

export interface VerifiedApplication {
  appId: string;
  /** The configured name, else the application id. */
  name: string;
  role: Role;
  /** Where the configuration names them; undefined where it does not. */
  organisations?: readonly string[];
}

export type ApplicationRefusal =
  | 'provider-unreachable'
  | 'bad-signature'
  | 'unknown-key'
  | 'wrong-audience'
  | 'wrong-issuer'
  | 'expired'
  | 'malformed'
  | 'delegated'
  | 'no-role';

export class ApplicationTokenError extends Error {
  override name = 'ApplicationTokenError';
  constructor(
    readonly reason: ApplicationRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** Signature algorithms an identity provider signs access tokens with (Entra: RS256); never "none" or a shared secret. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

interface Discovered {
  issuer: string;
  keys: ReturnType<typeof createRemoteJWKSet>;
}

export function createApplicationVerifier(issuer: string, settings: ApplicationSettings) {
  let discovered: Promise<Discovered> | undefined;
  /** The provider's discovery document, read on first use and kept; one that cannot be read is tried again next time. */
  const discover = () => {
    discovered ??= (async () => {
      const where = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      const response = await fetch(where, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`${where} answered ${response.status}`);
      const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
      if (typeof document.issuer !== 'string' || typeof document.jwks_uri !== 'string') throw new Error(`${where} names no issuer or jwks_uri`);
      return { issuer: document.issuer, keys: createRemoteJWKSet(new URL(document.jwks_uri), { timeoutDuration: 10_000 }) };
    })().catch((err: Error) => {
      discovered = undefined;
      throw new ApplicationTokenError('provider-unreachable', `The identity provider at ${issuer} cannot be reached to check the token (${err.message}). Try again in a while; the operator checks FOLLOWUP_OIDC_ISSUER and the network.`);
    });
    return discovered;
  };

  const roleOf = (payload: JWTPayload): Role | undefined => {
    const roles = Array.isArray(payload.roles) ? payload.roles.map(String) : [];
    if (roles.some((r) => settings.secretariatRoles.includes(r))) return 'secretariat';
    if (roles.some((r) => settings.readerRoles.includes(r))) return 'reader';
    return undefined;
  };

  return {
    /** Checks an access token; throws ApplicationTokenError with why it is refused. */
    async verify(jwt: string): Promise<VerifiedApplication> {
      const { issuer: expectedIssuer, keys } = await discover();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(jwt, keys, { issuer: expectedIssuer, audience: [...settings.audiences], algorithms: ALGORITHMS, clockTolerance: 60, requiredClaims: ['exp'] }));
      } catch (err) {
        throw refusalOf(err, settings.audiences, expectedIssuer);
      }
      // A token a person's sign-in got for an application (delegated, with "scp") is not the application's own.
      if (payload.scp !== undefined) throw new ApplicationTokenError('delegated', 'The token was issued on behalf of a person (it has "scp"); the API takes an application\'s own token, got with the client credentials grant.');
      const appId = String(payload.azp ?? payload.appid ?? payload.client_id ?? payload.sub ?? '');
      const role = roleOf(payload);
      if (!appId) throw new ApplicationTokenError('malformed', 'The token names no application (azp, appid or client_id).');
      const known = settings.clients.filter((c) => c.appId === appId);
      if (!role) {
        throw new ApplicationTokenError(
          'no-role',
          `The application ${known[0]?.name ?? appId} has none of the app roles ${[...settings.secretariatRoles, ...settings.readerRoles].join(', ')}. An administrator grants one to it in the identity provider (Entra ID: the application's API permissions, with admin consent).`,
        );
      }
      const organisations = known.some((c) => !c.organisations) ? undefined : known.length ? known.flatMap((c) => c.organisations ?? []) : undefined;
      return { appId, name: known[0]?.name ?? appId, role, ...(organisations ? { organisations } : {}) };
    },
  };
}

export type ApplicationVerifier = ReturnType<typeof createApplicationVerifier>;

function refusalOf(err: unknown, audiences: readonly string[], issuer: string): ApplicationTokenError {
  if (err instanceof ApplicationTokenError) return err;
  const code = (err as { code?: string }).code;
  const claim = (err as { claim?: string }).claim;
  if (code === 'ERR_JWT_EXPIRED') return new ApplicationTokenError('expired', 'The access token has expired; get a new one from the identity provider.');
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'aud')
    return new ApplicationTokenError('wrong-audience', `The access token is for another application; ask the identity provider for one to ${audiences.join(' or ')} (scope "${audiences[audiences.length - 1]}/.default").`);
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'iss') return new ApplicationTokenError('wrong-issuer', `The access token was not issued by ${issuer}, the organisation's identity provider.`);
  if (code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') return new ApplicationTokenError('unknown-key', "The access token is signed with a key the organisation's identity provider does not publish.");
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return new ApplicationTokenError('bad-signature', "The access token's signature does not hold.");
  if (code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JOSE_GENERIC') return new ApplicationTokenError('provider-unreachable', `The identity provider's keys could not be read to check the token (${(err as Error).message}). Try again in a while.`);
  return new ApplicationTokenError('malformed', `The access token cannot be read as a signed token (${(err as Error).message}).`);
}
