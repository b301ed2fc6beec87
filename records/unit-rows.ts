/**
 * A running cycle's unit lines beside the visibility store (migration 0014), so that the status of
 * thousands of units is one query of the database instead of a listing of Temporal's visibility
 * store (the dev server's lists some 4,000 rows a second, whatever the page size). The worker writes
 * each unit's line after the activation that changed it and before it completes the workflow task
 * (workers/unit-row-sinks.ts), in batches, the newest write winning. A reader checks the lines
 * against the visibility store's counts by state and lists the store instead when they differ
 * (client/cycles.ts).
 */
import { sql } from 'kysely';
import type { StoredUnitRow } from '../domain/types';
import type { Records } from './database';

export interface UnitRowWrite {
  /** The cycle's workflow id. */
  cycle: string;
  unit: string;
  row: StoredUnitRow;
  /** The unit workflow's run: a reset unit's new run replaces the old run's line. */
  runStartedAt: Date;
  /** The unit's history length when the line was made: a later write of the same run has at least as many events. */
  historyLength: number;
}

/** The lines of a cycle's units, as written; empty for a cycle that has none here. */
export async function unitRowsOf(db: Records, cycle: string): Promise<StoredUnitRow[]> {
  const rows = await db.selectFrom('unit_rows').select('row').where('cycle', '=', cycle).execute();
  return rows.map((r) => r.row as unknown as StoredUnitRow);
}

/** Writes lines, each unless a newer one of its unit is there already; one statement however many. */
export async function writeUnitRows(db: Records, writes: readonly UnitRowWrite[], now = new Date()): Promise<void> {
  if (writes.length === 0) return;
  await db
    .insertInto('unit_rows')
    .values(
      writes.map((w) => ({
        cycle: w.cycle,
        unit: w.unit,
        row: JSON.stringify(w.row),
        run_started_at: w.runStartedAt,
        history_length: w.historyLength,
        written_at: now,
      })),
    )
    .onConflict((conflict) =>
      conflict
        .columns(['cycle', 'unit'])
        .doUpdateSet((eb) => ({
          row: eb.ref('excluded.row'),
          run_started_at: eb.ref('excluded.run_started_at'),
          history_length: eb.ref('excluded.history_length'),
          written_at: eb.ref('excluded.written_at'),
        }))
        .where(sql<boolean>`(excluded.run_started_at, excluded.history_length) >= (unit_rows.run_started_at, unit_rows.history_length)`),
    )
    .execute();
}

/** Forgets a cycle's lines: once it has closed, its report's data keeps them. */
export async function forgetUnitRows(db: Records, cycle: string): Promise<number> {
  const result = await db.deleteFrom('unit_rows').where('cycle', '=', cycle).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Collects lines and writes them in batches: the newest of each unit, a batch as soon as the one
 * before is written (and at most `batch` lines in one statement). `put` resolves once its line is
 * written, so the worker sends a workflow task's completion only after its lines are in the
 * database (workers/unit-row-sinks.ts): a worker killed at any moment loses none. A database that
 * is away does not hold the workflows up: a failed batch resolves its puts, is kept for the next
 * (unless newer lines replace it) and tried again shortly, and one that hangs is waited for at
 * most `maxWaitMs`; `close` writes what is waiting.
 */
export interface UnitRowWriter {
  put(write: UnitRowWrite): Promise<void>;
  flush(): Promise<void>;
  /** Writes what is waiting and stops. */
  close(): Promise<void>;
}

export function createUnitRowWriter(db: Records, options: { retryMs?: number; batch?: number; maxWaitMs?: number; onError?: (err: unknown) => void } = {}): UnitRowWriter {
  const retryMs = options.retryMs ?? 1_000;
  // Well inside a workflow task's 10 s: a task waits at most this long for its lines.
  const maxWaitMs = options.maxWaitMs ?? 2_000;
  const batch = options.batch ?? 500;
  const waiting = new Map<string, { write: UnitRowWrite; done: (() => void)[] }>();
  let writing: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  const idOf = (w: UnitRowWrite) => `${w.cycle}\u0000${w.unit}`;
  const newer = (a: UnitRowWrite, b: UnitRowWrite) => a.runStartedAt.getTime() > b.runStartedAt.getTime() || (a.runStartedAt.getTime() === b.runStartedAt.getTime() && a.historyLength >= b.historyLength);

  const keep = (write: UnitRowWrite, done: (() => void)[]) => {
    const seen = waiting.get(idOf(write));
    if (!seen) waiting.set(idOf(write), { write, done });
    else waiting.set(idOf(write), { write: newer(write, seen.write) ? write : seen.write, done: [...seen.done, ...done] });
  };
  const writeWaiting = async (): Promise<void> => {
    while (waiting.size > 0) {
      const taken = [...waiting.values()].slice(0, batch);
      for (const t of taken) waiting.delete(idOf(t.write));
      try {
        await writeUnitRows(db, taken.map((t) => t.write));
      } catch (err) {
        options.onError?.(err);
        // Kept for the next try; whoever waited goes on.
        for (const t of taken) keep(t.write, []);
        for (const t of taken) for (const done of t.done) done();
        if (!closed) retry ??= setTimeout(() => ((retry = undefined), void flush()), retryMs);
        return;
      }
      for (const t of taken) for (const done of t.done) done();
    }
  };
  // One batch at a time: lines that come while one is written go in the next.
  const flush = (): Promise<void> => {
    writing ??= writeWaiting().finally(() => {
      writing = undefined;
    });
    return writing;
  };
  return {
    put(write) {
      return new Promise<void>((resolve) => {
        // A database that hangs rather than fails holds no workflow task past this either.
        const enough = setTimeout(resolve, maxWaitMs);
        keep(write, [
          () => {
            clearTimeout(enough);
            resolve();
          },
        ]);
        if (closed) return resolve();
        void (writing ?? Promise.resolve()).then(() => flush());
      });
    },
    async flush() {
      while (writing) await writing;
      await flush();
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      retry = undefined;
      while (writing) await writing;
      await flush();
    },
  };
}
