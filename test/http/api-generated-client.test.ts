/**
 * The HTTP API as an integration's own client meets it: types generated from the running web's
 * /api/v1/openapi.json by openapi-typescript (its CLI, as an integrator runs it) and a client made
 * with openapi-fetch. The generated types name the paths and check the calls an integration makes
 * (TypeScript compiles them, and refuses a wrong path, body or format); the same calls, made over
 * HTTP with a secretariat token, register a project, start a cycle, read its units' states,
 * record an answer, close the cycle and download the report's PDF. A reader token gets 403 on
 * every write the document lists, route by route; a revoked or expired token gets 401.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import createClient from 'openapi-fetch';
import ts from 'typescript';
import { loadConfigFile } from '../../config/load';
import { createApiToken, revokeApiToken } from '../../records/api-tokens';
import { buildWebApp } from '../../web/app';
import { freePort, SOLNA_CONFIG, until } from '../helpers/environment';
import { startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import { testWebDeps } from '../helpers/web';

jest.setTimeout(180_000);

const PASSWORD = 'det genererade klientens lösenord';
const ROOT = path.resolve(__dirname, '../..');
const solna = loadConfigFile(SOLNA_CONFIG);

/** The calls' values, the same in the typed client TypeScript checks and in the calls made. */
const cycle = { obligation: 'annual-follow-up', period: '2025' };
const projectBody = {
  title: 'Vänort Tartu',
  unitId: 'kultur-fritid',
  owner: { name: 'Anna Berg', email: 'anna.berg@solna.example' },
  plannedStart: new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10),
  partners: ['Tartu linn'],
};
const answerBody = { answers: { eu_projects: 'Interreg Baltic: Smart Cities.', other_work: 'Eurocities, arbetsgruppen för kultur.', effects: 'Bättre underlag för nämndens beslut.' } };
const closeBody = { reason: 'Stängd av ärendesystemet' };
/** The paths the integration calls: the generated types must name each. */
const USED_PATHS = [
  '/api/v1/projects',
  '/api/v1/cycles',
  '/api/v1/cycles/{obligation}/{period}/units',
  '/api/v1/cycles/{obligation}/{period}/units/{unit}/answer',
  '/api/v1/cycles/{obligation}/{period}/close',
  '/api/v1/reports/{obligation}/{period}',
  '/api/v1/reports/{obligation}/{period}/{format}',
];

/** The integration's code, typed by the generated `paths`: it compiles, and the wrong calls do not. */
const TYPED_CLIENT = `
import createClient from 'openapi-fetch';
import type { paths } from './api-v1';

const client = createClient<paths>({ baseUrl: 'http://127.0.0.1', headers: { authorization: 'Bearer token' } });
const cycle = ${JSON.stringify(cycle)};

export async function flow() {
  const project = await client.POST('/api/v1/projects', { body: ${JSON.stringify(projectBody)} });
  const projectId: string | undefined = project.data?.id;
  const started = await client.POST('/api/v1/cycles', { body: cycle });
  const outcome: 'started' | 'running' | 'closed' | undefined = started.data?.outcome;
  const units = await client.GET('/api/v1/cycles/{obligation}/{period}/units', { params: { path: cycle } });
  const states: string[] | undefined = units.data?.items.map((u) => u.state);
  const recorded = await client.POST('/api/v1/cycles/{obligation}/{period}/units/{unit}/answer', { params: { path: { ...cycle, unit: 'omsorg' } }, body: ${JSON.stringify(answerBody)} });
  const revision: number | undefined = recorded.data?.revision;
  const closing = await client.POST('/api/v1/cycles/{obligation}/{period}/close', { params: { path: cycle }, body: ${JSON.stringify(closeBody)} });
  const closingAt: string | undefined = closing.data?.closingAt;
  const report = await client.GET('/api/v1/reports/{obligation}/{period}', { params: { path: cycle } });
  const formats: string[] | undefined = report.data?.files.map((f) => f.format);
  const pdf = await client.GET('/api/v1/reports/{obligation}/{period}/{format}', { params: { path: { ...cycle, format: 'pdf' } }, parseAs: 'arrayBuffer' });
  return [projectId, outcome, states, revision, closingAt, formats, pdf.data?.byteLength];
}

export async function wrong() {
  // @ts-expect-error not a path of the API
  await client.GET('/api/v1/nothing-here');
  // @ts-expect-error a period is a string
  await client.POST('/api/v1/cycles', { body: { obligation: 'annual-follow-up', period: 2025 } });
  // @ts-expect-error a format the document does not name
  await client.GET('/api/v1/reports/{obligation}/{period}/{format}', { params: { path: { ...cycle, format: 'exe' } } });
}
`;

