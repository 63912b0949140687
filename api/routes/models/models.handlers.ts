import { versionSignature } from '../../../core/serving/version-signature';
import { ConcurrentPromotionError, InvalidTransitionError, VersionNotFoundError } from '../../../core/registry/errors';
import { auditActor } from '../../auth/token-set';
import type { AppRouteHandler } from '../../lib/types';
import type { ChampionRoute, GetOneRoute, HistoryRoute, ListRoute, PromoteRoute } from './models.routes';

export const list: AppRouteHandler<ListRoute> = async (c) => c.json({ versions: await c.var.deps.registry.list() }, 200);

export const champion: AppRouteHandler<ChampionRoute> = async (c) => {
  const { registry } = c.var.deps;
  const current = await registry.champion();
  if (!current) return c.json({ error: 'no champion model has been promoted yet' }, 404);
  const [model, signature] = await Promise.all([registry.get(current.version), versionSignature(c.var.deps.store, registry, current.version)]);
  return c.json({ champion: current, model: model ?? null, signature }, 200);
};

export const history: AppRouteHandler<HistoryRoute> = async (c) => {
  const { at } = c.req.valid('query');
  const { registry } = c.var.deps;
  if (at === undefined) return c.json({ entries: await registry.history() }, 200);
  return c.json({ at: new Date(at).toISOString(), champion: (await registry.championAt(new Date(at))) ?? null }, 200);
};

export const getOne: AppRouteHandler<GetOneRoute> = async (c) => {
  const { version } = c.req.valid('param');
  const { registry, store } = c.var.deps;
  const found = await registry.get(version);
  if (!found) return c.json({ error: `no registered model version v${version}` }, 404);
  return c.json({ ...found, signature: await versionSignature(store, registry, version) }, 200);
};

// A manual promotion or rollback: a compare-and-swap against the champion the caller saw, recorded as the token's principal.
export const promote: AppRouteHandler<PromoteRoute> = async (c) => {
  const { version } = c.req.valid('param');
  const { reason, force, expectedCurrent } = c.req.valid('json');
  const actor = auditActor(c.var.principal);
  const { registry, predictor } = c.var.deps;
  try {
    const before = await registry.champion();
    // Without an expectedCurrent, promoting the champion again changes nothing, and says so.
    if (expectedCurrent === undefined && before?.version === version) return c.json({ champion: before, changed: false }, 200);
    const expected = expectedCurrent !== undefined ? expectedCurrent : (before?.version ?? null);
    const champion = await registry.promote(version, { reason, force, actor, expectedCurrent: expected, requireChange: true });
    // This process follows at once; other serving processes on their next poll.
    predictor.refresh().catch(() => undefined);
    return c.json({ champion, changed: true }, 200);
  } catch (error) {
    if (error instanceof VersionNotFoundError) return c.json({ error: error.message }, 404);
    if (error instanceof ConcurrentPromotionError)
      return c.json({ error: error.message, details: { expectedCurrent: error.expectedCurrent ?? null, actualCurrent: error.actualCurrent } }, 409);
    if (error instanceof InvalidTransitionError) return c.json({ error: error.message }, 422);
    throw error;
  }
};
