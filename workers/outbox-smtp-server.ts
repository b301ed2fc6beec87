/**
 * The embedded system's mail server: accepts every mail on loopback and keeps it as an .eml file
 * in the outbox folder, where a person opens it with Outlook or any mail program.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface OutboxServer {
  port: number;
  close(): Promise<void>;
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9.@_-]+/g, '_').slice(0, 120);
}

export async function startOutboxSmtpServer(outboxDir: string, port: number, host = '127.0.0.1'): Promise<OutboxServer> {
  mkdirSync(outboxDir, { recursive: true });
  let counter = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 25 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        const to = safeName(session.envelope.rcptTo.map((r) => r.address).join('+'));
        const file = path.join(outboxDir, `${stamp}-${String(++counter).padStart(4, '0')}-${to}.eml`);
        try {
          writeFileSync(file, raw);
          callback();
        } catch (err) {
          callback(err as Error);
        }
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