/** What TypeScript says of the typed client, beside the generated types (empty when it compiles). */
function typeCheck(dir: string): string[] {
  const program = ts.createProgram([path.join(dir, 'client.ts')], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.basename(d.file.fileName) : ''}:${d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  default?: unknown;
}
interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema?: Schema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
}
interface OpenApiDocument {
  openapi: string;
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/**
 * A value that fits a schema of the document, so that a call passes the route's validation and
 * meets its authorisation: the required fields only, an enum's first value, a string that fits
 * the pattern ("placeholder", a date or a year).
 */
function sampleOf(schema: Schema | undefined, document: OpenApiDocument): unknown {
  if (!schema) return {};
  if (schema.$ref) return sampleOf(document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')], document);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const choice = schema.anyOf ?? schema.oneOf;
  if (choice) return sampleOf(choice.find((s) => s.type !== 'null') ?? choice[0], document);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sampleOf(s, document)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((name) => [name, sampleOf(schema.properties?.[name], document)]));
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleOf(schema.items, document));
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, Math.min(schema.maximum ?? 1, 1));
    case 'boolean':
      return true;
    case 'string': {
      if (schema.format === 'email') return 'placeholder@solna.example';
      if (schema.format === 'date') return '2030-01-01';
      const candidates = ['placeholder', '2030-01-01', '2025', 'x'];
      const fits = candidates.find((c) => (!schema.pattern || new RegExp(schema.pattern).test(c)) && c.length <= (schema.maxLength ?? Infinity));
      if (fits === undefined) throw new Error(`No placeholder fits the pattern ${schema.pattern}`);
      return fits.padEnd(schema.minLength ?? 0, 'x');
    }
    default:
      return {};
  }
}

/**
 * The client of the calls made: the generated types exist only once the test has run the CLI, so
 * these calls are typed loosely here; the typed client above checks the same calls against them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Paths = Record<string, Record<'get' | 'put' | 'post' | 'patch' | 'delete', any>>;

/** A path parameter's placeholder; one the document leaves untyped (a number coerced from the path) is a year. */
function placeholderOf(schema: Schema | undefined, document: OpenApiDocument): string {
  const sample = sampleOf(schema, document);
  return typeof sample === 'string' || typeof sample === 'number' ? String(sample) : '2025';
}

let testbed: RecordsTestbed;
let app: FastifyInstance;
let base: string;
let dir: string;
const tokens = { secretariat: '', reader: '', revoked: '', expired: '' };
const by = { actor: 'test', via: 'cli' as const };

beforeAll(async () => {
  testbed = await startRecordsTestbed({ configs: [solna] });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  app = await buildWebApp({ ...(await testWebDeps(solna, testbed.env.client, testbed.tw, PASSWORD)), records: testbed.records, publicBaseUrl: base });
  await app.listen({ host: '127.0.0.1', port });
  tokens.secretariat = (await createApiToken(testbed.records, { name: 'arendesystem', role: 'secretariat', org: 'solna' }, by)).token;
  tokens.reader = (await createApiToken(testbed.records, { name: 'intranat', role: 'reader', org: 'solna' }, by)).token;
  tokens.revoked = (await createApiToken(testbed.records, { name: 'gammal-integration', role: 'secretariat', org: 'solna' }, by)).token;
  // Made an hour ago, to run out a second ago.
  tokens.expired = (await createApiToken(testbed.records, { name: 'utgangen-integration', role: 'secretariat', org: 'solna', expiresAt: new Date(Date.now() - 1000) }, by, new Date(Date.now() - 3_600_000))).token;
  dir = await mkdtemp(path.join(os.tmpdir(), 'api-generated-client-'));
});

