// Makes the run's candidate the API's champion: the pipeline promoted it if it was blessed; if not,
// the benchmark promotes it anyway, through the API as an operator would, since it scores the
// candidate either way. Resolves once the API serves that version.
import type { PromotionDecision } from '../activities/promote';
import type { BenchApi } from './stack';

async function servedVersion(apiUrl: string): Promise<number | null> {
  const health = (await (await fetch(`${apiUrl}/health`)).json()) as { champion: number | null };
  return health.champion;
}

export async function serveCandidate(api: BenchApi, decision: PromotionDecision): Promise<void> {
  if (decision.outcome === 'rejected') {
    // The audit history records the token's principal: token:benchmark.
    const response = await fetch(`${api.url}/v1/models/${decision.version}/promote`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
      body: JSON.stringify({ reason: `benchmark scores the candidate although it was rejected: ${decision.reasons.join('; ')}`, force: true }),
    });
    if (response.status !== 200) throw new Error(`promoting v${decision.version} answered ${response.status}: ${await response.text()}`);
  }
  const deadline = Date.now() + 60_000;
  while ((await servedVersion(api.url)) !== decision.version) {
    if (Date.now() > deadline) throw new Error(`the API did not start serving v${decision.version} within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
