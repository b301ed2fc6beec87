/**
 * The commands around an organisation's own templates (`organisation.templates`): `followup config
 * check` fails on a file of the folder that replaces nothing, naming the template it was probably
 * meant to replace, and passes once it is renamed; `followup preview` says beside each mail that
 * it comes from the organisation's own template.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../cli/program';
import type { Preview } from '../../preview/mails';
import { SOLNA_CONFIG } from '../helpers/environment';

jest.setTimeout(60_000);

const folder = mkdtempSync(path.join(tmpdir(), 'followup-own-templates-'));
const file = path.join(folder, 'solna.yaml');
writeFileSync(file, readFileSync(SOLNA_CONFIG, 'utf8').replace('  name: Solna stad\n', '  name: Solna stad\n  templates: ./solna-mallar\n'));
const own = (name: string) => path.join(folder, 'solna-mallar', name);
mkdirSync(own('mail/sv'), { recursive: true });
writeFileSync(own('mail/sv/request.txt.hbs'), 'Subject: Solnas uppföljning {{period}}: {{unit.name}}\n\nHej {{recipient.name}},\n\nSolna stads egen förfrågan.\n');

async function followup(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  // No Temporal at this address: the preview shows the mails without registered projects.
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), env: { ...process.env, FOLLOWUP_CONFIG: file, TEMPORAL_ADDRESS: '127.0.0.1:1' } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('config check fails on a misspelt own template, naming the name meant, and passes once it is renamed', async () => {
  writeFileSync(own('mail/sv/start-without-aproval.txt.hbs'), 'Subject: Solna: {{project.title}} startar utan projektdirektiv\n\nHej {{recipient.name}}\n');
  const misspelt = await followup(['config', 'check', file]);
  expect(misspelt.code).toBe(1);
  expect(misspelt.err).toContain(
    'organisation.templates: solna-mallar/mail/sv/start-without-aproval.txt.hbs replaces no template: there is no mail/sv/start-without-aproval.txt.hbs (did you mean start-without-approval.txt.hbs?); mail/sv has agreement-expired.txt.hbs, ',
  );
  expect(misspelt.err).toContain('; rename the file to the name of the template it should replace, or remove it');
  // The hint for missing templates is not given: nothing is missing.
  expect(misspelt.err).not.toContain('add the missing templates');
  expect(misspelt.out).toBe('');

  renameSync(own('mail/sv/start-without-aproval.txt.hbs'), own('mail/sv/start-without-approval.txt.hbs'));
  const renamed = await followup(['config', 'check', file]);
  expect(renamed.err).toBe('');
  expect(renamed.code).toBe(0);
  expect(renamed.out).toContain(`${file}: OK — Solna stad`);
});

test('config check fails on an own mail template without its subject line', async () => {
  writeFileSync(own('mail/sv/reminder.txt.hbs'), 'Påminnelse\n\nHej {{recipient.name}}\n');
  try {
    const result = await followup(['config', 'check', file]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('annual-follow-up: solna-mallar/mail/sv/reminder.txt.hbs must start with a "Subject: " line');
  } finally {
    writeFileSync(own('mail/sv/reminder.txt.hbs'), 'Subject: Påminnelse {{period}}\n\nHej {{recipient.name}}\n');
  }
});

test("the preview names the organisation's own template beside each mail rendered from it", async () => {
  const json = await followup(['preview', 'annual-follow-up', '--period', '2030', '--json']);
  expect(json.code).toBe(0);
  const preview = JSON.parse(json.out) as Preview;
  const requests = preview.mails.filter((m) => m.kind === 'request' && m.language === 'sv');
  expect(requests.length).toBeGreaterThan(0);
  for (const mail of requests) {
    expect(mail.ownTemplate).toBe('solna-mallar/mail/sv/request.txt.hbs');
    expect(mail.subject).toMatch(/^Solnas uppföljning 2030: /);
  }
  // The mails of templates not in the folder are the product's.
  expect(preview.mails.filter((m) => m.kind === 'escalation').every((m) => m.ownTemplate === undefined)).toBe(true);

  const human = await followup(['preview', 'annual-follow-up', '--period', '2030']);
  expect(human.code).toBe(0);
  expect(human.out).toContain('(own template: solna-mallar/mail/sv/request.txt.hbs)\nSubject: Solnas uppföljning 2030: ');
  expect(human.out.split('(own template: solna-mallar/mail/sv/request.txt.hbs)').length - 1).toBe(requests.length);
});
