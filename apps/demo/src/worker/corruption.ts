import type { Corruption } from '@aekit/denoising';
import type { Noise } from '../protocol';

/**
 * The denoising package's corruption for the view's noise: masking zeroes each pixel with
 * probability `level`; gaussian adds N(0, level²) and clips to [0, 1]; salt and pepper sets
 * each pixel with probability `level` to 0 or 1. The same noise a denoising model trains on.
 */
export function corruptionFor(kind: Noise['kind'], level: number): Corruption {
  if (kind === 'gaussian') return { type: 'gaussian', std: level, clip: [0, 1] };
  if (kind === 'salt-and-pepper') return { type: 'salt-and-pepper', rate: level };
  return { type: 'masking', rate: level };
}
