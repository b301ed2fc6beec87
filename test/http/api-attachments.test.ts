/**
 * Files attached to an answer through the HTTP API, against the real web app, a real clamd (its own
 * EICAR signature), a real dev server and worker and the database of record: an integration's
 * secretariat token uploads a PDF as multipart (a part named by the file question), gets its id,
 * records an answer naming it, lists the unit's files and downloads one byte for byte; the EICAR
 * file is refused as problem+json 422 naming the question, and nothing is kept; an id of no upload
 * is refused beside the answer's question; a reader may list but neither upload nor download; the
 * upload is in the audit log under the integration's name; the OpenAPI document describes it.
 */
import { createHash } from 'node:crypto';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { startCycle, unitStatus } from '../../client/cycles';
import type { CycleKey } from '../../domain/ids';
import { createApiToken } from '../../records/api-tokens';
import { buildWebApp } from '../../web/app';
import { configWithFileField, EICAR, multipartBody, pdfWith, startTestClamd, type TestClamd } from '../helpers/clamav';
import { SOLNA_CONFIG } from '../helpers/environment';
import { startRecordsTestbed, type RecordsTestbed } from '../helpers/records';
import { testWebDeps } from '../helpers/web';

jest.setTimeout(240_000);

const config = configWithFileField(SOLNA_CONFIG, 'annual-follow-up', { id: 'minutes', label: { sv: 'Nämndens protokoll', en: "The board's minutes" }, accept: ['pdf', 'docx'], maxFiles: 2 });
const key: CycleKey = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2025' };
const UNIT = '/api/v1/cycles/annual-follow-up/2025/units/tekniska';
const typed = { eu_projects: 'Interreg Baltic: Smart Cities.', other_work: 'Vänort i Tartu.', effects: 'Bättre underlag för nämnden.' };
const minutes = pdfWith('Tekniska nämndens protokoll 2025-03-12');

let testbed: RecordsTestbed;
let clamd: TestClamd;
let app: FastifyInstance;
const tokens = { secretariat: '', reader: '' };

beforeAll(async () => {
  [testbed, clamd] = await Promise.all([startRecordsTestbed({ configs: [config] }), startTestClamd()]);
  app = await buildWebApp({ ...(await testWebDeps(config, testbed.env.client, testbed.tw, 'api-filer prövas här')), records: testbed.records, scanner: clamd.scanner });
  const by = { actor: 'test', via: 'cli' as const };
  tokens.secretariat = (await createApiToken(testbed.records, { name: 'arendesystem', role: 'secretariat', org: 'solna' }, by)).token;
  tokens.reader = (await createApiToken(testbed.records, { name: 'intranat', role: 'reader', org: 'solna' }, by)).token;
  await startCycle(testbed.env.client, testbed.tw.taskQueue, key, 'test');
  await testbed.smtp.waitFor(7, 60_000);
});

afterAll(async () => {
  await app?.close();
  await testbed?.close();
  await clamd?.stop();
});

function upload(token: string, files: { field: string; name: string; content: Buffer }[], language = 'sv'): Promise<LightMyRequestResponse> {
  const body = multipartBody({}, files);
  return app.inject({ method: 'POST', url: `${UNIT}/attachments`, headers: { authorization: `Bearer ${token}`, 'content-type': body.contentType, 'accept-language': language }, payload: body.payload });
}

function expectProblem(response: LightMyRequestResponse, status: number) {
  expect({ status: response.statusCode, type: response.headers["content-type"], body: response.statusCode === status ? "" : response.body }).toEqual({ status, type: "application/problem+json; charset=utf-8", body: "" });
  return response.json<{ type: string; detail: string; errors?: { in?: string; field: string; message: string }[] }>();
}

test('the OpenAPI document describes the upload as multipart and the download as a file, and still validates', async () => {
  const document = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> }; responses: Record<string, { content?: Record<string, unknown> }> }>> }>();
  await SwaggerParser.validate(structuredClone(document) as never);
  const attachments = '/api/v1/cycles/{obligation}/{period}/units/{unit}/attachments';
  expect(Object.keys(document.paths[attachments]!.post!.requestBody!.content)).toEqual(['multipart/form-data']);
  expect(Object.keys(document.paths[attachments]!.post!.responses)).toEqual(expect.arrayContaining(['201', '403', '422']));
  expect(document.paths[`${attachments}/{attachment}`]!.get!.responses['200']!.content).toHaveProperty('application/octet-stream');
});

