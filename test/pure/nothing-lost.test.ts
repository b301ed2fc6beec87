/**
 * The pure parts of "nothing lost, no one locked out": what config check finds before mail would
 * fail, the refusal catalogue, password hashing at OWASP's parameters, header cleaning, and the
 * proxy setting (never "true": the web refuses to start with it).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scryptSync, randomBytes } from 'node:crypto';
import { parseDocument } from 'yaml';
import { headerText } from '../../activities/mailer';
import { checkTemplates } from '../../activities/template-check';
import { runCli } from '../../cli/program';
import { PROJECT_ROOT, readEnvironment } from '../../config/environment';
import { loadConfigFile } from '../../config/load';
import { FailureType, isRefusalCode, Refusal, refusalText } from '../../domain/refusals';
import { hashPassword, verifyPassword } from '../../web/password';

const solnaFile = path.join(PROJECT_ROOT, 'config/examples/solna.yaml');
const work = mkdtempSync(path.join(tmpdir(), 'followup-pure-'));

async function configCheck(file: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['config', 'check', file], { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('config check refuses a template name with a typo, naming the obligation and the file', async () => {
  const doc = parseDocument(readFileSync(solnaFile, 'utf8'));
  const obligations = doc.get('obligations') as { items: { get(k: string): unknown; set(k: string, v: unknown): void }[] };
  const dataCall = obligations.items.find((o) => o.get('kind') === 'periodic-data-call')!;
  dataCall.set('templates', { reminder: 'remnder' });
  const file = path.join(work, 'solna-typo.yaml');
  writeFileSync(file, doc.toString());
  const result = await configCheck(file);
  expect(result.code).toBe(1);
  expect(result.err).toContain('annual-follow-up: templates/mail/sv/remnder.txt.hbs is missing');
});

test('templates are checked in every language a recipient reads, and a template that does not compile is named', () => {
  const solna = loadConfigFile(solnaFile);
  const templates = path.join(work, 'templates');
  cpSync(path.join(PROJECT_ROOT, 'templates'), templates, { recursive: true });
  expect(checkTemplates(solna, templates)).toEqual([]);
  rmSync(path.join(templates, 'mail', 'en', 'receipt.txt.hbs'));
  writeFileSync(path.join(templates, 'mail', 'sv', 'escalation.txt.hbs'), 'Subject: {{#if x}}\nno end');
  writeFileSync(path.join(templates, 'mail', 'sv', 'reminder.txt.hbs'), 'Hej {{recipient.name}}');
  const english = structuredClone(solna);
  english.units[0]!.contacts[0]!.language = 'en';
  const problems = checkTemplates(english, templates);
  expect(problems).toContain('annual-follow-up: templates/mail/en/receipt.txt.hbs is missing');
  expect(problems).toContainEqual(expect.stringMatching(/^annual-follow-up: templates\/mail\/sv\/escalation\.txt\.hbs does not compile/));
  expect(problems).toContain('annual-follow-up: templates/mail/sv/reminder.txt.hbs must start with a "Subject: " line');
  // An organisation where nobody reads English needs no English templates.
  const swedishOnly = structuredClone(solna);
  for (const person of [...swedishOnly.units.flatMap((u) => [...u.contacts, u.head]), ...swedishOnly.bodies.flatMap((b) => b.recipients)]) delete person.language;
  expect(checkTemplates(swedishOnly, templates)).not.toContain('annual-follow-up: templates/mail/en/receipt.txt.hbs is missing');
});

test('every refusal has its own Swedish and English words, and a code outside the catalogue keeps its message', () => {
  for (const code of Object.keys(Refusal)) {
    expect(isRefusalCode(code)).toBe(true);
    const params = { value: 'a value', closes: '2027-03-31', title: 'A title', state: 'a state', period: '2026', paragraph: '§ 12', problems: 'field: wrong', what: 'Project X', when: 'completed 2027-01-01' };
    const sv = refusalText(code, 'sv', params);
    const en = refusalText(code, 'en', params);
    expect(sv.length).toBeGreaterThan(5);
    expect(en.length).toBeGreaterThan(5);
  }
  expect(refusalText('CycleClosed', 'sv')).toBe('Uppföljningen är stängd och tar inte emot fler ändringar.');
  expect(refusalText('CycleClosed', 'en')).toBe('The cycle is closed and takes no more changes.');
  expect(refusalText('NoSuchCode', 'sv', {}, 'as it was')).toBe('as it was');
  expect(Object.values(FailureType)).toEqual(['PermanentMailError', 'TransientMailError', 'TemplateError', 'DirectoryError', 'CalendarError', 'ArchiveError']);
});

test("passwords are hashed at OWASP's scrypt parameters; a hash of the old parameters still verifies; a forged costly hash is refused", async () => {
  const hash = await hashPassword('ett långt och bra lösenord');
  expect(hash).toMatch(/^scrypt\$131072\$8\$1\$/);
  expect(await verifyPassword('ett långt och bra lösenord', hash)).toBe(true);
  expect(await verifyPassword('fel', hash)).toBe(false);
  const salt = randomBytes(16);
  const old = `scrypt$16384$8$1$${salt.toString('base64url')}$${scryptSync('gammalt lösenord', salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64url')}`;
  expect(await verifyPassword('gammalt lösenord', old)).toBe(true);
  const started = Date.now();
  expect(await verifyPassword('x', `scrypt$${2 ** 30}$8$1$${salt.toString('base64url')}$AAAA`)).toBe(false);
  expect(Date.now() - started).toBeLessThan(100);
});

test('mail headers lose line breaks and control characters, so typed text cannot add a header', () => {
  expect(headerText('Projekt\r\nBcc: x@y.example')).toBe('Projekt Bcc: x@y.example');
  expect(headerText('Rad\u2028två\u2029tre\u0085fyra\u0000')).toBe('Rad två tre fyra');
  expect(headerText('Vanlig ämnesrad – å ä ö')).toBe('Vanlig ämnesrad – å ä ö');
});

test('FOLLOWUP_TRUST_PROXY takes proxy addresses or networks, or a hop count where the web listens on the proxy\'s network only; "true" and anything else is refused with what to set', () => {
  expect(readEnvironment({}).FOLLOWUP_TRUST_PROXY).toBeUndefined();
  expect(readEnvironment({ FOLLOWUP_TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' }).FOLLOWUP_TRUST_PROXY).toBe('10.0.0.1, 10.1.0.0/16');
  expect(readEnvironment({ FOLLOWUP_TRUST_PROXY: '1' }).FOLLOWUP_TRUST_PROXY).toBe(1);
  expect(readEnvironment({ FOLLOWUP_TRUST_PROXY: '1', FOLLOWUP_WEB_HOST: '10.0.0.7' }).FOLLOWUP_TRUST_PROXY).toBe(1);
  const setInstead = "set the reverse proxy's own addresses or networks instead, comma-separated (FOLLOWUP_TRUST_PROXY=10.0.0.5 or 10.0.0.0/24)";
  for (const everyone of ['true', 'TRUE', '0.0.0.0/0', '::/0']) {
    expect(() => readEnvironment({ FOLLOWUP_TRUST_PROXY: everyone })).toThrow(/FOLLOWUP_TRUST_PROXY: .*anyone could dodge the sign-in limit/);
    expect(() => readEnvironment({ FOLLOWUP_TRUST_PROXY: everyone })).toThrow(setInstead);
  }
  // A hop count believes whoever connects: not with the web open on every interface.
  for (const host of ['0.0.0.0', '::', '[::]']) {
    expect(() => readEnvironment({ FOLLOWUP_TRUST_PROXY: '1', FOLLOWUP_WEB_HOST: host })).toThrow(`bind FOLLOWUP_WEB_HOST to the proxy's network only, or ${setInstead}`);
  }
  expect(() => readEnvironment({ FOLLOWUP_TRUST_PROXY: 'proxy.example; rm -rf' })).toThrow(/FOLLOWUP_TRUST_PROXY: "proxy.example; rm -rf" is no address, network \(CIDR\) or number of hops/);
  expect(() => readEnvironment({ FOLLOWUP_TRUST_PROXY: '10.0.0.0/33' })).toThrow(/"10.0.0.0\/33" is no address/);
});

test('followup web refuses to start with FOLLOWUP_TRUST_PROXY=true, saying what to set, and listens nowhere', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FOLLOWUP_'))), FOLLOWUP_DATA_DIR: work, FOLLOWUP_WEB_PORT: String(port), FOLLOWUP_TRUST_PROXY: 'true' };
  const started = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [path.join(PROJECT_ROOT, 'bin/followup.js'), 'web'], { env, timeout: 60_000 }, (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }));
  });
  expect(started.code).toBe(1);
  expect(started.stderr).toContain('FOLLOWUP_TRUST_PROXY: "true" would believe every client about its own address');
  expect(started.stderr).toContain('FOLLOWUP_TRUST_PROXY=10.0.0.5 or 10.0.0.0/24');
  expect(await fetch(`http://127.0.0.1:${port}/healthz`).then(() => 'answered', () => 'nothing there')).toBe('nothing there');
  // The same through the command's own code, for a hop count on every interface.
  const err: string[] = [];
  const code = await runCli(['web'], { out: () => undefined, err: (t) => err.push(t), env: { FOLLOWUP_DATA_DIR: work, FOLLOWUP_TRUST_PROXY: '1', FOLLOWUP_WEB_HOST: '0.0.0.0' } });
  expect(code).toBe(1);
  expect(err.join('\n')).toContain("bind FOLLOWUP_WEB_HOST to the proxy's network only");
});
