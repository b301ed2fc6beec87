/**
 * A running cycle's unit lines beside the visibility store (migration 0014), so that the status of
 * thousands of units is one query of the database instead of a listing of Temporal's visibility
 * store (the dev server's lists some 4,000 rows a second, whatever the page size). The worker writes
 * each unit's line after the activation that changed it (workers/unit-row-sinks.ts): in batches,
 * newest write wins, and a write that is lost (a worker that dies within a batch's interval) is
 * mended by the unit's next change. A reader checks the lines against the visibility store's
 * counts and lists the store instead when they differ (client/cycles.ts).
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
 * Collects lines and writes them in batches: the newest of each unit since the last batch, at most
 * every `intervalMs`. A failed batch is kept for the next (unless newer lines replace it), so a
 * database that is away for a moment loses nothing; `flush` writes what is waiting (at shutdown).
 */
export interface UnitRowWriter {
  put(write: UnitRowWrite): void;
  flush(): Promise<void>;
  /** Writes what is waiting and stops. */
  close(): Promise<void>;
}

export function createUnitRowWriter(db: Records, options: { intervalMs?: number; batch?: number; onError?: (err: unknown) => void } = {}): UnitRowWriter {
  const intervalMs = options.intervalMs ?? 200;
  const batch = options.batch ?? 500;
  const waiting = new Map<string, UnitRowWrite>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;
  const newer = (a: UnitRowWrite, b: UnitRowWrite) => a.runStartedAt.getTime() > b.runStartedAt.getTime() || (a.runStartedAt.getTime() === b.runStartedAt.getTime() && a.historyLength >= b.historyLength);

  const keep = (write: UnitRowWrite) => {
    const id = `${write.cycle}\u0000${write.unit}`;
    const seen = waiting.get(id);
    if (!seen || newer(write, seen)) waiting.set(id, write);
  };
  const writeWaiting = async () => {
    while (waiting.size > 0) {
      const taken = [...waiting.values()].slice(0, batch);
      for (const w of taken) waiting.delete(`${w.cycle}\u0000${w.unit}`);
      try {
        await writeUnitRows(db, taken);
      } catch (err) {
        for (const w of taken) keep(w);
        options.onError?.(err);
        return;
      }
    }
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    writing = writing.then(writeWaiting).then(() => {
      // A batch that failed is tried again a moment later, without waiting for the next change.
      if (waiting.size > 0 && !closed && !timer) timer = setTimeout(() => void flush(), intervalMs * 5);
    });
    return writing;
  };
  return {
    put(write) {
      keep(write);
      if (!timer && !closed) timer = setTimeout(() => void flush(), intervalMs);
    },
    flush,
    async close() {
      closed = true;
      await flush();
    },
  };
}
