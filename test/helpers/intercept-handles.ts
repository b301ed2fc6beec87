/** Faults and counters between a test and the real server, at the level of workflow handles. */
import { WorkflowUpdateRPCTimeoutOrCancelledError, type Client, type WorkflowHandle } from '@temporalio/client';

/**
 * A client whose workflow handles ask `intercept` for each member first: it returns a stand-in
 * (to count calls, or to lose a reply after the real call went through), or undefined for the real one.
 */
export function interceptHandles(client: Client, intercept: (workflowId: string, member: PropertyKey, handle: WorkflowHandle) => unknown): Client {
  return new Proxy(client, {
    get: (target, name) =>
      name !== 'workflow'
        ? Reflect.get(target, name)
        : new Proxy(target.workflow, {
            get: (workflow, member) =>
              member !== 'getHandle'
                ? Reflect.get(workflow, member)
                : (...args: Parameters<typeof workflow.getHandle>) =>
                    new Proxy(workflow.getHandle(...args), {
                      get: (handle, m) => intercept(args[0], m, handle) ?? Reflect.get(handle, m),
                    }),
          }),
  });
}

/**
 * A client whose updates reach the workflow but whose replies are lost, as when the server gives
 * up waiting under load (WorkflowUpdateRPCTimeoutOrCancelledError).
 */
export function losingUpdateReplies(client: Client): Client {
  return interceptHandles(client, (_id, member, handle) =>
    member === 'executeUpdate'
      ? async (...update: Parameters<typeof handle.executeUpdate>) => {
          await handle.executeUpdate(...update);
          throw new WorkflowUpdateRPCTimeoutOrCancelledError('Timeout expired');
        }
      : undefined,
  );
}
