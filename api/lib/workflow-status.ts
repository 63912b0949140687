// Reading a workflow's state for a status route: its latest run, and why it failed, innermost cause first.
import { WorkflowNotFoundError, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';

/** How long a GET waits for a worker to answer a progress query before reporting progress as null. */
export const QUERY_DEADLINE_MS = 3000;

export async function describeLatest<H extends WorkflowHandle>(handle: H): Promise<{ handle: H; description: WorkflowExecutionDescription } | undefined> {
  try {
    return { handle, description: await handle.describe() };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** Messages from the innermost cause outwards: the innermost (e.g. "No CSV files under …") says why. */
export function causeChain(error: unknown): string[] {
  const messages: string[] = [];
  for (let current = error as (Error & { cause?: unknown }) | undefined; current instanceof Error; current = current.cause as typeof current) {
    if (current.message) messages.unshift(current.message);
  }
  return messages;
}
