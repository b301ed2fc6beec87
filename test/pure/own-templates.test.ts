/**
 * The layered look-up of an organisation's own templates (`organisation.templates`): its file of a
 * name is read before the product's, for mail, reports and web pages; the folder is resolved beside
 * the config file; and the check names a file that replaces nothing, with the name it was probably
 * meant to have.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRenderer, templateFile } from '../../activities/renderer';
import { checkTemplates, closest } from '../../activities/template-check';
import { loadConfigFile } from '../../config/load';
import { createViews } from '../../web/views';
import { PROJECT_ROOT, SOLNA_CONFIG } from '../helpers/environment';

const PRODUCT = path.join(PROJECT_ROOT, 'templates');

/** A folder of own templates: file path under it → content. */
function ownFolder(files: Record<string, string>): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'followup-own-')), 'solna-mallar');
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** Solna's example beside `ownDir`, naming it as a person would: relative to the file. */
function solnaBeside(ownDir: string) {
  const file = path.join(path.dirname(ownDir), 'solna.yaml');
  writeFileSync(file, readFileSync(SOLNA_CONFIG, 'utf8').replace('  name: Solna stad\n', `  name: Solna stad\n  templates: ./${path.basename(ownDir)}\n`));
  return loadConfigFile(file);
}

const context = { recipient: { name: 'Anna' }, org: { name: 'Solna stad' }, obligation: { title: 'Uppföljning' }, period: '2027', secretariat: {}, summary: { asked: 3, answered: 2 } };

test("the own file of a name is read before the product's; other names are the product's", () => {
  const own = ownFolder({ 'mail/sv/report-delivery.txt.hbs': 'Subject: Solnas rapport {{period}}\n\nHej {{recipient.name}}, här är vår egen text.\n', 'report/report.md.hbs': '# Solnas egen rubrik {{title}}\n' });
  expect(templateFile('mail/sv/report-delivery.txt.hbs', PRODUCT, own)).toEqual({ file: path.join(own, 'mail/sv/report-delivery.txt.hbs'), own: true });
  expect(templateFile('mail/sv/reminder.txt.hbs', PRODUCT, own)).toEqual({ file: path.join(PRODUCT, 'mail/sv/reminder.txt.hbs'), own: false });
  expect(templateFile('mail/sv/reminder.txt.hbs', PRODUCT)).toEqual({ file: path.join(PRODUCT, 'mail/sv/reminder.txt.hbs'), own: false });

  const product = createRenderer(PRODUCT);
  const solna = product.of({ organisation: { templates: own } });
  expect(solna.mail('report-delivery', 'sv', context)).toEqual({ subject: 'Solnas rapport 2027', text: 'Hej Anna, här är vår egen text.\n', ownTemplate: 'solna-mallar/mail/sv/report-delivery.txt.hbs' });
  // The obligation's own subject (config `subjects`) still wins over the template's.
  expect(solna.mail('report-delivery', 'sv', context, 'Egen rubrik {{period}}').subject).toBe('Egen rubrik 2027');
  // Not overridden: the product's, and the other language is the product's.
  expect(solna.mail('report-delivery', 'en', context).ownTemplate).toBeUndefined();
  expect(solna.report('markdown', { title: 'Uppföljning' })).toBe('# Solnas egen rubrik Uppföljning\n');
  expect(solna.report('html', { title: 'Uppföljning', labels: {} })).toContain('<h1>Uppföljning');

  // An organisation without a folder, and the renderer itself, keep the product's; one renderer per folder.
  const plain = product.of({ organisation: {} });
  expect(plain.mail('report-delivery', 'sv', context).subject).not.toContain('Solnas');
  expect(product.mail('report-delivery', 'sv', context).ownTemplate).toBeUndefined();
  expect(product.of({ organisation: { templates: own } })).toBe(solna);
  expect(createRenderer(PRODUCT, own).mail('report-delivery', 'sv', context).subject).toBe('Solnas rapport 2027');
});

test('an own mail template without its subject line fails with its own name', () => {
  const own = ownFolder({ 'mail/sv/receipt.txt.hbs': 'Hej {{recipient.name}}\n' });
  expect(() => createRenderer(PRODUCT, own).mail('receipt', 'sv', context)).toThrow('Template solna-mallar/mail/sv/receipt.txt.hbs must start with a "Subject: " line.');
});

test("a web page of the organisation's own replaces the product's page of that name", () => {
  const own = ownFolder({ 'web/message.hbs': '{{#> layout title=heading}}<h1>Solna: {{heading}}</h1>{{/layout}}' });
  const page = { lang: 'sv' as const, orgName: 'Solna stad' };
  expect(createViews(PRODUCT, own)('message', page, { heading: 'Tack' })).toContain('<h1>Solna: Tack</h1>');
  expect(createViews(PRODUCT)('message', page, { heading: 'Tack' })).not.toContain('Solna: Tack');
});

test('the folder is resolved beside the config file, wherever the command runs', () => {
  const own = ownFolder({});
  expect(solnaBeside(own).organisation.templates).toBe(own);
});

test('the check: a misspelt name, a file that is no template, a broken override and a missing folder', () => {
  const own = ownFolder({
    'mail/sv/start-without-aproval.txt.hbs': 'Subject: Startar utan mål\n\nHej\n',
    'mail/se/request.txt.hbs': 'Subject: Förfrågan\n\nHej\n',
    'mail/sv/goals-request.txt.hbs': 'Mål före start\n\nHej\n',
    'web/answer.hbs': '{{#if x}}',
    'web/style.css': 'body { color: red }',
    '.DS_Store': '',
  });
  const problems = checkTemplates(solnaBeside(own), PRODUCT);
  expect(problems).toEqual([
    'project-goals: solna-mallar/mail/sv/goals-request.txt.hbs must start with a "Subject: " line',
    expect.stringMatching(/^organisation\.templates: solna-mallar\/mail\/se\/request\.txt\.hbs replaces no template: there is no folder mail\/se among the templates \(did you mean mail\/sv\?\); they are in mail\/en, mail\/sv, report, web; rename/),
    expect.stringMatching(
      /^organisation\.templates: solna-mallar\/mail\/sv\/start-without-aproval\.txt\.hbs replaces no template: there is no mail\/sv\/start-without-aproval\.txt\.hbs \(did you mean start-without-approval\.txt\.hbs\?\); mail\/sv has agreement-expired\.txt\.hbs, .*start-without-approval\.txt\.hbs.*; rename the file to the name of the template it should replace, or remove it$/,
    ),
    expect.stringMatching(/^organisation\.templates: solna-mallar\/web\/answer\.hbs does not compile: /),
    "organisation.templates: solna-mallar/web/style.css is not a template (only *.hbs files replace the product's); remove it from the folder",
  ]);
  expect(checkTemplates(solnaBeside(ownFolder({ 'mail/sv/start-without-approval.txt.hbs': 'Subject: Startar utan mål\n\nHej\n' })), PRODUCT)).toEqual([]);
  const gone = path.join(mkdtempSync(path.join(tmpdir(), 'followup-own-')), 'saknas');
  expect(checkTemplates(solnaBeside(gone), PRODUCT)).toEqual([`organisation.templates: the folder ${gone} does not exist; make it beside the file, or correct the path (it is relative to the file)`]);
});

test('the nearest name, only when near enough to be a slip', () => {
  expect(closest('start-without-aproval.txt.hbs', ['request.txt.hbs', 'start-without-approval.txt.hbs'])).toBe('start-without-approval.txt.hbs');
  expect(closest('budget.txt.hbs', ['request.txt.hbs', 'start-without-approval.txt.hbs'])).toBeUndefined();
});
