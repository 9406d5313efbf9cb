/**
 * Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations, in float64.
 * `matrix` is `[n, n]` row-major and is not modified. Returns the eigenvalues in descending
 * order and the matching unit eigenvectors as rows.
 */
export function symmetricEigen(
  matrix: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array[] } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep += 1) {
    let off = 0;
    for (let p = 0; p < n; p += 1) for (let q = p + 1; q < n; q += 1) off += a[p * n + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p += 1) {
      for (let q = p + 1; q < n; q += 1) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        // The rotation that zeroes a[p][q]: tan(2θ) = 2 a_pq / (a_qq − a_pp).
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k += 1) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k += 1) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k += 1) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => a[j * n + j]! - a[i * n + i]!,
  );
  return {
    values: Float64Array.from(order, (i) => a[i * n + i]!),
    vectors: order.map((i) => Float64Array.from({ length: n }, (_, k) => v[k * n + i]!)),
  };
}

/**
 * The first two principal components of `rows` points of `dim` coordinates (row-major):
 * each point's coordinates along them (x, y interleaved, centred) and the fraction of the
 * total variance each explains. A 1-D input gets y = 0.
 */
export function projectTo2d(
  points: Float32Array,
  rows: number,
  dim: number,
): { coordinates: Float32Array; explained: [number, number] } {
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r += 1) {
    for (let j = 0; j < dim; j += 1) mean[j]! += points[r * dim + j]! / rows;
  }
  const covariance = new Float64Array(dim * dim);
  for (let r = 0; r < rows; r += 1) {
    for (let i = 0; i < dim; i += 1) {
      const di = points[r * dim + i]! - mean[i]!;
      for (let j = i; j < dim; j += 1) {
        covariance[i * dim + j]! += (di * (points[r * dim + j]! - mean[j]!)) / rows;
      }
    }
  }
  for (let i = 0; i < dim; i += 1) {
    for (let j = 0; j < i; j += 1) covariance[i * dim + j] = covariance[j * dim + i]!;
  }
  const { values, vectors } = symmetricEigen(covariance, dim);
  const total = values.reduce((sum, value) => sum + Math.max(value, 0), 0);
  const coordinates = new Float32Array(rows * 2);
  const axes = vectors.slice(0, 2);
  for (let r = 0; r < rows; r += 1) {
    axes.forEach((axis, a) => {
      let dot = 0;
      for (let j = 0; j < dim; j += 1) dot += (points[r * dim + j]! - mean[j]!) * axis[j]!;
      coordinates[r * 2 + a] = dot;
    });
  }
  const fraction = (index: number) =>
    total > 0 && index < dim ? Math.max(values[index]!, 0) / total : 0;
  return { coordinates, explained: [fraction(0), fraction(1)] };
}
