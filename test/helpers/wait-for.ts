// Polling for something a test waits on outside Temporal (an object in the bucket, a state), failing by name.

/** The probe's first truthy value; a probe that throws (e.g. while its server is down) counts as not yet. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not happen within ${timeoutMs / 1000}s`);
}
