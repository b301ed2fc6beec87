/**
 * No English in a Swedish mail or document: every Swedish mail template rendered with a full
 * context and with a sparse one (every {{#if}} both ways), and the compiled reports (the data
 * call's and the seminars', as HTML, Markdown, Word and a tagged PDF read back with pdf.js), read
 * against every English text of the catalogues and the English mail templates
 * (test/helpers/english-texts.ts). The report names an escalated unit's head by the unit's title.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mammoth from 'mammoth';
import { emptyRegister } from '../../activities/register-reader';
import { createRenderer } from '../../activities/renderer';
import { loadConfigFile } from '../../config/load';
import { obligationOf, type OrganisationConfig } from '../../config/schema';
import { planCycle } from '../../domain/calendar';
import type { UnitStatus } from '../../domain/types';
import { activitiesFor } from '../helpers/activities';
import { englishIn, englishPhrases } from '../helpers/english-texts';
import { PROJECT_ROOT } from '../helpers/environment';
import { readPdf } from '../helpers/pdf';

jest.setTimeout(120_000);

const renderer = createRenderer(path.join(PROJECT_ROOT, 'templates'));
const TEMPLATES = readdirSync(path.join(PROJECT_ROOT, 'templates/mail/sv')).map((f) => f.replace(/\.txt\.hbs$/, ''));

/** Every value any mail template names, as the activities fill them in (Swedish). */
const FULL = {
  org: { name: 'Solna stad' },
  policy: { name: 'den internationella policyn' },
  secretariat: { name: 'Internationella sekretariatet', email: 'internationella.sekretariatet@solna.example' },
  obligation: { id: 'annual-follow-up', title: 'Uppföljning av den internationella policyn', source: 'Policyn, avsnitt 4.2' },
  period: '2026',
  answerUrl: 'https://uppfoljning.solna.example/answer/abc',
  unit: { name: 'Omsorgsförvaltningen' },
  head: { title: 'förvaltningschef' },
  recipient: { name: 'Karin Sandberg', title: 'förvaltningschef' },
  contacts: 'Karin Sandberg, Per Ek',
  deadline: '15 februari 2027',
  reminderNumber: 2,
  escalationStep: { number: 2, of: 3 },
  questions: [
    { heading: 'EU-projekt', headingHelp: 'Projekt med EU-finansiering.', label: 'Vilka EU-projekt har ni?', required: true, help: 'Namn och program.', optionHelp: [{ label: 'Ja', help: 'Om minst ett projekt pågår.' }] },
    { label: 'Övrigt internationellt arbete', required: false },
  ],
  answer: { rows: [{ heading: 'EU-projekt', label: 'Vilka EU-projekt har ni?', value: 'Interreg Östersjön\nErasmus+' }], answeredAt: '3 februari 2027 10:15', revision: 2, corrected: true, bySecretariat: true },
  registered: ['Skolutbyte Tartu (EU, 2027-05-01, Tartu)'],
  registersUrl: 'https://uppfoljning.solna.example/unit/xyz',
  registers: 'seminarier och projekt',
  project: { id: 'skolutbyte-tartu', title: 'Skolutbyte Tartu', unit: 'Omsorgsförvaltningen', owner: 'Pia Lund', plannedStart: '1 maj 2027' },
  gate: { before: 'före projektstart', requires: ['mål', 'budget', 'utvärderingsmetoder'] },
  goalsUrl: 'https://uppfoljning.solna.example/goals/abc',
  goals: [{ heading: 'Mål', label: 'Projektets mål', value: 'Fler elever på utbyte' }],
  comment: 'Målen behöver mätbara indikatorer.',
  event: { title: 'Besök från Tartu', date: '12 mars 2027', endDate: '14 mars 2027', place: 'Solna stadshus', unit: 'Kultur- och fritidsförvaltningen', concerned: 'Anna Berg', description: 'Delegationen besöker skolor.' },
  reason: 'Delegationen kunde inte resa.',
  agreement: { title: 'Vänortsavtal Tartu', partner: 'Tartu stad', unit: 'Kultur- och fritidsförvaltningen', owner: 'Anna Berg', endsOn: '31 december 2027' },
  decideUrl: 'https://uppfoljning.solna.example/agreement/abc',
  due: '31 december 2027',
  owner: 'Internationella sekretariatet',
  term: true,
  decision: { body: 'Kommunfullmäktige', decidedOn: '20 november 2026', paragraph: '§ 112', revised: true, goals: [{ label: 'Fler internationella utbyten' }] },
  body: 'Kommunfullmäktige',
  year: 2027,
  minimum: 2,
  held: 1,
  counted: 1,
  met: true,
  planned: [{ date: '5 oktober 2027', title: 'Nordiskt möte', place: 'Bryssel (BE)', role: 'arrangör', unit: 'Omsorgsförvaltningen' }],
  today: '1 september 2027',
  summary: { asked: 6, answered: 4 },
  recipients: 'kommunfullmäktige och internationella kommittén',
  exempt: 'Omorganisation',
  board: { name: 'Omsorgsnämnden' },
};

