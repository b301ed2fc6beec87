/**
 * The archive in the database of record (record_files) on both databases: what is put reads back
 * byte for byte with its SHA-256, a 10 MB PDF included; a missing file is "not there" to
 * readIfPresent and a 404 to the web (code ENOENT); a folder is removed with everything in it; the
 * sender's record of mails the server took works on it; and a report still in the former folder
 * is read from there until it is on record.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFileArchive, outcomesFolderRef, outcomesPartRef, readIfPresent, reportBase, reportDataRef, type Archive } from '../../activities/archive';
import { reportAttachments } from '../../activities/documents/report-files';
import { sentMailsInArchive } from '../../activities/sent-mails';
import { openRecords, type Records } from '../../records/database';
import { createRecordsArchive, recordFile, recordFileRefs } from '../../records/files';
import { migrateToLatest } from '../../records/migrate';
import { RECORDS_BACKENDS, type RecordsBackend } from '../helpers/records';

jest.setTimeout(90_000);

const key = { orgId: 'solna', obligationId: 'annual-follow-up', period: '2026' };
const base = reportBase(key);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe.each(RECORDS_BACKENDS)('%s', (_name, startBackend) => {
  let backend: RecordsBackend;
  let db: Records;
  let archive: Archive;

  beforeAll(async () => {
    backend = await startBackend();
    db = await openRecords(await backend.freshDatabase());
    await migrateToLatest(db);
    archive = createRecordsArchive(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await backend?.stop();
  });

  test('a report\'s files read back as they were put, with their checksum, size and type', async () => {
    const html = '<!doctype html><title>Årlig uppföljning 2026</title><p>Svar från Omsorgsförvaltningen: 12 st.</p>';
    // Every byte value: a binary mangled on its way (as text, say) shows.
    const docx = new Uint8Array(Array.from({ length: 1024 }, (_, i) => i % 256));
    expect(await archive.put(`${base}.html`, html)).toBe(`${base}.html`);
    await archive.put(`${base}.docx`, docx);

    expect(await archive.read(`${base}.html`)).toBe(html);
    expect(Buffer.compare(await archive.readBytes(`${base}.docx`), Buffer.from(docx))).toBe(0);
    const attached = await archive.attachable(`${base}.docx`);
    expect('content' in attached && Buffer.compare(attached.content, Buffer.from(docx))).toBe(0);
    expect(archive.locate(`${base}.pdf`)).toBe(`records:${base}.pdf`);

    const onRecord = await recordFile(db, `${base}.html`);
    expect(onRecord).toMatchObject({ sha256: sha256(Buffer.from(html, 'utf8')), size: Buffer.byteLength(html), mediaType: 'text/html; charset=utf-8' });
    expect((await recordFile(db, `${base}.docx`))?.mediaType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');

    // Compiled again (the delivery's problems named in the archived copy): the newer content stands.
    await archive.put(`${base}.html`, `${html}<p>Ny version</p>`);
    const again = await recordFile(db, `${base}.html`);
    expect(again!.content.toString('utf8')).toContain('Ny version');
    expect(again!.createdAt.getTime()).toBe(onRecord!.createdAt.getTime());
    expect(again!.updatedAt.getTime()).toBeGreaterThanOrEqual(onRecord!.updatedAt.getTime());

    // What a delivery mail attaches: the bytes on record.
    const [attachment] = await reportAttachments(archive, { html: `${base}.html`, markdown: `${base}.md`, docx: `${base}.docx` }, 'arsuppfoljning-2026', ['docx']);
    expect(attachment).toMatchObject({ filename: 'arsuppfoljning-2026.docx' });
    expect(Buffer.compare((attachment as { content: Buffer }).content, Buffer.from(docx))).toBe(0);
  });

  test('a 10 MB PDF goes in and comes out whole', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(10 * 1024 * 1024), Buffer.from('\n%%EOF\n')]);
    await archive.put(`${base}.pdf`, pdf);
    const back = await archive.readBytes(`${base}.pdf`);
    expect(back.length).toBe(pdf.length);
    expect(sha256(back)).toBe(sha256(pdf));
    const onRecord = await recordFile(db, `${base}.pdf`);
    expect(onRecord).toMatchObject({ size: pdf.length, sha256: sha256(pdf), mediaType: 'application/pdf' });
  });

  test('a missing file is "not there": undefined to readIfPresent, ENOENT to a reader, a failed attachment', async () => {
    expect(await readIfPresent(archive, reportDataRef({ ...key, period: '2019' }))).toBeUndefined();
    await expect(archive.readBytes(`${base}-missing.pdf`)).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringContaining('is not in the records database') });
    await expect(archive.attachable(`${base}-missing.pdf`)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(archive.put('../elsewhere/x.md', 'x')).rejects.toThrow(/is outside the archive/);
    await expect(archive.read('/etc/passwd')).rejects.toThrow(/is outside the archive/);
  });

  test('a ref or a folder is removed, and nothing beside it', async () => {
    const other = { ...key, period: '2025' };
    await archive.put(outcomesPartRef(key, 0), '[{"unitId":"omsorg"}]');
    await archive.put(outcomesPartRef(key, 1), '[{"unitId":"kultur"}]');
    await archive.put(`${outcomesFolderRef(key)}/questionnaire.json`, '[]');
    await archive.put(outcomesPartRef(other, 0), '[]');
    // A name that only begins like the folder is not in it.
    await archive.put(`${outcomesFolderRef(key)}0/part-0000.json`, '[]');
    expect((await recordFileRefs(db, outcomesFolderRef(key))).map((f) => f.ref)).toEqual([`${outcomesFolderRef(key)}/part-0000.json`, `${outcomesFolderRef(key)}/part-0001.json`, `${outcomesFolderRef(key)}/questionnaire.json`]);

    await archive.remove(outcomesFolderRef(key));
    expect(await recordFileRefs(db, outcomesFolderRef(key))).toEqual([]);
    expect(await archive.read(outcomesPartRef(other, 0))).toBe('[]');
    expect(await archive.read(`${outcomesFolderRef(key)}0/part-0000.json`)).toBe('[]');

    await archive.remove(outcomesPartRef(other, 0));
    expect(await readIfPresent(archive, outcomesPartRef(other, 0))).toBeUndefined();
    // Nothing to remove is fine.
    await archive.remove(outcomesFolderRef({ ...key, period: '1999' }));
  });

  test("the sender's record of mails the server took works on the database", async () => {
    const sent = sentMailsInArchive(archive);
    const scope = 'solna.annual-follow-up.2026';
    const messageId = '<solna.annual-follow-up.2026.omsorg.request.0@uppfoljning.solna.example>';
    expect(await sent.sentAt(scope, messageId)).toBeUndefined();
    await sent.record(scope, messageId, '2026-01-15T08:00:00.000Z');
    expect(await sent.sentAt(scope, messageId)).toBe('2026-01-15T08:00:00.000Z');
    expect(await sent.sentAt(scope, '<another@uppfoljning.solna.example>')).toBeUndefined();
  });

  test('a report from the former folder is read there until it is on record, and removed from both', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'followup-former-archive-'));
    try {
      const former = createFileArchive(folder);
      const old = { ...key, period: '2024' };
      await former.put(`${reportBase(old)}.md`, '# Årlig uppföljning 2024');
      const both = createRecordsArchive(db, { formerly: former });
      expect(await both.read(`${reportBase(old)}.md`)).toBe('# Årlig uppföljning 2024');
      expect(await readIfPresent(both, `${reportBase(old)}.html`)).toBeUndefined();
      // Written, it goes to the database only.
      await both.put(`${reportBase(old)}.html`, '<p>2024</p>');
      expect(await readIfPresent(former, `${reportBase(old)}.html`)).toBeUndefined();
      expect(await both.read(`${reportBase(old)}.html`)).toBe('<p>2024</p>');
      await both.remove(`${reportBase(old)}.md`);
      expect(await readIfPresent(former, `${reportBase(old)}.md`)).toBeUndefined();
      expect(await readIfPresent(both, `${reportBase(old)}.md`)).toBeUndefined();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
