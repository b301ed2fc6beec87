/**
 * An identity provider as a system meets it with the client credentials grant, reduced to what the
 * API checks: a discovery document and the keys it names (JWKS), served over HTTP on a free port,
 * and access tokens signed with a key made here, shaped like Entra ID's v2 application tokens (iss,
 * aud, azp, roles, exp, idtyp "app"). `signWithUnpublishedKey` signs with a key the JWKS does not hold.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export interface AccessTokenIssuer {
  issuer: string;
  /** How many times the keys were fetched. */
  jwksFetches(): number;
  sign(claims: JWTPayload & { aud: string; azp: string; roles?: string[] }, options?: { expiresIn?: string | number; issuer?: string }): Promise<string>;
  signWithUnpublishedKey(claims: JWTPayload & { aud: string; azp: string; roles?: string[] }): Promise<string>;
  stop(): Promise<void>;
}

export async function startAccessTokenIssuer(): Promise<AccessTokenIssuer> {
  const published = await generateKeyPair('RS256', { extractable: true });
  const unpublished = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(published.publicKey)), kid: 'published-key', alg: 'RS256', use: 'sig' };
  let fetches = 0;
  let issuer = '';
  const server = createServer((request, response) => {
    const send = (body: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.url === '/.well-known/openid-configuration') return send({ issuer, jwks_uri: `${issuer}/discovery/keys`, token_endpoint: `${issuer}/oauth2/token`, id_token_signing_alg_values_supported: ['RS256'] });
    if (request.url === '/discovery/keys') {
      fetches += 1;
      return send({ keys: [jwk] });
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signed = (key: CryptoKey, kid: string, claims: JWTPayload, options: { expiresIn?: string | number; issuer?: string } = {}) =>
    new SignJWT({ idtyp: 'app', ver: '2.0', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? issuer)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '1h')
      .setSubject(String(claims.azp))
      .sign(key);
  return {
    issuer,
    jwksFetches: () => fetches,
    sign: (claims, options) => signed(published.privateKey, 'published-key', claims, options),
    signWithUnpublishedKey: (claims) => signed(unpublished.privateKey, 'another-key', claims),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
