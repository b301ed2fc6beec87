/** A real SMTP server on loopback that keeps what it receives, parsed, and can be told to refuse. */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  mail: ParsedMail;
  subject: string;
  messageId: string;
  language: string;
  date: Date;
}

export type Refusal = { code: number; message: string } | undefined;

export interface TestSmtpServer {
  url: string;
  received: ReceivedMail[];
  /** Decides per connection whether the server is "down". */
  refuseConnections: (() => Refusal | Promise<Refusal>) | undefined;
  /** Decides per recipient whether it is refused. */
  refuseRecipient: ((address: string) => Refusal) | undefined;
  connectionAttempts: number;
  /** Slows each accepted mail down, to crash things while mails are in flight. */
  delayMs: number;
  recipientAttempts: Map<string, number>;
  /** Mails received for this address, in the order they arrived. */
  to(address: string): ReceivedMail[];
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const state: TestSmtpServer = {
    url: '',
    received: [],
    refuseConnections: undefined,
    refuseRecipient: undefined,
    connectionAttempts: 0,
    delayMs: 0,
    recipientAttempts: new Map(),
    to(address) {
      return state.received.filter((r) => r.envelopeTo.includes(address));
    },
    async waitFor(count, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while (state.received.length < count) {
        if (Date.now() > until) throw new Error(`Expected ${count} mails, got ${state.received.length}: ${state.received.map((r) => r.subject).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: async () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      state.connectionAttempts++;
      Promise.resolve(state.refuseConnections?.()).then((refusal) => {
        if (!refusal) return callback();
        const err = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
        callback(err);
      }, callback);
    },
    onRcptTo(address, _session, callback) {
      const addr = address.address.toLowerCase();
      state.recipientAttempts.set(addr, (state.recipientAttempts.get(addr) ?? 0) + 1);
      const refusal = state.refuseRecipient?.(addr);
      if (refusal) return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
          state.received.push({
            envelopeTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            mail,
            subject: mail.subject ?? '',
            messageId: mail.messageId ?? '',
            language: String(mail.headers.get('content-language') ?? ''),
            date: mail.date ?? new Date(0),
          });
          callback();
        })
        .catch(callback);
    },
  });
  // A worker killed with SIGKILL mid-mail resets its connection (the crash drills do it on purpose): no reason to stop the suite.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  state.url = `smtp://127.0.0.1:${port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