/** The same with every optional value gone: the other way of each {{#if}}. */
const SPARSE = {
  ...FULL,
  recipient: { name: 'Karin Sandberg' },
  escalationStep: undefined,
  questions: [{ label: 'Vilka EU-projekt har ni?', required: false, optionHelp: [] }],
  answer: undefined,
  registered: [],
  registersUrl: undefined,
  goalsUrl: undefined,
  decideUrl: undefined,
  term: false,
  reason: undefined,
  event: { ...FULL.event, endDate: undefined, concerned: undefined, description: undefined },
  decision: { ...FULL.decision, revised: false },
  met: false,
  planned: [],
  exempt: undefined,
};

test('the English list is read from every catalogue and the English mails, and finds English where it is', () => {
  const phrases = englishPhrases();
  expect(phrases.length).toBeGreaterThan(400);
  // web/i18n.ts, the report's labels, the preview's notes, the answers' messages, an English mail's line.
  const expected = ['Save draft', 'Compliance at a glance', 'Answers by question', 'Seminars that count', 'has not answered the follow-up of', 'The preview assumes nobody answers'];
  expect(expected.filter((e) => !phrases.some((p) => p.includes(e)))).toEqual([]);
  // No Swedish text is in it: a word both languages share, a name, is not.
  expect(phrases).not.toContain('Spara utkast');
  expect(phrases.filter((p) => /^(PDF|Excel|SHA-256|Markdown)$/.test(p))).toEqual([]);
});

describe('every Swedish mail template', () => {
  test.each(TEMPLATES)('%s: no English, with every value and with only those it needs', (template) => {
    const found: string[] = [];
    for (const [how, context] of [['full', FULL], ['sparse', SPARSE]] as const) {
      const mail = renderer.mail(template, 'sv', context);
      found.push(...englishIn(`${template} (${how})`, `${mail.subject}\n${mail.text}`));
    }
    expect(found).toEqual([]);
    // The check reads what it should: the same mail in English is found out.
    const english = renderer.mail(template, 'en', FULL);
    expect(englishIn(template, `${english.subject}\n${english.text}`)).not.toEqual([]);
  });
});

