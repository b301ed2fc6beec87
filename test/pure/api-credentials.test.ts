/** The settings of the API's credentials, as an operator writes them: client credentials from the environment, a token's name and last day. */
import { readEnvironment, singleSignOnOf } from '../../config/environment';
import { checkedTokenName, expiryAfterDay, tokenState } from '../../records/api-tokens';

const SSO = {
  FOLLOWUP_OIDC_ISSUER: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
  FOLLOWUP_OIDC_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
  FOLLOWUP_OIDC_CLIENT_SECRET: 'secret',
};

test('client credentials: our client id and api:// URI as audiences, Followup.Read and Followup.Write, integrations named by application id', () => {
  expect(singleSignOnOf(readEnvironment(SSO))?.applications).toEqual({
    audiences: ['11111111-2222-3333-4444-555555555555', 'api://11111111-2222-3333-4444-555555555555'],
    readerRoles: ['Followup.Read'],
    secretariatRoles: ['Followup.Write'],
    clients: [],
  });
  const named = singleSignOnOf(readEnvironment({ ...SSO, FOLLOWUP_API_AUDIENCES: 'api://uppfoljning.solna.se', FOLLOWUP_API_CLIENTS: 'aaaa-1=Public 360, bbbb-2 = Intranätet @ falun' }))?.applications;
  expect(named?.audiences).toEqual(['api://uppfoljning.solna.se']);
  expect(named?.clients).toEqual([
    { appId: 'aaaa-1', name: 'Public 360' },
    { appId: 'bbbb-2', name: 'Intranätet', organisations: ['falun'] },
  ]);
  expect(() => singleSignOnOf(readEnvironment({ ...SSO, FOLLOWUP_API_CLIENTS: 'Public 360' }))).toThrow(/FOLLOWUP_API_CLIENTS: "Public 360" is not APP_ID=NAME or APP_ID=NAME@ORG/);
});

test("a token's name is a readable name; its last day is whole, in the organisation's time zone", () => {
  expect(checkedTokenName('  Public   360 ')).toBe('Public 360');
  expect(checkedTokenName('Ärendehantering_2')).toBe('Ärendehantering_2');
  expect(() => checkedTokenName('<script>')).toThrow(/cannot be a token's name/);
  expect(() => checkedTokenName('')).toThrow(/cannot be a token's name/);
  const expiresAt = expiryAfterDay('2027-06-30', 'Europe/Stockholm');
  expect(expiresAt.toISOString()).toBe('2027-06-30T22:00:00.000Z');
  expect(tokenState({ expiresAt }, new Date('2027-06-30T21:59:59Z'))).toBe('active');
  expect(tokenState({ expiresAt }, new Date('2027-06-30T22:00:00Z'))).toBe('expired');
  expect(tokenState({ expiresAt, revokedAt: new Date('2027-01-01') }, new Date('2027-01-02'))).toBe('revoked');
  expect(() => expiryAfterDay('30/6 2027', 'Europe/Stockholm')).toThrow(/write the last day the token works as YYYY-MM-DD/);
  expect(() => expiryAfterDay('2027-02-30', 'Europe/Stockholm')).toThrow(/is not a date/);
});