afterAll(async () => {
  await app?.close();
  await testbed?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

let document: OpenApiDocument;

test('openapi-typescript generates types from the running web\'s document, and the integration\'s calls type-check against them', async () => {
  const response = await fetch(`${base}/api/v1/openapi.json`);
  expect(response.status).toBe(200);
  document = (await response.json()) as OpenApiDocument;
  expect(document.openapi).toBe('3.1.0');
  expect(document.servers?.[0]?.url).toBe(base);

  // The CLI, as an integrator runs it, on the web's address.
  const generated = path.join(dir, 'api-v1.d.ts');
  await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), `${base}/api/v1/openapi.json`, '--output', generated], { cwd: dir, timeout: 60_000 });
  const types = await readFile(generated, 'utf8');
  expect(types).toContain('export interface paths {');
  for (const used of USED_PATHS) expect({ used, named: types.includes(`"${used}": {`) }).toEqual({ used, named: true });
  // Every operation of the document is in the types.
  for (const p of Object.keys(document.paths)) expect({ path: p, named: types.includes(`"${p}": {`) }).toEqual({ path: p, named: true });

  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  await writeFile(path.join(dir, 'client.ts'), TYPED_CLIENT);
  expect(typeCheck(dir)).toEqual([]);
});

test('with a secretariat token the client registers a project, starts a cycle, reads its units, records an answer, closes the cycle and downloads the report\'s PDF', async () => {
  expect(document).toBeDefined();
  const client = createClient<Paths>({ baseUrl: document.servers![0]!.url, headers: { authorization: `Bearer ${tokens.secretariat}` } });

  const project = await client.POST('/api/v1/projects', { body: projectBody });
  expect(project.response.status).toBe(201);
  expect(project.data).toMatchObject({ id: expect.stringMatching(/^vanort-tartu-\d{4}$/), title: 'Vänort Tartu', unitId: 'kultur-fritid' });

  const started = await client.POST('/api/v1/cycles', { body: cycle });
  expect(started.response.status).toBe(201);
  expect(started.data).toMatchObject({ outcome: 'started', cycle });

  const units = await until(async () => {
    const { response, data } = await client.GET('/api/v1/cycles/{obligation}/{period}/units', { params: { path: cycle } });
    expect(response.status).toBe(200);
    const items = (data as { items: { unit: string; state: string }[] }).items;
    return items.length === solna.units.length && items.every((u) => u.state === 'requested') ? items : undefined;
  }, 'every unit asked', 60_000);
  expect(units.map((u) => u.unit)).toEqual(solna.units.map((u) => u.id));

  const recorded = await client.POST('/api/v1/cycles/{obligation}/{period}/units/{unit}/answer', { params: { path: { ...cycle, unit: 'omsorg' } }, body: answerBody });
  expect(recorded.response.status).toBe(201);
  expect(recorded.data).toMatchObject({ unit: 'omsorg', revision: 1 });
  await until(async () => {
    const { data } = await client.GET('/api/v1/cycles/{obligation}/{period}/units', { params: { path: cycle, query: { state: 'answered' } } });
    return (data as { items: { unit: string }[] }).items.map((u) => u.unit).join() === 'omsorg' ? true : undefined;
  }, 'the answer in the units\' states');

  const closing = await client.POST('/api/v1/cycles/{obligation}/{period}/close', { params: { path: cycle }, body: closeBody });
  expect(closing.response.status).toBe(202);
  expect(closing.data).toMatchObject({ closingAt: expect.any(String) });

  await until(async () => {
    const { response, data } = await client.GET('/api/v1/reports/{obligation}/{period}', { params: { path: cycle } });
    return response.status === 200 && (data as { files: { format: string }[] }).files.some((f) => f.format === 'pdf') ? true : undefined;
  }, 'the report compiled', 90_000);
  const pdf = await client.GET('/api/v1/reports/{obligation}/{period}/{format}', { params: { path: { ...cycle, format: 'pdf' } }, parseAs: 'arrayBuffer' });
  expect(pdf.response.status).toBe(200);
  expect(pdf.response.headers.get('content-type')).toBe('application/pdf');
  expect(Buffer.from(pdf.data as ArrayBuffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
});

test('a reader token gets 403 on every write the document lists, and a revoked or expired token 401', async () => {
  expect(document).toBeDefined();
  const reader = createClient<Paths>({ baseUrl: base, headers: { authorization: `Bearer ${tokens.reader}` } });
  const writes = Object.entries(document.paths).flatMap(([p, item]) =>
    (['post', 'put', 'patch', 'delete'] as const).filter((m) => item[m]).map((method) => ({ method, path: p, operation: item[method]! })),
  );
  expect(writes.length).toBeGreaterThanOrEqual(16);
  const refused: string[] = [];
  for (const { method, path: p, operation } of writes) {
    const pathParams = Object.fromEntries((operation.parameters ?? []).filter((x) => x.in === 'path').map((x) => [x.name, placeholderOf(x.schema, document)]));
    const json = operation.requestBody?.content?.['application/json'];
    const { response, error } = await reader.request(method, p, { params: { path: pathParams }, body: json ? sampleOf(json.schema, document) : undefined });
    expect({ write: `${method.toUpperCase()} ${p}`, status: response.status, type: response.headers.get('content-type') }).toEqual({
      write: `${method.toUpperCase()} ${p}`,
      status: 403,
      type: 'application/problem+json; charset=utf-8',
    });
    expect(error).toMatchObject({ status: 403 });
    refused.push(`${method.toUpperCase()} ${p}`);
  }
  expect(refused).toContain('POST /api/v1/cycles/{obligation}/{period}/units/{unit}/answer');
  // Nothing was done: still the one cycle, and no writes by the reader in the audit log.
  const cycles = await reader.GET('/api/v1/cycles', {});
  expect(cycles.response.status).toBe(200);
  expect((cycles.data as { items: unknown[] }).items.length).toBeLessThanOrEqual(1);
  const audit = await reader.GET('/api/v1/audit-log', { params: { query: { via: 'api' } } });
  expect((audit.data as { items: { actor: string }[] }).items.filter((e) => e.actor === 'api:intranat')).toEqual([]);

  // A token that works until it is revoked; one that has run out.
  const revokedClient = createClient<Paths>({ baseUrl: base, headers: { authorization: `Bearer ${tokens.revoked}` } });
  expect((await revokedClient.GET('/api/v1/cycles', {})).response.status).toBe(200);
  await revokeApiToken(testbed.records, { name: 'gammal-integration', org: 'solna' }, by);
  const revoked = await revokedClient.GET('/api/v1/cycles', {});
  expect({ status: revoked.response.status, type: revoked.response.headers.get('content-type') }).toEqual({ status: 401, type: 'application/problem+json; charset=utf-8' });
  expect((await revokedClient.POST('/api/v1/cycles', { body: { obligation: 'annual-follow-up', period: '2026' } })).response.status).toBe(401);
  const expiredClient = createClient<Paths>({ baseUrl: base, headers: { authorization: `Bearer ${tokens.expired}` } });
  expect((await expiredClient.GET('/api/v1/cycles', {})).response.status).toBe(401);
  expect((await expiredClient.POST('/api/v1/cycles', { body: { obligation: 'annual-follow-up', period: '2026' } })).response.status).toBe(401);
});
