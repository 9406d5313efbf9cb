/**
 * Splits `total` items over groups in proportion to their `sizes` by the largest-remainder
 * method, so the parts add up to exactly `total`; ties go to the group that comes first.
 * No group receives more than its size.
 */
export function apportion(sizes: readonly number[], total: number): number[] {
  const sum = sizes.reduce((acc, size) => acc + size, 0);
  if (sum === 0) return sizes.map(() => 0);
  // Integer arithmetic: total · size stays far below 2^53 for any dataset held in memory.
  const parts = sizes.map((size) => Math.floor((total * size) / sum));
  const remainders = sizes.map((size, group) => ({ group, remainder: (total * size) % sum }));
  let left = total - parts.reduce((acc, part) => acc + part, 0);
  remainders.sort((a, b) => b.remainder - a.remainder || a.group - b.group);
  for (const { group } of remainders) {
    if (left === 0) break;
    if (parts[group]! < sizes[group]!) {
      parts[group]! += 1;
      left -= 1;
    }
  }
  return parts;
}
