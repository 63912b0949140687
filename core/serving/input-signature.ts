// What a predict instance takes, read from the spec and fitted transform a model was trained with
// (TF Serving's signature metadata): a client can build a request without reading the code.
import type { FeatureSpec } from '../features/spec';
import type { FittedTransform } from '../features/transform';
import { IMAGE_KEY_PREFIX } from './serving-images';

export interface InputColumn {
  name: string;
  role: FeatureSpec['columns'][number]['role'];
  type: 'string' | 'number' | 'string (ISO 8601) or number (epoch ms)';
  required: boolean;
  description: string;
  min?: number;
  max?: number;
  /** Values the model learned a weight for; others score as unknown (with a warning). Listed up to VALUES_LISTED. */
  values?: string[];
  vocabularySize?: number;
  hashBuckets?: number;
}

export interface InputSignature {
  inputs: InputColumn[];
  output: { name: 'clickProbability'; type: 'number'; range: [0, 1]; description: string };
  /** One instance that this model accepts, built from the signature. */
  example: Record<string, string | number>;
}

const VALUES_LISTED = 50;

export function inputSignature(spec: FeatureSpec, transform: FittedTransform): InputSignature {
  const inputs = spec.columns.filter((column) => column.role !== 'label').map((column) => describe(column, transform));
  return {
    inputs,
    output: { name: 'clickProbability', type: 'number', range: [0, 1], description: 'calibrated probability that the impression is clicked' },
    example: exampleInstance(inputs, transform),
  };
}

function describe(column: FeatureSpec['columns'][number], transform: FittedTransform): InputColumn {
  const base = { name: column.name, role: column.role };
  switch (column.role) {
    case 'id':
      return { ...base, type: 'string', required: false, description: 'the impression id; not a feature, echoed into the prediction log' };
    case 'timestamp':
      return { ...base, type: 'string (ISO 8601) or number (epoch ms)', required: false, description: 'when the ad is shown; defaults to now' };
    case 'numeric':
      return {
        ...base,
        type: 'number',
        required: column.required,
        description: 'a number',
        ...(column.min === undefined ? {} : { min: column.min }),
        ...(column.max === undefined ? {} : { max: column.max }),
      };
    case 'categorical': {
      const fitted = transform.categorical.find((c) => c.name === column.name);
      const learned = fitted?.kind === 'vocabulary' ? { vocabularySize: fitted.values.length, values: fitted.values.slice(0, VALUES_LISTED) } : {};
      const hashed = fitted?.kind === 'hash' ? { hashBuckets: fitted.buckets } : {};
      return { ...base, type: 'string', required: column.required, description: 'a category', ...learned, ...hashed };
    }
    case 'text':
      return { ...base, type: 'string', required: false, description: `free text; the first ${column.maxTokens} words count` };
    case 'image':
      return {
        ...base,
        type: 'string',
        required: false,
        description: `the ad image's bucket key, under ${IMAGE_KEY_PREFIX}; without it the model scores "no image"`,
      };
    default:
      return { ...base, type: 'string', required: false, description: '' };
  }
}

function exampleInstance(inputs: InputColumn[], transform: FittedTransform): Record<string, string | number> {
  const example: Record<string, string | number> = {};
  for (const input of inputs) {
    if (input.role === 'numeric') {
      const boundaries = transform.numeric.find((n) => n.name === input.name)?.boundaries ?? [];
      example[input.name] = boundaries[Math.floor(boundaries.length / 2)] ?? input.min ?? 0;
    } else if (input.role === 'categorical') example[input.name] = input.values?.[0] ?? 'some value';
    else if (input.role === 'timestamp') example[input.name] = new Date(transform.fittedOn.to).toISOString();
    else if (input.role === 'id') example[input.name] = 'impression-0001';
  }
  return example;
}
