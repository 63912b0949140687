// A training example as ingest writes it (one JSON object per line in gzipped shards): the row's
// validated, typed values, before any fitted preprocessing.
export interface Example {
  /** The row's id (the spec's first id column), kept for joins and tracing. */
  id?: string;
  /** Impression time, epoch milliseconds. */
  t: number;
  /** The label: 1 when clicked. */
  y: 0 | 1;
  /** Feature values by column name: numbers for numeric columns (null when missing), strings for
   *  categorical and text columns (null when missing), and for the image column the image's key
   *  in the bucket, or null when the row has none. */
  f: Record<string, number | string | null>;
}
