/**
 * A workflow's line in Temporal's visibility store: its memo (what lists show) and its search
 * attributes (what lists filter on), written whenever they change. Lists and status pages then read
 * thousands of workflows in one listing instead of asking (and replaying) each one.
 */
import * as wf from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';

/**
 * Writes the line after every activation that changed it, and at once unless `afterFirstTask`.
 * Returns the writer, for a workflow to call right before it returns (its last change then reaches
 * the store with its result).
 *
 * A write is two commands (memo, search attributes), and the server writes the visibility record
 * for each: `afterFirstTask` writes the first task's line once, with the state the task ended in.
 * Writing at once wrote it twice whenever the first task changed it (a unit that opens at once
 * sends its request in its first task). Workflows whose histories were recorded writing at once
 * must go on doing so. `writtenAtStart`: the line the workflow was started with (its memo), which
 * the first task then writes only if it changed. `written`: told of each line written.
 */
export function keepVisible<Row>(
  memoField: string,
  row: () => Row,
  attributes: (row: Row) => SearchAttributeUpdatePair[],
  options: { afterFirstTask?: boolean; writtenAtStart?: Row; written?: (row: Row) => void } = {},
): () => void {
  const attributesJson = (pairs: SearchAttributeUpdatePair[]) => JSON.stringify(pairs.map((p) => [p.key.name, p.value]));
  // A line given with the workflow's start is in the store already: only a change is written.
  let writtenRow = options.writtenAtStart === undefined ? '' : JSON.stringify(options.writtenAtStart);
  let writtenAttributes = options.writtenAtStart === undefined ? '' : attributesJson(attributes(options.writtenAtStart));
  const write = () => {
    const current = row();
    const json = JSON.stringify(current);
    if (json === writtenRow) return;
    writtenRow = json;
    wf.upsertMemo({ [memoField]: current });
    const pairs = attributes(current);
    const pairsJson = attributesJson(pairs);
    if (pairsJson !== writtenAttributes) {
      writtenAttributes = pairsJson;
      wf.upsertSearchAttributes(pairs);
    }
    options.written?.(current);
  };
  if (!options.afterFirstTask) write();
  // A condition is looked at after every activation: one watcher sees every change, whichever
  // handler or timer made it, without each of them remembering to write.
  void (async () => {
    for (;;) {
      await wf.condition(() => JSON.stringify(row()) !== writtenRow);
      write();
    }
  })();
  return write;
}
