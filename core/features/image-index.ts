// The month's table of decoded ad images, as the image step writes it beside the pixel bytes.
export interface ImageIndex {
  size: number;
  /** Bucket keys of the images that decoded; row i of the pixel table is keys[i]. */
  keys: string[];
  checks: { referenced: number; ok: number; missing: number; corrupt: number; failures: { key: string; reason: string }[] };
  /** The pixel table's shards in row order (one per image part); absent: one table at the month's pixelsKey. */
  shards?: { key: string; rows: number }[];
}
