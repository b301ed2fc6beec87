/**
 * The worker's end of the units' line sink (workflows/unit-row.ts): each line a unit's activation
 * wrote to the visibility store is copied to the database of record, batched by the writer
 * (records/unit-rows.ts). The SDK waits for a sink's promise before it sends the activation's
 * completion, so a line is in the database before the server has the task that made it: a worker
 * killed in between loses nothing (the task runs again and writes the same line). A worker without
 * a database of record takes the calls and keeps nothing, so that its log does not fill with calls
 * to a sink it lacks.
 */
import type { InjectedSinks } from '@temporalio/worker';
import type { UnitRowSinks } from '../workflows/unit-row';
import type { UnitRowWriter } from '../records/unit-rows';

export function unitRowSinks(writer: UnitRowWriter | undefined): InjectedSinks<UnitRowSinks> {
  return {
    unitRows: {
      changed: {
        fn: (info, cycle, unit, row) => writer?.put({ cycle, unit, row, runId: info.runId, historyLength: info.historyLength }),
        // Replaying a history repeats lines already written.
        callDuringReplay: false,
      },
    },
  };
}
