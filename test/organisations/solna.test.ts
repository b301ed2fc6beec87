/**
 * Solna's whole policy for one year on the time-skipping server: the gate before a project starts
 * (goals asked, reminded, returned, approved; a project starting without approval is told to its
 * head), the yearly seminar (warned at a checkpoint while short, the result to the council) and
 * the annual follow-up, whose report opens with the compliance summary drawn from the registers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { closeCycle, startCycle, submitAnswer } from '../../client/cycles';
import { approveGoals, projectStatus, registerProject, returnGoals, submitGoals } from '../../client/projects';
import { readRegister } from '../../client/registers';
import { registerSeminar } from '../../client/seminars';
import { obligationOf } from '../../config/schema';
import { planCycle, planOccurrences } from '../../domain/calendar';
import { useOrganisationRun } from '../helpers/organisation-run';

const organisation = useOrganisationRun('solna');

const goals = (extra = '') => ({
  purpose: 'Stärka stadens arbete med smarta städer.',
  goals: 'Tre pilotprojekt i stadsdelarna.',
  activities: 'Workshops, studiebesök, piloter.',
  partner_commitments: 'Tallinn leder arbetspaket 2, Riga arbetspaket 3.',
  timetable: 'Mars 2027 – juni 2028.',
  evaluation: `Extern utvärdering vid halvtid och slut.${extra}`,
});

test('a year of Solna: project gate, seminar minimum and the annual follow-up with its compliance summary', async () => {
  const run = organisation();
  const { env, config, step } = run;
  const client = run.client;
  const tq = run.tw.taskQueue;
  const year = (await run.now()).getUTCFullYear() + 1;
  const secretariat = 'internationella.sekretariatet@solna.example';

  await step('gate');
  // --- Gate before start: the EU project is defined, returned once, approved. -----------------
  await registerProject(client, tq, config, {
    id: 'interreg-smart-cities',
    title: 'Interreg Smart Cities',
    unitId: 'kultur-fritid',
    owner: { name: 'Anna Ägare', email: 'anna.agare@solna.example' },
    plannedStart: `${year}-03-01`,
    plannedEnd: `${year + 1}-06-30`,
    partners: ['Tallinn', 'Riga'],
    euFunded: true,
  });
  const request = await run.mailTo('anna.agare@solna.example', /^Mål före start: Interreg Smart Cities$/);
  expect(request.mail.text).toContain('4. Parternas åtaganden (obligatorisk)');
  expect(request.mail.text).toContain('Syfte, mål, aktiviteter, parternas åtaganden, tidplan och utvärderingsmetoder ska läggas fast');
  await env.sleep(8 * 86_400_000);
  await run.mailTo('anna.agare@solna.example', /^Påminnelse: mål före start för Interreg Smart Cities$/);

  await expect(submitGoals(client, 'solna', 'interreg-smart-cities', { purpose: 'Bara syftet.' })).rejects.toThrow(/Mål: måste fyllas i/);
  await submitGoals(client, 'solna', 'interreg-smart-cities', goals());
  const review = await run.mailTo(secretariat, /^Att granska: mål för Interreg Smart Cities$/);
  expect(review.mail.text).toContain('Tallinn leder arbetspaket 2');
  await returnGoals(client, 'solna', 'interreg-smart-cities', 'Beskriv hur utvärderingen följer upp effekterna.');
  const returned = await run.mailTo('anna.agare@solna.example', /^Komplettera: mål för Interreg Smart Cities$/);
  expect(returned.mail.text).toContain('Beskriv hur utvärderingen följer upp effekterna.');
  await submitGoals(client, 'solna', 'interreg-smart-cities', goals(' Effekterna följs upp med stadsdelarna.'));
  await until2(() => projectStatus(client, 'solna', 'interreg-smart-cities'), (s) => s.state === 'goals-submitted' && s.goals?.revision === 2);
  await approveGoals(client, 'solna', 'interreg-smart-cities');
  await run.mailTo('anna.agare@solna.example', /^Godkänt: mål för Interreg Smart Cities$/);
  await expect(approveGoals(client, 'solna', 'interreg-smart-cities')).rejects.toThrow(/har inga inlämnade mål att godkänna/);

  await step('second project');
  // A second project never gets its goals in: its head is told when the planned start comes.
  await registerProject(client, tq, config, {
    id: 'erasmus-utbyte',
    title: 'Erasmus+ lärarutbyte',
    unitId: 'barn-utbildning',
    owner: { name: 'Bo Ägare', email: 'bo.agare@solna.example' },
    plannedStart: `${year}-02-01`,
    partners: ['Lyon'],
    euFunded: false,
  });
  await run.mailTo('bo.agare@solna.example', /^Mål före start: Erasmus\+ lärarutbyte$/);
  await expect(registerProject(client, tq, config, { id: 'erasmus-utbyte', title: 'x', unitId: 'omsorg', owner: { name: 'x', email: 'x@solna.example' }, plannedStart: `${year}-02-01`, partners: [], euFunded: false })).rejects.toThrow(/already registered/);
  await expect(registerProject(client, tq, config, { id: 'x', title: 'x', unitId: 'finns-inte', owner: { name: 'x', email: 'x@solna.example' }, plannedStart: `${year}-02-01`, partners: [], euFunded: false })).rejects.toThrow(/no unit "finns-inte"/);

  await step('seminar year');
  // --- The seminar year starts by its schedule's workflow. ---------------------------------------
  await run.skipTo(`${year}-01-01T00:10:00+01:00`);
  const kickoff = await client.workflow.execute('scheduledStartWorkflow', { taskQueue: tq, workflowId: `followup/solna/international-seminar/run-test`, args: [{ orgId: 'solna', obligationId: 'international-seminar' }] });
  expect(kickoff).toEqual({ workflowId: `occurrences/solna/international-seminar/${year}`, outcome: 'started' });
  await registerSeminar(client, tq, config, { date: `${year}-10-14`, title: 'Smart Cities in Europe', place: 'Bryssel', country: 'BE', role: 'co-organiser', unitId: 'kultur-fritid' });
  await registerSeminar(client, tq, config, { date: `${year}-05-20`, title: 'Eurocities årsmöte', place: 'Lissabon', country: 'PT', role: 'participant', unitId: 'omsorg' });
  await expect(registerSeminar(client, tq, config, { date: `${year}-13-01`, title: 'Fel', place: 'Solna', country: 'SE', role: 'organiser', unitId: 'omsorg' })).rejects.toThrow(/date: must be a date/);

  await step('unapproved start');
  await run.skipTo(`${year}-02-02T12:00:00+01:00`);
  const unapproved = await run.mailTo('lars.ekstrom@solna.example', /^Startar utan godkända mål: Erasmus\+ lärarutbyte$/);
  // The secretariat is in copy, and gets the copy in a delivery of its own.
  expect(unapproved.mail.cc).toMatchObject({ value: [{ address: secretariat }] });
  const copy = await run.mailTo(secretariat, /^Startar utan godkända mål: Erasmus\+ lärarutbyte$/);
  expect(copy.messageId).not.toBe(unapproved.messageId);
  await run.skipTo(`${year}-03-02T12:00:00+01:00`);
  await until2(() => projectStatus(client, 'solna', 'interreg-smart-cities'), (s) => s.state === 'ongoing');

  const seminar = obligationOf(config, 'minimum-occurrences');
  const checkpoints = planOccurrences(seminar.checkpoints, year, seminar.sendTime, 'Europe/Stockholm');
  await step('checkpoint 1');
  await run.skipTo(checkpoints.checkpoints[0]!, 3_600_000);
  const warning = await run.mailTo('int.kommitten@solna.example', new RegExp(`^Varning: Internationellt seminarium varje år ${year} – 0 av 1$`));
  expect(warning.mail.text).toContain('Smart Cities in Europe, Bryssel (BE) (medarrangör, Kultur- och fritidsförvaltningen)');
  await run.mailTo(secretariat, /^Varning: Internationellt seminarium/);

  // The annual follow-up of the year is started before its opening, as its schedule would.
  const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: String(year) };
  expect((await startCycle(client, tq, key, 'test')).outcome).toBe('started');
  await step('cycle started');

  await step('checkpoint 2 and result');
  await run.skipTo(checkpoints.checkpoints[1]!, 3_600_000);
  await step('result');
  await run.skipTo(checkpoints.resultAt, 3_600_000);
  await step('result mail');
  const result = await run.mailTo('kf.sekreterare@solna.example', new RegExp(`^Resultat: Internationellt seminarium varje år ${year} – uppfyllt$`));
  expect(result.mail.attachments.map((a) => a.filename)).toEqual([`solna-international-seminar-${year}.pdf`, `solna-international-seminar-${year}.docx`, `solna-international-seminar-${year}.html`]);
  const seminarReport = readFileSync(path.join(run.tw.archiveDir, `solna/international-seminar/solna-international-seminar-${year}.md`), 'utf8');
  expect(seminarReport).toContain('## Resultat: Uppfyllt');
  expect(seminarReport).toContain('| Smart Cities in Europe | Bryssel (BE) | medarrangör | Kultur- och fritidsförvaltningen |');
  expect(seminarReport).toContain('## Övriga registrerade seminarier');
  // Only one warning: at the second checkpoint the seminar had been held.
  expect(run.subjects('int.kommitten@solna.example').filter((s) => s.startsWith('Varning'))).toHaveLength(1);

  await step('annual follow-up');
  // --- The annual follow-up draws on the register. ----------------------------------------------
  const plan = planCycle(obligationOf(config, 'periodic-data-call').calendar, 'annual', String(year), 'Europe/Stockholm');
  await run.skipTo(plan.opensAt, 60_000);
  const ask = await run.mailTo('sofia.bergstrom@solna.example', new RegExp(`^Årlig uppföljning av internationell policy ${year}`));
  expect(ask.mail.text).toContain('Registrerat för Kultur- och fritidsförvaltningen');
  expect(ask.mail.text).toContain(`- Interreg Smart Cities (EU, ${year}-03-01, Tallinn, Riga)`);
  for (const unit of config.units) {
    await submitAnswer(client, key, unit.id, { eu_projects: `${unit.id}: se registret`, other_work: 'Studiebesök', effects: 'Nya arbetssätt' }, 'contact');
  }
  await step('close');
  await closeCycle(client, key, 'test');
  await run.mailTo('kf.sekreterare@solna.example', new RegExp(`^Rapport: Uppföljning av Solna stads internationella policy ${year}$`));
  const report = readFileSync(path.join(run.tw.archiveDir, `solna/annual-follow-up/solna-annual-follow-up-${year}.md`), 'utf8');
  const summary = report.slice(report.indexOf('## Efterlevnad i korthet'), report.indexOf('## Registrerade projekt'));
  expect(summary).toContain('- Svar: **6** / 6');
  expect(summary).toContain(`- Internationella seminarier ${year}: 1 av 1 (kravet uppfyllt)`);
  expect(summary).toContain('- Projekt som startat utan godkända mål: **1: Erasmus+ lärarutbyte**');
  expect(report).toMatch(/### EU-projekt\n\n- Interreg Smart Cities \(Kultur- och fritidsförvaltningen, \d{4}-03-01, pågående\) – Tallinn, Riga/);
  expect(report).toMatch(/### Andra internationella projekt\n\n- Erasmus\+ lärarutbyte/);
  // "Allt internationellt samarbete ska avrapporteras till respektive nämnd": each board gets its unit's part.
  const part = await run.mailTo('kfn@solna.example', new RegExp(`^Kultur- och fritidsförvaltningens del: Årlig uppföljning av internationell policy ${year}$`));
  expect(part.mail.text).toContain('redovisas Kultur- och fritidsförvaltningens del av uppföljningen');
  expect(part.mail.text).toContain('kultur-fritid: se registret');
  expect(part.mail.text).not.toContain('omsorg: se registret');
  for (const board of ['bun', 'omn', 'sn', 'tn', 'mbn']) await run.mailTo(`${board}@solna.example`, /del: Årlig uppföljning av internationell policy/);

  const register = await readRegister(client, 'solna');
  expect(register.projects.map((p) => [p.id, p.state, p.startedWithoutApproval])).toEqual([
    ['interreg-smart-cities', 'ongoing', false],
    ['erasmus-utbyte', 'awaiting-goals', true],
  ]);
  // The owner who never answered was reminded weekly, and nobody else was asked for Bo's goals.
  expect(run.subjects('bo.agare@solna.example').filter((s) => s.startsWith('Påminnelse')).length).toBeGreaterThan(40);
});

async function until2<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`Timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
