// What every handler can reach: the app's dependencies, injected once per app so tests pass real parts.
import type { OpenAPIHono, RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { HttpBindings } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import type { Config } from '../../core/config';
import type { ModelRegistry } from '../../core/registry/model-registry';
import type { ChampionPredictor } from '../../core/serving/champion-predictor';
import type { BlobStore } from '../../core/storage/blob-store';
import type { Principal, TokenSet } from '../auth/token-set';
import type { ApiMetrics } from './api-metrics';

export interface AppDeps {
  store: BlobStore;
  registry: ModelRegistry;
  predictor: ChampionPredictor;
  temporal: Client;
  config: Config;
  /** The bearer tokens the API accepts. */
  tokens: TokenSet;
}

export interface AppBindings {
  /** Node's request and response when served by @hono/node-server (absent on other runtimes). */
  Bindings: Partial<HttpBindings>;
  /** principal: who the request's token belongs to; set on every route but the public ones. */
  Variables: { deps: AppDeps; principal: Principal; metrics: ApiMetrics };
}

export type AppOpenAPI = OpenAPIHono<AppBindings>;

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppBindings>;
