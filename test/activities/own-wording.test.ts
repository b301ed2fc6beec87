/**
 * A municipality's own words, set in its config file with no change in the project: the gate's
 * subject, the unit head's title and what the policy requires before a start, and the report's
 * project headings reach the real SMTP mail and the compiled report; the request offers only the
 * registers the policy has.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { parseConfigText } from '../../config/load';
import { obligationOf, type OrganisationConfig } from '../../config/schema';
import { emptyRegister } from '../../activities/register-reader';
import { planCycle } from '../../domain/calendar';
import type { ProjectRegistration, ProjectSummary } from '../../domain/registers';
import { activitiesFor } from '../helpers/activities';
import { SOLNA_CONFIG } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

/** Parsed YAML, changed as a person would change the file: any key, any depth. */
interface Yaml {
  [key: string]: Yaml | Yaml[] | string | number | boolean | undefined;
}

/** Solna's file with a change made to its parsed YAML, checked as `config check` checks it. */
function solnaWith(change: (doc: Yaml) => void): OrganisationConfig {
  const doc = parse(readFileSync(SOLNA_CONFIG, 'utf8')) as Yaml;
  change(doc);
  return parseConfigText(stringify(doc), 'solna-own-words.yaml');
}

const obligation = (doc: Yaml, id: string) => (doc.obligations as { id: string }[]).find((o) => o.id === id) as Yaml;

const own = solnaWith((doc) => {
  // Omsorg run as a municipal company: its head is its managing director, by the kind of unit.
  (doc.units as Yaml[]).find((u) => u.id === 'omsorg')!.kind = 'company';
  doc.wording = { headTitles: { department: { sv: 'direktör för förvaltningen', en: 'director of the department' } } };
  Object.assign(obligation(doc, 'project-goals'), {
    subjects: { 'goals-request': { sv: 'Projektdirektiv före start: {{project.title}} ({{project.unit}})', en: 'Project brief before start: {{project.title}}' } },
    requires: [
      { sv: 'Projektets syfte och mål', en: "The project's purpose and goals" },
      { sv: 'En budget', en: 'A budget' },
    ],
  });
  (obligation(doc, 'annual-follow-up').report as Yaml).headings = { euProjects: { sv: 'Projekt med EU-stöd', en: 'EU-funded projects' }, otherProjects: { sv: 'Övriga projekt med partner utomlands', en: 'Other projects with partners abroad' } };
});

const project = (id: string, unitId: string, title: string): ProjectRegistration => ({
  id,
  title,
  unitId,
  owner: { name: 'Pia Lund', email: 'pia.lund@solna.example' },
  plannedStart: '2026-04-01',
  partners: ['Tartu'],
  euFunded: id === 'eu',
});
const summary = (p: ProjectRegistration): ProjectSummary => ({ ...p, stage: 'project', state: 'ongoing', startedWithoutApproval: false, registeredAt: '2026-01-10T09:00:00Z', obligationId: 'project-goals' });

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
});
afterAll(() => smtp.close());
beforeEach(() => {
  smtp.received.length = 0;
});

const at = '2026-03-02T08:00:00Z';

test("the gate's own subject reaches the owner's mail; the template's where none is set", async () => {
  const activities = activitiesFor([own], mkdtempSync(path.join(tmpdir(), 'followup-words-')), { smtpUrl: smtp.url });
  await activities.sendProjectMail({ orgId: 'solna', obligationId: 'project-goals', project: project('tartu', 'kultur-fritid', 'Vänort Tartu'), kind: 'goals-request', sequence: 1, at });
  await activities.sendProjectMail({ orgId: 'solna', obligationId: 'project-goals', project: project('tartu', 'kultur-fritid', 'Vänort Tartu'), kind: 'goals-reminder', sequence: 2, at });
  const toOwner = smtp.to('pia.lund@solna.example').map((m) => m.subject);
  expect(toOwner).toEqual(['Projektdirektiv före start: Vänort Tartu (Kultur- och fritidsförvaltningen)', 'Påminnelse: mål före start för Vänort Tartu']);
});

