// The one image preprocessing step, shared by ingest and serving: decode PNG/JPEG/WebP, drop alpha,
// resize to size×size RGB. Throws a readable error for corrupt or unsupported files.
import sharp from 'sharp';

export class UnreadableImageError extends Error {}

export async function decodeAdImage(bytes: Buffer, size: number): Promise<Uint8Array> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'truncated' })
      .removeAlpha()
      .toColourspace('srgb')
      .resize(size, size, { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (error) {
    throw new UnreadableImageError((error as Error).message.split('\n')[0]);
  }
}
