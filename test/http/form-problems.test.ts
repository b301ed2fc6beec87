/**
 * What a form sends that does not hold (a unit or obligation that does not exist, a choice that is
 * none of the form's) is the form's problem: a 400 with the form again, the problem beside its
 * field and what was typed kept, never "try again later" or an error in the log. And the notice
 * after an action names units only by the names the configuration gives them, whatever a link says.
 * On a real dev server and worker, through the real app.
 */
import type { FastifyInstance } from 'fastify';
import { readRegister } from '../../client/registers';
import type { OrganisationConfig } from '../../config/schema';
import type { CycleKey } from '../../domain/ids';
import { buildWebApp } from '../../web/app';
import { loadConfigFile } from '../../config/load';
import { SOLNA_CONFIG, testAnswerLinks } from '../helpers/environment';
import { FormSession, startWebTestbed, type WebTestbed } from '../helpers/web';

jest.setTimeout(120_000);

const PASSWORD = 'fel värde i rätt fält';
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const NO_SUCH_OBLIGATION = 'Det åtagandet finns inte (längre). Ladda om sidan och välj ett av dem som finns.';
/** Words of whoever made the link, which the secretariat must never read as the service's. */
const FOREIGN = 'Ring 08-123 45 67 och uppge ert BankID';

let testbed: WebTestbed;
let app: FastifyInstance;
/** Solna with a second gate, so that the project forms ask which one. */
let twoGates: FastifyInstance;

const solna = loadConfigFile(SOLNA_CONFIG);
/** A unit's standing link as its first contact gets it in the request mail. */
const unitLink = (unitId: string) =>
  `/unit/${testAnswerLinks.ownerToken({ purpose: 'unit-registers', orgId: 'solna', id: unitId, expiresAt: '2099-01-01T00:00:00Z', holder: solna.units.find((u) => u.id === unitId)!.contacts[0]!.email })}`;
const errorsLogged = () => testbed.logLines.filter((l) => /"level":(50|60)/.test(l)).length;
const project = { title: 'Vänort Tartu', id: '', ownerName: 'Anna Berg', ownerEmail: 'anna.berg@solna.example', plannedStart: '2027-09-01', plannedEnd: '', partners: 'Tartu stad' };

async function signedIn(on: FastifyInstance): Promise<FormSession> {
  const secretariat = new FormSession(on);
  const signIn = await secretariat.submit('/login', '/login', { username: 'sekretariatet', password: PASSWORD, next: '/dashboard' });
  expect(signIn.statusCode).toBe(303);
  return secretariat;
}

beforeAll(async () => {
  testbed = await startWebTestbed(key, PASSWORD);
  app = testbed.app;
  const config = structuredClone(testbed.deps.config) as OrganisationConfig;
  const gate = config.obligations.find((o) => o.id === 'project-goals')!;
  config.obligations.push({ ...structuredClone(gate), id: 'cofunding-check', title: { sv: 'Medfinansiering prövad', en: 'Co-funding checked' } });
  twoGates = await buildWebApp({ ...testbed.deps, config });
});

afterAll(async () => {
  await twoGates?.close();
  await testbed?.close();
});