test("the head's mail on a start without approval: the title by the unit's kind or the organisation's words, and the policy's own list", async () => {
  const activities = activitiesFor([own], mkdtempSync(path.join(tmpdir(), 'followup-words-')), { smtpUrl: smtp.url });
  await activities.sendProjectMail({ orgId: 'solna', obligationId: 'project-goals', project: project('a', 'omsorg', 'Omsorg i Tartu'), kind: 'start-without-approval', sequence: 1, at });
  await activities.sendProjectMail({ orgId: 'solna', obligationId: 'project-goals', project: project('b', 'tekniska', 'Gator i Tartu'), kind: 'start-without-approval', sequence: 1, at });
  const company = smtp.to('eva.lundgren@solna.example')[0]!.mail.text!;
  expect(company).toContain('Som verkställande direktör: se till att beskrivningen kommer in');
  expect(company).not.toContain('förvaltningschef');
  expect(company).toContain('Policyn kräver att följande är fastställt innan ett internationellt projekt startar:\n- Projektets syfte och mål\n- En budget\n');
  const department = smtp.to('gunnar.sjoberg@solna.example')[0]!.mail.text!;
  expect(department).toContain('Som direktör för förvaltningen: se till');
});

test("without a list of its own, the head's mail lists the gate questionnaire's required questions", async () => {
  const solna = solnaWith(() => undefined);
  const activities = activitiesFor([solna], mkdtempSync(path.join(tmpdir(), 'followup-words-')), { smtpUrl: smtp.url });
  await activities.sendProjectMail({ orgId: 'solna', obligationId: 'project-goals', project: project('b', 'tekniska', 'Gator i Tartu'), kind: 'start-without-approval', sequence: 1, at });
  const text = smtp.to('gunnar.sjoberg@solna.example')[0]!.mail.text!;
  expect(text).toContain('- Syfte\n- Mål\n- Aktiviteter\n- Parternas åtaganden\n- Tidplan\n- Utvärderingsmetoder\n');
  expect(text).toContain('Som förvaltningschef: se till');
});

