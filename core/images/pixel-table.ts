// A month's pixel table read shard by shard: each shard stays its own buffer (no month-sized Buffer,
// which Node caps at 4 GiB), and a row is found by binary search over the shards' first rows.
import type { PixelSource } from '../model/forward';

export function shardedPixelSource(shards: Uint8Array[], rowBytes: number): PixelSource {
  const firstRows: number[] = [];
  let rows = 0;
  for (const shard of shards) {
    firstRows.push(rows);
    rows += shard.length / rowBytes;
  }
  return (row) => {
    let low = 0;
    let high = shards.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (firstRows[middle]! <= row) low = middle;
      else high = middle - 1;
    }
    const offset = (row - firstRows[low]!) * rowBytes;
    return shards[low]!.subarray(offset, offset + rowBytes);
  };
}
