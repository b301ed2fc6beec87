/**
 * Registers the project's search attributes (workflows/definitions.ts) in the namespace, on the dev
 * server and on a cluster alike, before a worker takes tasks: a workflow that sets an attribute the
 * namespace does not know fails its task.
 */
import type { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { isUnimplemented } from '../client/temporal';
import { SEARCH_ATTRIBUTES } from '../workflows/definitions';

const INDEXED_TYPE: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.KEYWORD]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.TEXT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.DATETIME]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.INT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

/**
 * How long a Temporal cluster's services may go on without search attributes just added: each
 * keeps them in a cache it refreshes every 60 s (`searchattribute` manager, server 1.32). The
 * frontend lists them at once; the history service may refuse a workflow task setting one until its
 * refresh, and the server then retries the task with a growing backoff.
 */
export const SEARCH_ATTRIBUTE_CACHE_MS = 61_000;

export class SearchAttributesNotRegisteredError extends Error {
  override name = 'SearchAttributesNotRegisteredError';
}

/** Adds what is missing; returns the names it added. Safe to run from every worker at every start. */
export async function registerSearchAttributes(connection: Connection, namespace: string, timeoutMs = 30_000): Promise<string[]> {
  const wanted = Object.values(SEARCH_ATTRIBUTES).map((k) => ({ name: k.name, type: INDEXED_TYPE[k.type]! }));
  const known = async () => {
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    return new Set([...Object.keys(listed.customAttributes ?? {}), ...Object.keys(listed.systemAttributes ?? {})]);
  };
  const add = async (names: typeof wanted) => {
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(names.map((m) => [m.name, m.type])) });
    } catch (err) {
      // Another worker starting at the same time may have added them first.
      if (/already exists/i.test((err as Error).message)) return;
      throw new SearchAttributesNotRegisteredError(
        `Could not register the search attributes ${names.map((m) => m.name).join(', ')} in namespace ${namespace}: ${(err as Error).message}. ` +
          `An operator can add them with: ${names.map((m) => `temporal operator search-attribute create --namespace ${namespace} --name ${m.name} --type Keyword`).join(' && ')}`,
      );
    }
  };
  let initial: Set<string>;
  try {
    initial = await known();
  } catch (err) {
    if (!isUnimplemented(err)) throw err;
    // Temporal's time-skipping test server cannot list them, but takes them one at a time.
    for (const attribute of wanted) await add([attribute]);
    return wanted.map((m) => m.name);
  }
  const missing = wanted.filter((w) => !initial.has(w.name));
  if (missing.length === 0) return [];
  await add(missing);
  // The frontend lists them once its namespace cache has them; a workflow setting one earlier would fail its task.
  const end = Date.now() + timeoutMs;
  for (;;) {
    const now = await known();
    if (missing.every((m) => now.has(m.name))) break;
    if (Date.now() > end) throw new SearchAttributesNotRegisteredError(`The search attributes ${missing.map((m) => m.name).join(', ')} were added but namespace ${namespace} does not list them after ${timeoutMs / 1000} s.`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return missing.map((m) => m.name);
}