test("the report's own project headings, in the compiled HTML, Markdown and the delivery's attachment", async () => {
  const register = { ...emptyRegister('solna'), projects: [summary(project('eu', 'omsorg', 'Interreg Smart Cities')), summary(project('other', 'tekniska', 'Vänort Tartu'))] };
  const archiveDir = mkdtempSync(path.join(tmpdir(), 'followup-words-'));
  const activities = activitiesFor([own], archiveDir, { smtpUrl: smtp.url, register: () => register });
  const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2026' };
  const plan = planCycle(obligationOf(own, 'periodic-data-call').calendar, 'annual', '2026', 'Europe/Stockholm');
  const parts = [await activities.stageOutcomes({ key, part: 0, outcomes: [{ unitId: 'omsorg', state: 'requested', closed: true, plan, remindersSentAt: [], mailProblems: [] }] })];
  const report = await activities.compileReport({ key, closedAt: plan.closesAt, parts, at: '2027-03-02T10:00:00Z' });
  const markdown = readFileSync(path.join(archiveDir, report.markdown), 'utf8');
  expect(markdown).toMatch(/### Projekt med EU-stöd\n\n- Interreg Smart Cities/);
  expect(markdown).toMatch(/### Övriga projekt med partner utomlands\n\n- Vänort Tartu/);
  // A heading not set keeps the product's.
  expect(markdown).toContain('## Registrerade projekt');
  expect(markdown).not.toContain('Andra internationella projekt');
  expect(readFileSync(path.join(archiveDir, report.html), 'utf8')).toContain('<h3>Övriga projekt med partner utomlands</h3>');
  await activities.deliverReport({ key, closedAt: plan.closesAt, report });
  const delivered = smtp.received.find((m) => m.envelopeTo.includes('internationella.sekretariatet@solna.example'))!;
  const html = delivered.mail.attachments.find((a) => a.filename?.endsWith('.html'))!;
  expect(html.content.toString('utf8')).toContain('<h3>Projekt med EU-stöd</h3>');
});

describe("the escalation addresses each of the ladder's people by their own title", () => {
  // Omsorg is a company (above); the ladder goes to its contact, then its head, then the director's role.
  const ladder = solnaWith((doc) => {
    (doc.units as Yaml[]).find((u) => u.id === 'omsorg')!.kind = 'company';
    doc.wording = { headTitles: { department: { sv: 'direktör för förvaltningen', en: 'director of the department' } } };
    doc.roles = { director: { name: { sv: 'Kommundirektör', en: 'Chief executive' }, email: 'kommundirektor@solna.example' } };
    obligation(doc, 'annual-follow-up').escalation = [
      { after: 'P3D', to: ['contact'] },
      { after: 'P7D', to: ['head'], cc: ['secretariat'] },
      { after: 'P10D', to: ['role:director'] },
    ] as unknown as Yaml[];
  });
  const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2026' };
  const plan = planCycle(obligationOf(ladder, 'periodic-data-call').calendar, 'annual', '2026', 'Europe/Stockholm');
  const escalate = async (config: OrganisationConfig, unitId: string, step?: number) => {
    const activities = activitiesFor([config], mkdtempSync(path.join(tmpdir(), 'followup-words-')), { smtpUrl: smtp.url });
    await activities.sendUnitMail({ key, unitId, kind: 'escalation', sequence: (step ?? 0) + 1, ...(step === undefined ? {} : { step }), at: plan.escalationAt, plan, closesAt: plan.closesAt });
  };
  const textTo = (address: string) => smtp.to(address)[0]!.mail.text!;

  test('the director by the role, the head by its title, the contact by none', async () => {
    await escalate(ladder, 'omsorg', 2);
    const director = textTo('kommundirektor@solna.example');
    expect(director).toContain('Som kommundirektör ber vi dig se till att svaret kommer in.');
    expect(director).not.toMatch(/förvaltningschef|verkställande direktör/);
    await escalate(ladder, 'omsorg', 1);
    expect(textTo('eva.lundgren@solna.example')).toContain('Som verkställande direktör ber vi dig se till att svaret kommer in.');
    // The secretariat in copy gets the head's mail as it is.
    expect(textTo('internationella.sekretariatet@solna.example')).toContain('Som verkställande direktör ber vi dig');
    await escalate(ladder, 'omsorg', 0);
    const contact = textTo('karin.sandberg@solna.example');
    expect(contact).toContain('\nVi ber dig se till att svaret kommer in.');
    expect(contact).not.toContain('Som ');
  });

  test("without a ladder the head, by the organisation's title for a department", async () => {
    await escalate(own, 'tekniska');
    expect(textTo('gunnar.sjoberg@solna.example')).toContain('Som direktör för förvaltningen ber vi dig se till att svaret kommer in.');
  });

  test('in English, the role by its name', async () => {
    const english = structuredClone(ladder);
    english.roles!.director!.language = 'en';
    await escalate(english, 'omsorg', 2);
    expect(textTo('kommundirektor@solna.example')).toContain('As chief executive, please make sure the answer arrives.');
  });
});

describe("the request mail offers only the registers the policy has", () => {
  const requestText = async (config: OrganisationConfig) => {
    const activities = activitiesFor([config], mkdtempSync(path.join(tmpdir(), 'followup-words-')), { smtpUrl: smtp.url });
    const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2026' };
    const plan = planCycle(obligationOf(config, 'periodic-data-call').calendar, 'annual', '2026', 'Europe/Stockholm');
    await activities.sendUnitMail({ key, unitId: 'tekniska', kind: 'request', sequence: 1, at: plan.opensAt, plan, closesAt: plan.closesAt });
    return smtp.received[0]!.mail.text!;
  };

  test('seminars and projects where the policy has both', async () => {
    expect(await requestText(own)).toContain('Registrera enhetens seminarier och projekt när som helst under året här:');
  });

  test('projects only where it has no seminar minimum', async () => {
    const text = await requestText(solnaWith((doc) => (doc.obligations = (doc.obligations as { kind: string }[]).filter((o) => o.kind !== 'minimum-occurrences'))));
    expect(text).toContain('Registrera enhetens projekt när som helst under året här:');
    expect(text).not.toContain('seminarier');
  });

  test('no line at all where it keeps neither', async () => {
    const text = await requestText(solnaWith((doc) => (doc.obligations = (doc.obligations as { kind: string }[]).filter((o) => o.kind === 'periodic-data-call'))));
    expect(text).not.toContain('Registrera enhetens');
    expect(text).toContain('Svara i formuläret på den här länken:');
  });
});