describe('a value that does not hold is a 400 with the problem beside its field', () => {
  test("a unit link's project under an obligation that does not exist", async () => {
    const before = errorsLogged();
    const unit = new FormSession(twoGates);
    const page = await unit.get(unitLink('omsorg'));
    expect(page.body).toContain('<select id="register-project-obligation" name="obligation"');
    const sent = await unit.submit(unitLink('omsorg'), `${unitLink('omsorg')}/projects`, { ...project, obligation: 'finns-inte' });
    expect(sent.statusCode).toBe(400);
    expect(sent.body).toContain(`<p class="error" id="register-project-obligation-error">${NO_SUCH_OBLIGATION}</p>`);
    expect(sent.body).toMatch(/<select id="register-project-obligation" name="obligation" aria-required="true" aria-invalid="true"/);
    expect(sent.body).toContain('name="title" type="text" value="Vänort Tartu"');
    expect(sent.body).toContain('>Tartu stad</textarea>');
    // Not the page of an outage.
    expect(sent.body).not.toContain('systemet inte svarar');

    // With one gate the form does not ask; a value sent anyway is refused all the same.
    const one = new FormSession(app);
    const alone = await one.submit(unitLink('omsorg'), `${unitLink('omsorg')}/projects`, { ...project, obligation: 'finns-inte' });
    expect(alone.statusCode).toBe(400);
    expect(alone.body).toContain(NO_SUCH_OBLIGATION);
    expect(alone.body).toContain('name="title" type="text" value="Vänort Tartu"');

    // And a role that is none of the form's, on the unit's seminar form.
    const seminar = await one.submit(unitLink('omsorg'), `${unitLink('omsorg')}/seminars`, { title: 'Sommarseminarium', date: '2027-06-10', place: 'Solna', country: 'SE', role: 'chef' });
    expect(seminar.statusCode).toBe(400);
    expect(seminar.body).toContain('<p class="error" id="register-seminar-role-error">Välj arrangör, medarrangör eller deltagare.</p>');
    expect(seminar.body).toContain('name="title" type="text" value="Sommarseminarium"');

    expect(errorsLogged()).toBe(before);
    expect((await readRegister(testbed.env.client, 'solna')).projects.filter((p) => p.title === 'Vänort Tartu')).toEqual([]);
  });

  test("the secretariat's forms: a unit, an obligation and a choice that do not exist", async () => {
    const before = errorsLogged();
    const secretariat = await signedIn(twoGates);
    const projectSent = await secretariat.submit('/projects', '/projects', { ...project, unitId: 'finns-inte', obligation: 'finns-inte' });
    expect(projectSent.statusCode).toBe(400);
    expect(projectSent.body).toContain('<p class="error" id="register-project-unitId-error">Välj en enhet.</p>');
    expect(projectSent.body).toContain(`<p class="error" id="register-project-obligation-error">${NO_SUCH_OBLIGATION}</p>`);
    expect(projectSent.body).toContain('name="ownerName" type="text" value="Anna Berg"');

    const seminarSent = await secretariat.submit('/seminars', '/seminars', { title: 'Vårseminarium', date: '2027-04-10', place: 'Solna', country: 'SE', role: 'chef', unitId: 'finns-inte' });
    expect(seminarSent.statusCode).toBe(400);
    expect(seminarSent.body).toContain('<p class="error" id="register-seminar-role-error">Välj arrangör, medarrangör eller deltagare.</p>');
    expect(seminarSent.body).toContain('<p class="error" id="register-seminar-unitId-error">Välj en enhet.</p>');
    expect(seminarSent.body).toContain('name="title" type="text" value="Vårseminarium"');

    const started = await secretariat.submit('/dashboard', '/cycles', { obligation: 'finns-inte', period: '2026' });
    expect(started.statusCode).toBe(400);
    expect(started.body).toContain(`<p class="error" id="start-obligation-error">${NO_SUCH_OBLIGATION}</p>`);
    expect(started.body).toContain('id="start-period" name="period" value="2026"');
    // A period of another rule (Solna's follow-up is yearly) is answered beside the field, in the page's language.
    const tertial = await secretariat.submit('/dashboard', '/cycles', { obligation: 'annual-follow-up', period: '2026-T1' });
    expect(tertial.statusCode).toBe(400);
    expect(tertial.body).toMatch(/<p class="error" id="start-period-error">Uppföljningen gäller ett år: ange perioden som ett år, t\.ex\. \d{4}\.<\/p>/);
    const english = await secretariat.submit('/dashboard?lang=en', '/cycles?lang=en', { obligation: 'annual-follow-up', period: '2026-T1' });
    expect(english.body).toMatch(/<p class="error" id="start-period-error">The follow-up is of a year: give the period as a year, e\.g\. \d{4}\.<\/p>/);

    expect(errorsLogged()).toBe(before);
    expect((await readRegister(testbed.env.client, 'solna')).seminars.filter((s) => s.title === 'Vårseminarium')).toEqual([]);
  });
});

describe('the notice after an action names units by their configured names only', () => {
  const notice = (body: string) => /<p class="notice" role="status">([^<]*)<\/p>/.exec(body)?.[1];

  test('text in the link is never shown; a unit id shows the unit by its name', async () => {
    const secretariat = await signedIn(app);
    const base = '/cycles/annual-follow-up/2025';
    for (const done of ['exempted', 'extended', 'reminded', 'answered']) {
      const foreign = await secretariat.get(`${base}?done=${done}&unit=${encodeURIComponent(FOREIGN)}`);
      expect(foreign.statusCode).toBe(200);
      expect(foreign.body).not.toContain('BankID');
      expect(notice(foreign.body)).toBeUndefined();
    }
    expect(notice((await secretariat.get(`${base}?done=exempted&unit=omsorg`)).body)).toBe('Omsorgsförvaltningen är undantagen.');
    const mixed = await secretariat.get(`${base}?done=reminded&unit=${encodeURIComponent(`omsorg,${FOREIGN},tekniska`)}`);
    expect(notice(mixed.body)).toBe('Påminnelse skickad till: Omsorgsförvaltningen, Tekniska förvaltningen.');
    expect(mixed.body).not.toContain('BankID');

    // Nor elsewhere: the overview and the registers' pages show nothing of the link's text either.
    for (const url of [`/dashboard?done=exempted&unit=${encodeURIComponent(FOREIGN)}`, `/seminars?done=reminded&unit=${encodeURIComponent(FOREIGN)}`, `/projects?done=answered&unit=omsorg`]) {
      const shown = await secretariat.get(url);
      expect(shown.statusCode).toBe(200);
      expect(shown.body).not.toContain('BankID');
      expect(notice(shown.body)).toBeUndefined();
    }
  });
});
