/**
 * A rule between fields of the questionnaire ("of which" ≤ "in all") as a contact meets it: the
 * workflow's update validator refuses the answer, and the form comes back in Swedish with the
 * problem beside the field and everything typed kept. The request mail shows an option's help.
 * On a real dev server, worker and SMTP server, through the real app.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { startCycle, unitStatus } from '../../client/cycles';
import { loadConfigFile } from '../../config/load';
import type { OrganisationConfig } from '../../config/schema';
import type { CycleKey } from '../../domain/ids';
import { buildWebApp } from '../../web/app';
import { createTestWorker, devServer, SOLNA_CONFIG, type TestWorker } from '../helpers/environment';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { answerLinkIn, FormSession, testWebDeps } from '../helpers/web';

jest.setTimeout(180_000);

const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const l = (sv: string, en: string) => ({ sv, en });

/** Solna's follow-up with project counts, a rule between them and a choice with help on an option. */
function withRules(): OrganisationConfig {
  const config = structuredClone(loadConfigFile(SOLNA_CONFIG)) as OrganisationConfig;
  const followUp = config.obligations.find((o) => o.id === key.obligationId) as Extract<OrganisationConfig['obligations'][number], { kind: 'periodic-data-call' }>;
  followUp.questionnaire.push(
    { id: 'all_projects', type: 'number', integer: true, required: false, label: l('Antal internationella projekt', 'Number of international projects') },
    { id: 'eu_count', type: 'number', integer: true, required: false, label: l('varav EU-projekt', 'of which EU projects') },
    {
      id: 'funding',
      type: 'choice',
      required: false,
      label: l('Finansiering', 'Funding'),
      options: [
        { value: 'own', label: l('Egen budget', 'Own budget') },
        { value: 'external', label: l('Extern', 'External'), help: l('Bidrag från EU, staten eller en stiftelse.', 'Grants from the EU, the state or a foundation.') },
      ],
    },
  );
  followUp.questionnaireRules = [{ kind: 'atMost', field: 'eu_count', max: 'all_projects', message: l('kan inte vara fler än alla internationella projekt.', 'cannot be more than all international projects.') }];
  return config;
}

let env: TestWorkflowEnvironment;
let smtp: TestSmtpServer;
let tw: TestWorker;
let app: FastifyInstance;

beforeAll(async () => {
  [env, smtp] = await Promise.all([devServer(), startTestSmtpServer()]);
  const config = withRules();
  tw = await createTestWorker(env, smtp.url, { configs: [config], publicBaseUrl: 'https://uppfoljning.solna.example' });
  app = await buildWebApp(await testWebDeps(config, env.client, tw, 'regel mellan fält'));
  await startCycle(env.client, tw.taskQueue, key, 'test');
  await smtp.waitFor(7, 60_000);
});

afterAll(async () => {
  await app?.close();
  await tw?.stop();
  await smtp?.close();
  await env?.teardown();
});

test('"of which" over "in all" is refused beside its field in Swedish, with everything typed kept; within the rule it goes through', async () => {
  const mail = smtp.to('karin.sandberg@solna.example')[0]!.mail.text ?? '';
  expect(mail).toContain('   – Extern: Bidrag från EU, staten eller en stiftelse.');
  const url = new URL(answerLinkIn(mail)).pathname;
  const browser = new FormSession(app);
  const form = await browser.get(`${url}?lang=sv`);
  expect(form.body).toContain('<dt>Extern</dt><dd>Bidrag från EU, staten eller en stiftelse.</dd>');

  const answer = { action: 'submit', lang: 'sv', eu_projects: 'Interreg Baltic', other_work: 'Vänort i Tartu', effects: 'Nya kontakter', reported_to_board: 'true', all_projects: '2', eu_count: '3', funding: 'external' };
  const refused = await browser.submit(`${url}?lang=sv`, url, answer);
  expect(refused.statusCode).toBe(400);
  expect(refused.body).toContain('<p class="error" id="error-eu_count">varav EU-projekt: kan inte vara fler än alla internationella projekt.</p>');
  expect(refused.body).toContain('<a href="#field-eu_count">varav EU-projekt: kan inte vara fler än alla internationella projekt.</a>');
  expect(refused.body).toMatch(/<input id="field-eu_count" name="eu_count" type="text" inputmode="numeric" value="3"[^>]* aria-invalid="true"/);
  expect(refused.body).toContain('value="2"');
  expect(refused.body).toContain('>Interreg Baltic</textarea>');
  expect(refused.body).toContain('<option value="external" selected>');
  expect(refused.body).not.toMatch(/cannot be more/);
  expect((await unitStatus(env.client, key, 'omsorg')).answer).toBeFalsy();

  const accepted = await browser.submit(`${url}?lang=sv`, url, { ...answer, eu_count: '2' });
  expect(accepted.statusCode).toBe(303);
  expect((await unitStatus(env.client, key, 'omsorg')).answer).toMatchObject({ values: { all_projects: 2, eu_count: 2, funding: 'external' } });
});
