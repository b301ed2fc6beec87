/**
 * A real OpenID Provider (node-oidc-provider, OpenID Certified) standing in for Microsoft Entra ID
 * in tests. Run as its own process, because the library is ESM-only. Its people and the client
 * come as JSON in argv; it prints "listening PORT" when ready. Like Entra's app roles, a person's
 * roles come in the ID token's "roles" claim.
 */
import Provider from 'oidc-provider';

const { port, people, client } = JSON.parse(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: client.id,
      client_secret: client.secret,
      redirect_uris: client.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  pkce: { required: () => true },
  claims: { openid: ['sub', 'roles'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
  // Entra ID puts the person's claims in the ID token itself.
  conformIdTokenClaims: false,
  findAccount: (_ctx, id) => {
    const person = people[id];
    if (!person) return undefined;
    return { accountId: id, claims: () => ({ sub: person.sub ?? id, name: person.name, preferred_username: person.username ?? id, email: person.email, email_verified: person.emailVerified ?? false, roles: person.roles }) };
  },
  // An organisation's own application is consented to by its administrator, as in Entra ID.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email');
    grant.addOIDCClaims(['roles', 'name', 'preferred_username', 'email', 'email_verified']);
    await grant.save();
    return grant;
  },
  cookies: { keys: ['test-provider-cookie-key-0123456789'] },
});
provider.proxy = false;
const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
