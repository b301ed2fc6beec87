/** The workspace's pure parts: CSV for Swedish Excel, the owners' signed links, single sign-on settings. */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadConfigs, pickOrganisation } from '../../config/load';
import { PROJECT_ROOT } from '../../config/environment';
import { readEnvironment, singleSignOnOf } from '../../config/environment';
import { createAnswerLinks } from '../../domain/answer-links';
import { checkProjectChange, type ProjectRegistration } from '../../domain/registers';
import { neutralised } from '../../exports/csv';
import { sheetToCsv } from '../../exports/workbook';
import { peopleFromText } from '../../web/obligations/event-notices';
import { projectFromForm } from '../../web/obligations/gate-before-start';

const links = createAnswerLinks('a-secret-of-at-least-thirty-two-characters!');

test('CSV opens right in Swedish Excel: BOM, semicolons, quotes and line breaks kept, formulas neutralised', () => {
  const csv = sheetToCsv({ name: 'Lista', columns: [{ header: 'Namn' }, { header: 'Plats' }], rows: [['Möte; "Norden"\nrad två', '=SUM(A1:A9)'], ['+46 8', '@Solna']] }, 'Europe/Stockholm');
  expect(csv.startsWith('\uFEFF')).toBe(true);
  const rows = parse(csv.slice(1), { delimiter: ';' }) as string[][];
  expect(rows).toEqual([
    ['Namn', 'Plats'],
    ['Möte; "Norden"\nrad två', "'=SUM(A1:A9)"],
    ["'+46 8", "'@Solna"],
  ]);
  expect(neutralised('-1')).toBe("'-1");
  expect(neutralised('Åtta')).toBe('Åtta');
});

test("an owner's link opens only what it was made for, until it expires", () => {
  const now = new Date('2026-12-03T10:00:00Z');
  const token = links.ownerToken({ purpose: 'project-goals', orgId: 'solna', id: 'erasmus-2027', expiresAt: '2027-12-03T10:00:00Z' });
  expect(links.checkOwner(token, 'project-goals', now)).toEqual({ ok: true, claims: { purpose: 'project-goals', orgId: 'solna', id: 'erasmus-2027', expiresAt: '2027-12-03T10:00:00.000Z' } });
  // The same signature is no agreement link, no unit link and no answer link.
  expect(links.checkOwner(token, 'agreement-review', now)).toEqual({ ok: false, reason: 'forged' });
  expect(links.checkOwner(token, 'unit-registers', now)).toEqual({ ok: false, reason: 'forged' });
  expect(links.check(token, now).ok).toBe(false);
  expect(links.checkOwner(token, 'project-goals', new Date('2028-01-01T00:00:00Z'))).toEqual({ ok: false, reason: 'expired' });
  expect(links.checkOwner(`${token}x`, 'project-goals', now).ok).toBe(false);
  expect(links.checkOwner('../../etc', 'project-goals', now)).toEqual({ ok: false, reason: 'malformed' });
  // Mailed to its owner: the page compares the holder with whoever owns it now.
  const held = links.ownerToken({ purpose: 'agreement-review', orgId: 'solna', id: 'vanort-tartu', expiresAt: '2027-12-03T10:00:00Z', holder: 'Sofia.Bergstrom@solna.example' });
  expect(links.checkOwner(held, 'agreement-review', now)).toMatchObject({ ok: true, claims: { holder: 'sofia.bergstrom@solna.example' } });
  // Whose link it is, expired or not, is told only for what it was signed for.
  expect(links.organisationOf(held, 'agreement-review')).toBe('solna');
  expect(links.organisationOf(held, 'project-goals')).toBeUndefined();
  const answer = links.token({ key: { orgId: 'falun', obligationId: 'annual-follow-up', period: '2026' }, unitId: 'kultur', expiresAt: '2020-01-01T00:00:00Z' });
  expect(links.organisationOf(answer, 'answer')).toBe('falun');
  expect(links.organisationOf(answer, 'unit-registers')).toBeUndefined();
  expect(links.organisationOf(`${answer}x`, 'answer')).toBeUndefined();
});

test('single sign-on is set with all three settings or none, and says which is missing', () => {
  expect(singleSignOnOf(readEnvironment({}))).toBeUndefined();
  const env = readEnvironment({
    FOLLOWUP_OIDC_ISSUER: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
    FOLLOWUP_OIDC_CLIENT_ID: 'client',
    FOLLOWUP_OIDC_CLIENT_SECRET: 'secret',
    FOLLOWUP_OIDC_SECRETARIAT_ROLES: 'Followup.Secretariat, Internationella.Sekretariatet',
  });
  expect(singleSignOnOf(env)).toMatchObject({ roleClaim: 'roles', secretariatValues: ['Followup.Secretariat', 'Internationella.Sekretariatet'], readerValues: ['Followup.Reader'] });
  expect(() => singleSignOnOf(readEnvironment({ FOLLOWUP_OIDC_ISSUER: 'https://idp.example' }))).toThrow(/FOLLOWUP_OIDC_CLIENT_ID and FOLLOWUP_OIDC_CLIENT_SECRET together/);
  expect(() => readEnvironment({ FOLLOWUP_OIDC_ISSUER: 'ftp://idp.example' })).toThrow(/FOLLOWUP_OIDC_ISSUER/);
});

test('a deployment serves a folder of organisations; a command names one when there are several', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'followup-orgs-'));
  for (const org of ['solna', 'falun']) copyFileSync(path.join(PROJECT_ROOT, `config/examples/${org}.yaml`), path.join(folder, `${org}.yaml`));
  const configs = loadConfigs(folder);
  expect(configs.map((c) => c.organisation.id)).toEqual(['falun', 'solna']);
  expect(pickOrganisation(configs, 'solna', folder).organisation.name).toBe('Solna stad');
  expect(() => pickOrganisation(configs, undefined, folder)).toThrow(/serves several organisations \(falun, solna\); name one with --org/);
  expect(() => pickOrganisation(configs, 'boras', folder)).toThrow(/has no organisation "boras"/);
  copyFileSync(path.join(folder, 'solna.yaml'), path.join(folder, 'solna-copy.yaml'));
  expect(() => loadConfigs(folder)).toThrow(/"solna" is also the id in/);
  expect(loadConfigs(path.join(PROJECT_ROOT, 'config/examples/solna.yaml'))).toHaveLength(1);
});

test('forms become registrations: an id from the title, partners one a line, people as Name <e-mail>', () => {
  const project = projectFromForm({ title: 'Skolutbyte Göteborg–Tartu', plannedStart: '2027-03-01', partners: 'Tartu linn\n\nTallinna Ülikool; Riga', ownerName: ' Pia ', ownerEmail: 'pia@x.se', euFunded: 'on' }, 'omsorg');
  expect(project).toMatchObject({ id: 'skolutbyte-goteborg-tartu-2027', partners: ['Tartu linn', 'Tallinna Ülikool', 'Riga'], owner: { name: 'Pia', email: 'pia@x.se' }, euFunded: true, stage: 'project' });
  expect(peopleFromText('Anna Berg <anna@x.se>\n  \nPer')).toEqual([{ name: 'Anna Berg', email: 'anna@x.se' }, { name: 'Per', email: '' }]);
  const current: ProjectRegistration = { ...project };
  expect(checkProjectChange(current, { plannedStart: '2027-09-01' })).toEqual([]);
  expect(checkProjectChange(current, { id: 'other' })[0]!.field).toBe('change');
  expect(checkProjectChange(current, { plannedEnd: '2026-01-01' })[0]!.field).toBe('plannedEnd');
});
