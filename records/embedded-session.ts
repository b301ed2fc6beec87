/**
 * PGlite is a single PostgreSQL session; PGLiteSocketServer lets several connections share it by
 * running their protocol messages one at a time. Its own queue keeps one connection's messages
 * together only inside a transaction, so an extended-protocol batch (Parse, Bind, Execute … Sync)
 * that reaches the server in more than one read — a parameter of some 64 kB is enough — can have
 * another connection's Parse run in the middle of it: the first then binds the other's statement
 * and fails, or reads rows that are not its own (electric-sql/pglite issue 1046, open). And a
 * message that throws inside PGlite stops its queue for every connection.
 *
 * This queue takes the place of the server's own. A connection keeps the session from its first
 * message until the backend's answer ends with ReadyForQuery saying "idle": that covers a batch
 * until its Sync, a transaction until it ends, and COPY until it is done. A connection that goes
 * away while it keeps the session has its batch ended and its transaction rolled back, so the
 * others go on.
 *
 * What this cannot undo: one session means that a connection idle inside a transaction holds up
 * every other. Code that opens a transaction must do its work through that transaction only and
 * never wait there for another connection (it would wait for ever here, though not on a server).
 */
import type { PGlite } from '@electric-sql/pglite';

interface WaitingMessage {
  connection: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

/** Sync: ends a batch the connection left half-sent. */
const SYNC_MESSAGE = new Uint8Array([0x53, 0, 0, 0, 4]);
const READY_FOR_QUERY = 0x5a;
const IDLE = 0x49;

function simpleQuery(text: string): Uint8Array {
  const body = Buffer.from(`${text}\0`, 'utf8');
  const message = Buffer.alloc(5 + body.length);
  message.writeUInt8(0x51, 0);
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return message;
}

/** The last `length` bytes of what came before and what came now. */
function lastBytes(before: Uint8Array, chunk: Uint8Array, length: number): Uint8Array {
  const joined = Buffer.concat([before, chunk]);
  return joined.subarray(Math.max(0, joined.length - length));
}

/** Whether the backend's answer ended with ReadyForQuery, status idle (no transaction open). */
function endsIdle(tail: Uint8Array): boolean {
  return tail.length === 6 && tail[0] === READY_FOR_QUERY && Buffer.from(tail).readInt32BE(1) === 5 && tail[5] === IDLE;
}

/** Has the same methods as the socket server's own queue (QueryQueueManager), which it replaces. */
export class PGliteSessionQueue {
  private readonly waiting: WaitingMessage[] = [];
  /** The connection whose batch or transaction is open in the session; only its messages may run. */
  private holder: number | undefined;
  private readonly departed = new Set<number>();
  private draining = false;

  constructor(private readonly db: PGlite) {}

  enqueue(connection: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.waiting.push({ connection, message, onData, resolve, reject });
      void this.drain();
    });
  }

  getQueueLength(): number {
    return this.waiting.length;
  }

  clearQueueForHandler(connection: number): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const item = this.waiting[i]!;
      if (item.connection !== connection) continue;
      this.waiting.splice(i, 1);
      item.reject(new Error('The connection closed before its message ran.'));
    }
  }

  /** Called as a connection goes away: if it kept the session, the session is freed for the others. */
  async clearTransactionIfNeeded(connection: number): Promise<void> {
    this.departed.add(connection);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        if (this.holder !== undefined && this.departed.has(this.holder)) await this.freeSession();
        this.departed.clear();
        const next = this.holder === undefined ? 0 : this.waiting.findIndex((m) => m.connection === this.holder);
        // The holder's next message has not come yet: the others wait for it.
        if (next < 0 || this.waiting.length === 0) return;
        await this.run(this.waiting.splice(next, 1)[0]!);
      }
    } finally {
      this.draining = false;
    }
  }

  private async run(item: WaitingMessage): Promise<void> {
    let bytes = 0;
    let tail: Uint8Array = new Uint8Array(0);
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(item.message, {
          onRawData: (chunk) => {
            bytes += chunk.length;
            tail = lastBytes(tail, chunk, 6);
            item.onData(chunk);
          },
        }),
      );
      this.holder = endsIdle(tail) ? undefined : item.connection;
      item.resolve(bytes);
    } catch (err) {
      // The socket handler closes a connection whose message failed; until it has, and its session
      // state is cleared, the others wait. The queue itself goes on.
      this.holder = item.connection;
      item.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private async freeSession(): Promise<void> {
    try {
      await this.db.runExclusive(async () => {
        await this.db.execProtocolRaw(SYNC_MESSAGE);
        if (this.db.isInTransaction()) await this.db.execProtocolRaw(simpleQuery('ROLLBACK'));
      });
    } catch {
      // PGlite is closing (the server stops): there is no session left to free.
    } finally {
      this.holder = undefined;
    }
  }
}
