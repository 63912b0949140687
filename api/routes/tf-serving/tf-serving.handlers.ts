import type { InputColumn } from '../../../core/serving/input-signature';
import { InvalidInstancesError, NoChampionError } from '../../../core/serving/errors';
import { versionSignature } from '../../../core/serving/version-signature';
import type { AppRouteHandler } from '../../lib/types';
import { SERVED_MODEL_NAME, type MetadataRoute, type PredictRoute, type StatusRoute } from './tf-serving.routes';

const NO_CHAMPION = `no version of ${SERVED_MODEL_NAME} is available: no champion has been promoted yet`;

export const status: AppRouteHandler<StatusRoute> = async (c) => {
  const champion = await c.var.deps.registry.champion();
  if (!champion) return c.json({ error: NO_CHAMPION }, 404);
  const ok = { error_code: 'OK', error_message: '' };
  const served = [{ version: String(champion.version), state: 'AVAILABLE' as const, status: ok }];
  const previous = champion.previous === null ? [] : [{ version: String(champion.previous), state: 'END' as const, status: ok }];
  return c.json({ model_version_status: [...served, ...previous] }, 200);
};

export const metadata: AppRouteHandler<MetadataRoute> = async (c) => {
  const { registry, store } = c.var.deps;
  const champion = await registry.champion();
  const signature = champion && (await versionSignature(store, registry, champion.version));
  if (!champion || !signature) return c.json({ error: NO_CHAMPION }, 404);
  const tensor = (name: string, dtype: string) => ({ dtype, tensor_shape: { dim: [{ size: '-1', name: '' }], unknown_rank: false }, name });
  const inputs = Object.fromEntries(signature.inputs.map((input) => [input.name, tensor(input.name, dtypeOf(input))]));
  const outputs = { [signature.output.name]: tensor(signature.output.name, 'DT_FLOAT') };
  return c.json(
    {
      model_spec: { name: SERVED_MODEL_NAME, signature_name: '', version: String(champion.version) },
      metadata: { signature_def: { signature_def: { serving_default: { inputs, outputs, method_name: 'tensorflow/serving/predict' } } } },
    },
    200,
  );
};

export const predict: AppRouteHandler<PredictRoute> = async (c) => {
  const { instances } = c.req.valid('json');
  try {
    const result = await c.var.deps.predictor.predict(instances);
    c.var.metrics.predicted(result.modelVersion, result.predictions.length);
    return c.json({ predictions: result.predictions.map((p) => p.clickProbability) }, 200);
  } catch (error) {
    if (error instanceof NoChampionError) return c.json({ error: error.message }, 503);
    if (error instanceof InvalidInstancesError) return c.json({ error: error.message, details: error.problems }, 400);
    throw error;
  }
};

function dtypeOf(input: InputColumn): string {
  return input.type === 'number' ? 'DT_FLOAT' : 'DT_STRING';
}
