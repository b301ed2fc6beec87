/**
 * ClamAV's clamd over its socket (a Unix socket's path or host:port, FOLLOWUP_CLAMD): every file
 * attached to an answer is streamed to it (INSTREAM) before it is kept. A file is taken only on
 * clamd's "OK"; a clamd that cannot be reached, is too slow or answers with an error takes nothing.
 */
import { connect, type Socket } from 'node:net';

export type ScanResult = { clean: true } | { clean: false; signature: string };

export class ScannerUnavailableError extends Error {
  override name = 'ScannerUnavailableError';
}

export interface MalwareScanner {
  /** Where clamd is, as FOLLOWUP_CLAMD names it. */
  readonly address: string;
  scan(content: Uint8Array): Promise<ScanResult>;
  /** Whether clamd answers (PING → PONG), for the start and `followup config check`. */
  ping(): Promise<void>;
}

/** clamd reads a stream in chunks; 64 kB keeps each write small. */
const CHUNK = 64 * 1024;

function target(address: string): { path: string } | { host: string; port: number } {
  if (address.startsWith('/')) return { path: address };
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(colon + 1)) };
}

/** One command to clamd, the reply up to its NUL (the "z" form of the commands). */
function ask(address: string, timeoutMs: number, write: (socket: Socket) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(target(address));
    const chunks: Buffer[] = [];
    let settled = false;
    const done = (err?: Error, reply?: string) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    socket.setTimeout(timeoutMs, () => done(new ScannerUnavailableError(`clamd at ${address} did not answer within ${timeoutMs / 1000} s; check that it runs (systemctl status clamav-daemon) and is not overloaded.`)));
    socket.on('error', (err) => done(new ScannerUnavailableError(`Cannot reach clamd at ${address} (${err.message}); start it (systemctl start clamav-daemon) or set FOLLOWUP_CLAMD to where it listens.`)));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      const end = all.indexOf(0);
      if (end >= 0) done(undefined, all.subarray(0, end).toString('utf8'));
    });
    socket.on('end', () => done(undefined, Buffer.concat(chunks).toString('utf8').replace(/\0.*$/s, '')));
    socket.on('connect', () => write(socket));
  });
}

export function createClamdScanner(address: string, options: { timeoutMs?: number } = {}): MalwareScanner {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    address,
    async scan(content) {
      const reply = await ask(address, timeoutMs, (socket) => {
        socket.write('zINSTREAM\0');
        for (let at = 0; at < content.length; at += CHUNK) {
          const part = content.subarray(at, Math.min(at + CHUNK, content.length));
          const size = Buffer.alloc(4);
          size.writeUInt32BE(part.length);
          socket.write(size);
          socket.write(part);
        }
        socket.write(Buffer.alloc(4));
      });
      // "stream: OK", "stream: Eicar-Test-Signature FOUND", or "… ERROR" (a size limit, a broken database).
      const found = /^stream: (.+) FOUND$/.exec(reply.trim());
      if (found) return { clean: false, signature: found[1]! };
      if (/^stream: OK$/.test(reply.trim())) return { clean: true };
      throw new ScannerUnavailableError(`clamd at ${address} could not scan the file: "${reply.trim() || '(no answer)'}". Check its log; a file larger than its StreamMaxLength is refused by it.`);
    },
    async ping() {
      const reply = await ask(address, Math.min(timeoutMs, 10_000), (socket) => socket.write('zPING\0'));
      if (reply.trim() !== 'PONG') throw new ScannerUnavailableError(`clamd at ${address} answered "${reply.trim()}" to PING; is it clamd that listens there?`);
    },
  };
}
