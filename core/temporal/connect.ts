// One place that opens Temporal connections and makes sure our search attributes exist on the cluster.
import { Client, Connection } from '@temporalio/client';
// @temporalio/proto is CommonJS: Node's ESM loader only sees its default export.
import proto from '@temporalio/proto';
import type { Config } from '../config';
import { customSearchAttributes } from './search-attributes';

/** TEMPORAL_ADDRESS, or the embedded dev server the main job starts on TEMPORAL_DEV_PORT. */
export function temporalAddress(config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_DEV_PORT'>): string {
  return config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
}

export interface TemporalTarget {
  address: string;
  namespace: string;
}

/** `lazy` connects on first use, so a server that only sometimes needs Temporal (the API) starts without it. */
export async function connectClient(target: TemporalTarget, options: { lazy?: boolean } = {}): Promise<Client> {
  const connection = options.lazy ? Connection.lazy({ address: target.address }) : await Connection.connect({ address: target.address });
  return new Client({ connection, namespace: target.namespace });
}

/** Idempotent: registers the custom search attributes that are missing (existing clusters). */
export async function ensureSearchAttributes(client: Client): Promise<void> {
  const { namespace } = client.options;
  const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
  const missing = customSearchAttributes.filter((key) => !(key.name in (existing.customAttributes ?? {})));
  if (missing.length === 0) return;
  await client.connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
}
