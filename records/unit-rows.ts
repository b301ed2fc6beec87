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
  /** The unit workflow's run: a unit reset by an operator goes on in a new run, whose lines replace the old run's. */
  runId: string;
  /** The unit's history length when the line was made: a later write of the same run has at least as many events. */
  historyLength: number;
}

/**
 * The lines of a cycle's units written since `since` (the cycle's start: lines of an earlier run of
 * the same cycle id, one that never compiled its report, are not this run's); empty for none.
 */
export async function unitRowsOf(db: Records, cycle: string, since?: Date): Promise<StoredUnitRow[]> {
  let query = db.selectFrom('unit_rows').select('row').where('cycle', '=', cycle);
  if (since) query = query.where('written_at', '>=', since);
  const rows = await query.execute();
  return rows.map((r) => r.row as unknown as StoredUnitRow);
}

/** Writes lines, each unless a newer one of the same run of its unit is there already; one statement however many. */
export async function writeUnitRows(db: Records, writes: readonly UnitRowWrite[], now = new Date()): Promise<void> {
  if (writes.length === 0) return;
  await db
    .insertInto('unit_rows')
    .values(
      writes.map((w) => ({
        cycle: w.cycle,
        unit: w.unit,
        row: JSON.stringify(w.row),
        run_id: w.runId,
        history_length: w.historyLength,
        written_at: now,
      })),
    )
    .onConflict((conflict) =>
      conflict
        .columns(['cycle', 'unit'])
        .doUpdateSet((eb) => ({
          row: eb.ref('excluded.row'),
          run_id: eb.ref('excluded.run_id'),
          history_length: eb.ref('excluded.history_length'),
          written_at: eb.ref('excluded.written_at'),
        }))
        .where(sql<boolean>`excluded.run_id <> unit_rows.run_id or excluded.history_length >= unit_rows.history_length`),
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
 * before is written (at most `batch` lines in one statement). `put` resolves once its line is
 * written, so the worker sends a workflow task's completion only after its lines are in the
 * database (workers/unit-row-sinks.ts). A database that fails or hangs holds no task past
 * `maxWaitMs`: its lines are kept (unless newer ones replace them) and tried again every `retryMs`,
 * and are lost only if the worker stops before the database is back (then they are written again
 * with the unit's next change). `close` writes what is waiting, for at most `maxWaitMs` more.
 */
export interface UnitRowWriter {
  put(write: UnitRowWrite): Promise<void>;
  /** Writes what is waiting and stops. */
  close(): Promise<void>;
}

export function createUnitRowWriter(db: Records, options: { retryMs?: number; batch?: number; maxWaitMs?: number; onError?: (err: unknown) => void } = {}): UnitRowWriter {
  const retryMs = options.retryMs ?? 1_000;
  // Well inside a workflow task's 10 s: a task waits at most this long for its lines.
  const maxWaitMs = options.maxWaitMs ?? 2_000;
  const batch = options.batch ?? 500;
  const waiting = new Map<string, { write: UnitRowWrite; done: Set<() => void> }>();
  let writing: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  const idOf = (w: UnitRowWrite) => `${w.cycle}\u0000${w.unit}`;
  // A line of another run is the newer: only a reset starts one, and the old run is then over.
  const newer = (a: UnitRowWrite, b: UnitRowWrite) => a.runId !== b.runId || a.historyLength >= b.historyLength;

  const keep = (write: UnitRowWrite) => {
    const seen = waiting.get(idOf(write));
    const entry = { write: seen && !newer(write, seen.write) ? seen.write : write, done: seen?.done ?? new Set<() => void>() };
    waiting.set(idOf(write), entry);
    return entry;
  };
  const release = (taken: { done: Set<() => void> }[]) => {
    for (const t of taken) for (const done of t.done) done();
  };
  const writeWaiting = async (): Promise<void> => {
    // Lines put while a batch is written go in the next turn of this loop.
    while (waiting.size > 0) {
      const taken = [...waiting.values()].slice(0, batch);
      for (const t of taken) waiting.delete(idOf(t.write));
      try {
        await writeUnitRows(db, taken.map((t) => t.write));
      } catch (err) {
        options.onError?.(err);
        // Kept for the next try, unless a newer line came meanwhile; whoever waited goes on.
        for (const t of taken) keep(t.write);
        release(taken);
        if (!closed) retry ??= setTimeout(() => ((retry = undefined), void flush()), retryMs);
        return;
      }
      release(taken);
    }
  };
  const flush = (): Promise<void> => {
    writing ??= writeWaiting().finally(() => {
      writing = undefined;
      // A line put after the loop's last look, before this: its put saw a batch being written and left it to it.
      if (waiting.size > 0 && !retry && !closed) void flush();
    });
    return writing;
  };
  return {
    put(write) {
      if (closed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const entry = keep(write);
        const done = () => {
          clearTimeout(enough);
          entry.done.delete(done);
          resolve();
        };
        const enough = setTimeout(done, maxWaitMs);
        entry.done.add(done);
        // A batch being written takes this line in its next turn; a database that failed is tried again by its timer.
        if (!writing && !retry) void flush();
      });
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      retry = undefined;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        (async () => {
          while (writing) await writing;
          await flush();
        })(),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, maxWaitMs))),
      ]);
      clearTimeout(timer);
    },
  };
}
