/**
 * Single sign-on with OpenID Connect, the way a municipality's Microsoft Entra ID (or any other
 * OpenID Provider) is reached: the authorization code flow with PKCE, state and nonce, through
 * openid-client (OpenID Certified). The person's role comes from a claim (Entra's app roles arrive
 * as "roles"), or else from the account in the accounts file with the person's verified e-mail
 * address; without either the person is told they have no access here.
 */
import * as oidc from 'openid-client';
import type { Role } from './accounts';
import type { ApplicationSettings } from './client-credentials';

export interface SingleSignOnSettings {
  /** The provider's issuer, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0 */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The claim holding the person's roles or groups (Entra: "roles"). */
  roleClaim: string;
  /** Claim values that make a person the secretariat, or a reader. */
  secretariatValues: readonly string[];
  readerValues: readonly string[];
  /** The button's text, e.g. "Solna stads konto"; default "single sign-on" in the page's language. */
  label?: string;
  /** Systems reaching the HTTP API with the provider's access tokens (web/client-credentials.ts). */
  applications?: ApplicationSettings;
}

export interface SingleSignOnPerson {
  /** The provider's subject, stable per person: the session's key. */
  subject: string;
  /** preferred_username, e-mail or subject, lower case: how histories and the accounts file name them. */
  name: string;
  displayName: string;
  role?: Role;
  /**
   * What gave the role: the provider's claim (kept as it was at sign-in), or the accounts-file entry
   * with the person's verified address (read again on every request, so removing it ends their sessions).
   */
  roleFrom?: 'claim' | 'accounts-file';
  /** The person's e-mail address, when the provider vouches for it. */
  email?: string;
}

export class SingleSignOnError extends Error {
  override name = 'SingleSignOnError';
}

const isLoopback = (url: string) => ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);

/** `roleOfAccount`: the role of the account with this e-mail address in the accounts file. */
export function createSingleSignOn(settings: SingleSignOnSettings, redirectUri: string, roleOfAccount: (email: string) => Promise<Role | undefined>) {
  let discovered: Promise<oidc.Configuration> | undefined;
  /** Found on first use and kept; a provider that cannot be reached is tried again next time. */
  const configuration = () => {
    discovered ??= oidc
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, isLoopback(settings.issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .catch((err: Error) => {
        discovered = undefined;
        throw new SingleSignOnError(`The sign-in service at ${settings.issuer} cannot be reached (${err.message}). Check FOLLOWUP_OIDC_ISSUER and the network.`);
      });
    return discovered;
  };

  const roleOf = async (claims: Record<string, unknown>): Promise<Pick<SingleSignOnPerson, 'role' | 'roleFrom'>> => {
    const raw = claims[settings.roleClaim];
    const values = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
    if (values.some((v) => settings.secretariatValues.includes(v))) return { role: 'secretariat', roleFrom: 'claim' };
    if (values.some((v) => settings.readerValues.includes(v))) return { role: 'reader', roleFrom: 'claim' };
    // Only an address the provider has verified may stand for an account: a user name or an
    // unverified address can be chosen by the person themselves at some providers.
    const role = claims.email_verified === true && typeof claims.email === 'string' ? await roleOfAccount(claims.email.toLowerCase()) : undefined;
    return role ? { role, roleFrom: 'accounts-file' } : {};
  };

  return {
    label: settings.label,
    /** Where to send the browser, and what to keep (in a signed cookie) until it comes back. */
    async begin(): Promise<{ url: string; pending: { verifier: string; state: string; nonce: string } }> {
      const config = await configuration();
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid profile email',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, pending: { verifier, state, nonce } };
    },
    /** The provider's answer on the callback URL, checked and exchanged for the person's claims. */
    async complete(callbackUrl: URL, pending: { verifier: string; state: string; nonce: string }): Promise<SingleSignOnPerson> {
      const config = await configuration();
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true });
      const claims = tokens.claims();
      if (!claims) throw new SingleSignOnError('The sign-in service sent no ID token.');
      const name = String(claims.preferred_username ?? claims.email ?? claims.sub).toLowerCase().slice(0, 200);
      const verifiedEmail = claims.email_verified === true && typeof claims.email === 'string' ? claims.email.toLowerCase() : undefined;
      return { subject: claims.sub, name, displayName: String(claims.name ?? name).slice(0, 120), ...(await roleOf(claims as Record<string, unknown>)), ...(verifiedEmail ? { email: verifiedEmail } : {}) };
    },
  };
}

export type SingleSignOn = ReturnType<typeof createSingleSignOn>;