describe('the compiled reports in Swedish', () => {
  // Solna's workspace, with Tekniska as a company: its head is its managing director.
  const config = structuredClone(loadConfigFile(path.join(PROJECT_ROOT, 'test/fixtures/workspace.yaml'))) as OrganisationConfig;
  config.units.find((u) => u.id === 'tekniska')!.kind = 'company';
  const key = { orgId: config.organisation.id, obligationId: 'annual-follow-up', period: '2026' };
  const plan = planCycle(obligationOf(config, 'periodic-data-call').calendar, 'annual', '2026', 'Europe/Stockholm');
  const archiveDir = mkdtempSync(path.join(tmpdir(), 'followup-no-english-'));
  const seminar = (id: string, date: string, title: string, role: 'organiser' | 'participant') => ({ id, date, title, place: 'Bryssel', country: 'BE', role, unitId: 'omsorg', registeredAt: '2026-01-10T10:00:00Z' });
  const register = (orgId: string) => ({ ...emptyRegister(orgId), seminars: [seminar('s1', '2026-03-12', 'Nordiskt möte om integration', 'organiser'), seminar('s2', '2026-10-01', 'Åbo-dagen', 'participant')] });
  const activities = activitiesFor([config], archiveDir, { clock: () => new Date('2027-03-01T08:00:00Z'), register });
  const outcome = (unitId: string, overrides: Partial<UnitStatus>): UnitStatus => ({ unitId, state: 'requested', closed: true, plan, remindersSentAt: [], mailProblems: [], ...overrides });
  const values = { eu_projects: 'Interreg Östersjön, pågående', other_work: 'Studiebesök i Tallinn', effects: 'Nya arbetssätt', reported_to_board: true };

  /** A file of the archive as a reader gets its text: the PDF read back with pdf.js, the Word document with mammoth. */
  async function readBack(file: string): Promise<string> {
    const full = path.join(archiveDir, file);
    if (file.endsWith('.pdf')) return readPdf(full).pages.map((p) => p.text).join('\n');
    if (file.endsWith('.docx')) return (await mammoth.extractRawText({ path: full })).value;
    return readFileSync(full, 'utf8');
  }

  test("the data call's report, in every format, has no English and names each escalated unit's head by its title", async () => {
    const outcomes = [
      outcome('omsorg', { state: 'answered', answer: { values, answeredAt: plan.opensAt, by: 'contact', revision: 1 } }),
      outcome('barn-utbildning', { state: 'answered', answer: { values, answeredAt: plan.deadlineAt, by: 'secretariat', revision: 2 } }),
      outcome('kultur-fritid', { state: 'escalated', remindersSentAt: plan.reminderTimes, escalatedAt: plan.escalationAt }),
      outcome('tekniska', { state: 'escalated', remindersSentAt: plan.reminderTimes, escalatedAt: plan.escalationAt }),
      outcome('miljo-byggnad', { state: 'exempt', exempt: { reason: 'Omorganisation', at: plan.opensAt } }),
      outcome('socialforvaltningen', { mailProblems: [{ kind: 'reminder', sequence: 1, address: 'nekad@solna.example', error: '550 Mailbox unavailable', at: plan.opensAt }] as UnitStatus['mailProblems'] }),
    ];
    const parts = [await activities.stageOutcomes({ key, part: 0, outcomes })];
    const report = await activities.compileReport({ key, closedAt: plan.closesAt, parts, at: '2027-03-02T10:00:00Z' });
    const found: string[] = [];
    for (const file of [report.html, report.markdown, report.docx, report.pdf]) {
      expect(file).toBeDefined();
      const text = await readBack(file!);
      found.push(...englishIn(file!, text));
      // The company's head is its managing director, the department's its head of department.
      expect([file, /Eskalerad till verkställande direktör/.test(text), /Eskalerad till förvaltningschef/.test(text)]).toEqual([file, true, true]);
    }
    expect(found).toEqual([]);
  });

  test("the seminars' report, in every format, has no English", async () => {
    const obligationId = config.obligations.find((o) => o.kind === 'minimum-occurrences')!.id;
    const report = await activities.compileOccurrencesReport({ orgId: config.organisation.id, obligationId, year: 2026, at: '2026-12-31T10:00:00Z' });
    const found: string[] = [];
    for (const file of [report.html, report.markdown, report.docx, report.pdf]) {
      const text = await readBack(file);
      expect(text.replace(/\s+/g, ' ')).toContain('Nordiskt möte om integration');
      found.push(...englishIn(file, text));
    }
    expect(found).toEqual([]);
  });
});