test('the EICAR file is refused as problem+json 422 naming its question, in the caller\'s language, and nothing is kept', async () => {
  const swedish = expectProblem(await upload(tokens.secretariat, [{ field: 'minutes', name: 'protokoll.pdf', content: Buffer.concat([pdfWith('smittad'), EICAR]) }]), 422);
  expect(swedish.type).toBe('urn:policy-followup:problem:unprocessable');
  expect(swedish.errors).toEqual([{ in: 'body', field: 'minutes', message: expect.stringMatching(/^Nämndens protokoll: ”protokoll\.pdf” togs inte emot: virussökningen hittade skadlig kod i den\./) }]);
  const english = expectProblem(await upload(tokens.secretariat, [{ field: 'minutes', name: 'minutes.pdf', content: Buffer.concat([pdfWith('infected'), EICAR]) }], 'en'), 422);
  expect(english.errors).toEqual([{ in: 'body', field: 'minutes', message: expect.stringMatching(/^The board's minutes: "minutes\.pdf" was not accepted: the malware scan found harmful code in it\./) }]);
  // Nor a file of another kind (a text file named .pdf), nor a part that is no file question.
  const text = expectProblem(await upload(tokens.secretariat, [{ field: 'minutes', name: 'notes.pdf', content: Buffer.from('just some words, not a PDF') }]), 422);
  expect(text.errors?.[0]).toMatchObject({ field: 'minutes', message: expect.stringContaining('är inte en fil av de slag som tas emot') });
  const strange = expectProblem(await upload(tokens.secretariat, [{ field: 'effects', name: 'effekter.pdf', content: minutes }]), 422);
  expect(strange.errors).toEqual([{ in: 'body', field: 'effects', message: expect.stringContaining('"effects" är ingen filfråga') }]);
  expect(await testbed.records.selectFrom('answer_attachments').select('name').execute()).toEqual([]);
});

test('an integration uploads a PDF, records an answer naming it, lists the files and downloads them byte for byte; a reader may not upload or download', async () => {
  // Without credentials, or with a reader's token, nothing is read or kept.
  expect((await app.inject({ method: 'POST', url: `${UNIT}/attachments`, headers: { 'content-type': multipartBody({}, []).contentType }, payload: multipartBody({}, [{ field: 'minutes', name: 'p.pdf', content: minutes }]).payload })).statusCode).toBe(401);
  expectProblem(await upload(tokens.reader, [{ field: 'minutes', name: 'protokoll.pdf', content: minutes }]), 403);

  const uploaded = await upload(tokens.secretariat, [{ field: 'minutes', name: 'protokoll', content: minutes }]);
  expect(uploaded.statusCode).toBe(201);
  const { attachments, answers } = uploaded.json<{ attachments: { id: string; field: string; name: string; mediaType: string; size: number; sha256: string; uploadedBy: string; href: string }[]; answers: Record<string, string> }>();
  // Named by what it is, whatever it was called.
  expect(attachments).toEqual([
    expect.objectContaining({ field: 'minutes', name: 'protokoll.pdf', mediaType: 'application/pdf', size: minutes.length, sha256: createHash('sha256').update(minutes).digest('hex'), uploadedBy: 'api:arendesystem', href: `${UNIT}/attachments/${attachments[0]!.id}` }),
  ]);
  expect(answers).toEqual({ minutes: attachments[0]!.id });

  // An id of no upload for this unit is refused beside the answer's question.
  const other = '0b6f9c1e-2d4a-4c8e-9f3a-1a2b3c4d5e6f';
  const refused = await app.inject({ method: 'POST', url: `${UNIT}/answer`, headers: { authorization: `Bearer ${tokens.secretariat}` }, payload: { answers: { ...typed, minutes: `${answers.minutes},${other}` } } });
  expect(expectProblem(refused, 422).errors).toEqual([{ in: 'body', field: 'answers.minutes', message: expect.stringContaining(other) }]);

  const answered = await app.inject({ method: 'POST', url: `${UNIT}/answer`, headers: { authorization: `Bearer ${tokens.secretariat}` }, payload: { answers: { ...typed, ...answers } } });
  expect(answered.statusCode).toBe(201);
  expect((await unitStatus(testbed.env.client, key, 'tekniska')).answer?.values.minutes).toBe(attachments[0]!.id);

  // Listed for any token of the organisation; downloaded with a secretariat token, as it was sent.
  const listed = await app.inject({ method: 'GET', url: `${UNIT}/attachments`, headers: { authorization: `Bearer ${tokens.reader}` } });
  expect(listed.json<{ items: { id: string }[] }>().items.map((a) => a.id)).toEqual([attachments[0]!.id]);
  expectProblem(await app.inject({ method: 'GET', url: attachments[0]!.href, headers: { authorization: `Bearer ${tokens.reader}` } }), 403);
  const download = await app.inject({ method: 'GET', url: attachments[0]!.href, headers: { authorization: `Bearer ${tokens.secretariat}` } });
  expect(download.statusCode).toBe(200);
  expect(download.headers['content-type']).toBe('application/pdf');
  expect(download.headers['content-disposition']).toBe('attachment; filename="protokoll.pdf"; filename*=UTF-8\'\'protokoll.pdf');
  expect(Buffer.compare(download.rawPayload, minutes)).toBe(0);
  // Another unit's path does not reach it.
  expectProblem(await app.inject({ method: 'GET', url: attachments[0]!.href.replace('/tekniska/', '/omsorg/'), headers: { authorization: `Bearer ${tokens.secretariat}` } }), 404);

  // The upload and the answer are in the audit log under the integration's name.
  const audit = await testbed.records.selectFrom('audit_log').select(['action', 'actor', 'via']).where('via', '=', 'api').orderBy('id').execute();
  expect(audit).toEqual(expect.arrayContaining([{ action: 'attachments-uploaded', actor: 'api:arendesystem', via: 'api' }, { action: 'answer-recorded', actor: 'api:arendesystem', via: 'api' }]));
});
