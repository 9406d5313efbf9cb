/*
 * aekit's WebAssembly kernels for the tfjs WASM backend: a float32 matrix product with every
 * transpose combination and an optional bias + ReLU epilogue, the three 2-D convolution kernels
 * (forward, filter gradient, input gradient) on that product, the Bernoulli log-likelihood of
 * logits with its gradient, and a column sum.
 *
 * Built by scripts/build-kernels.mjs (clang, wasm32, 128-bit SIMD) into one small module that
 * imports the backend's memory: every pointer is a byte offset of a tensor (or of a scratch
 * buffer the caller allocated) in that memory. The code must not use linear memory of its own:
 * no static data, no stack frames (no local arrays, no address-taken locals). The build script
 * checks the module for both.
 */
#include <stddef.h>
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

enum {
  GEMM_TRANSPOSE_A = 1,
  GEMM_TRANSPOSE_B = 2,
  GEMM_BIAS = 4,
  GEMM_RELU = 8,
  /* Internal (the convolutions): C += op(A)·op(B) instead of C = op(A)·op(B). */
  GEMM_ACCUMULATE = 16,
};

/* Columns per micro-panel of op(B), and rows of op(A) per micro-kernel call. */
#define NR 8
#define MR 4

/* ---------------------------------------------------------------------------------------------
 * Packing. op(B) is K×N; its element (k, j) is b[k * bk + j * bj]. A panel holds columns
 * [j0, j0 + NR) of op(B) as dst[k * NR + c], zero beyond column N, so the micro-kernel reads
 * 8 consecutive floats per k whatever the layout of B.
 */

static void pack_rows(const float *b, size_t bk, size_t K, size_t j0, float *dst) {
  /* B not transposed: each k contributes 8 consecutive floats of row k. */
  const float *src = b + j0;
  for (size_t k = 0; k < K; k++) {
    wasm_v128_store(dst + NR * k, wasm_v128_load(src + k * bk));
    wasm_v128_store(dst + NR * k + 4, wasm_v128_load(src + k * bk + 4));
  }
}

/* Transposes the 4×4 block (r0; r1; r2; r3) and stores its rows 8 floats apart. */
static inline void store_transposed_4x4(v128_t r0, v128_t r1, v128_t r2, v128_t r3, float *d) {
  const v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
  const v128_t t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
  const v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
  const v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  wasm_v128_store(d, wasm_i64x2_shuffle(t0, t2, 0, 2));
  wasm_v128_store(d + NR, wasm_i64x2_shuffle(t0, t2, 1, 3));
  wasm_v128_store(d + 2 * NR, wasm_i64x2_shuffle(t1, t3, 0, 2));
  wasm_v128_store(d + 3 * NR, wasm_i64x2_shuffle(t1, t3, 1, 3));
}

static void pack_columns(const float *b, size_t bj, size_t K, size_t j0, float *dst) {
  /* B transposed (N×K in memory): column j of op(B) is row j of B, contiguous in k. */
  const float *r0 = b + (j0 + 0) * bj, *r1 = b + (j0 + 1) * bj;
  const float *r2 = b + (j0 + 2) * bj, *r3 = b + (j0 + 3) * bj;
  const float *r4 = b + (j0 + 4) * bj, *r5 = b + (j0 + 5) * bj;
  const float *r6 = b + (j0 + 6) * bj, *r7 = b + (j0 + 7) * bj;
  size_t k = 0;
  for (; k + 4 <= K; k += 4) {
    float *d = dst + NR * k;
    store_transposed_4x4(wasm_v128_load(r0 + k), wasm_v128_load(r1 + k), wasm_v128_load(r2 + k),
                         wasm_v128_load(r3 + k), d);
    store_transposed_4x4(wasm_v128_load(r4 + k), wasm_v128_load(r5 + k), wasm_v128_load(r6 + k),
                         wasm_v128_load(r7 + k), d + 4);
  }
  for (; k < K; k++) {
    float *d = dst + NR * k;
    d[0] = r0[k], d[1] = r1[k], d[2] = r2[k], d[3] = r3[k];
    d[4] = r4[k], d[5] = r5[k], d[6] = r6[k], d[7] = r7[k];
  }
}

static void pack_partial(const float *b, size_t bk, size_t bj, size_t K, size_t j0, size_t nr,
                         float *dst) {
  /* The last panel, fewer than NR columns: element by element, zero-padded. */
  for (size_t k = 0; k < K; k++) {
    for (size_t c = 0; c < NR; c++) dst[NR * k + c] = c < nr ? b[k * bk + (j0 + c) * bj] : 0.0f;
  }
}

/* ---------------------------------------------------------------------------------------------
 * Micro-kernel: rows [i0, i0 + mr) of op(A) (mr ≤ 4) times one packed panel, into C.
 * op(A)(i, k) = a[i * ai + k * ak]. Each k broadcasts one element per row and multiplies it
 * with the panel's 8 values: 8 accumulators of 4 lanes hold the 4×8 block.
 */

static inline void store_lanes(float *out, v128_t v, size_t n) {
  if (n > 0) out[0] = wasm_f32x4_extract_lane(v, 0);
  if (n > 1) out[1] = wasm_f32x4_extract_lane(v, 1);
  if (n > 2) out[2] = wasm_f32x4_extract_lane(v, 2);
  if (n > 3) out[3] = wasm_f32x4_extract_lane(v, 3);
}

/* Loads p[0 .. n) (n < 4) into the first lanes, zero in the others. */
static inline v128_t load_tail(const float *p, size_t n) {
  v128_t v = wasm_f32x4_splat(0.0f);
  if (n > 0) v = wasm_f32x4_replace_lane(v, 0, p[0]);
  if (n > 1) v = wasm_f32x4_replace_lane(v, 1, p[1]);
  if (n > 2) v = wasm_f32x4_replace_lane(v, 2, p[2]);
  return v;
}

/* Loads p[0 .. min(n, 4)), zero in the other lanes. */
static inline v128_t load_upto4(const float *p, size_t n) {
  return n >= 4 ? wasm_v128_load(p) : load_tail(p, n);
}

static inline void store_row(float *out, v128_t lo, v128_t hi, v128_t bias_lo, v128_t bias_hi,
                             int relu, int accumulate, size_t nr) {
  lo = wasm_f32x4_add(lo, bias_lo);
  hi = wasm_f32x4_add(hi, bias_hi);
  if (accumulate) {
    lo = wasm_f32x4_add(lo, load_upto4(out, nr));
    if (nr > 4) hi = wasm_f32x4_add(hi, load_upto4(out + 4, nr - 4));
  }
  if (relu) {
    /* Zero where x < 0, x elsewhere: a NaN stays NaN. */
    const v128_t zero = wasm_f32x4_splat(0.0f);
    lo = wasm_v128_bitselect(zero, lo, wasm_f32x4_lt(lo, zero));
    hi = wasm_v128_bitselect(zero, hi, wasm_f32x4_lt(hi, zero));
  }
  if (nr == NR) {
    wasm_v128_store(out, lo);
    wasm_v128_store(out + 4, hi);
  } else if (nr > 4) {
    wasm_v128_store(out, lo);
    store_lanes(out + 4, hi, nr - 4);
  } else {
    store_lanes(out, lo, nr);
  }
}

static void kernel_4x8(size_t K, const float *a, size_t ai, size_t ak, size_t mr,
                       const float *panel, const float *bias_panel, int relu, int accumulate,
                       float *c, size_t ldc, size_t nr) {
  /* Rows past mr repeat the last real row: computed, never stored. */
  const float *a0 = a;
  const float *a1 = mr > 1 ? a0 + ai : a0;
  const float *a2 = mr > 2 ? a1 + ai : a1;
  const float *a3 = mr > 3 ? a2 + ai : a2;
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const float *bp = panel;
  for (size_t k = 0; k < K; k++) {
    const v128_t b0 = wasm_v128_load(bp);
    const v128_t b1 = wasm_v128_load(bp + 4);
    bp += NR;
    const v128_t v0 = wasm_v128_load32_splat(a0);
    const v128_t v1 = wasm_v128_load32_splat(a1);
    const v128_t v2 = wasm_v128_load32_splat(a2);
    const v128_t v3 = wasm_v128_load32_splat(a3);
    a0 += ak, a1 += ak, a2 += ak, a3 += ak;
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(v0, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(v0, b1));
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(v1, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(v1, b1));
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(v2, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(v2, b1));
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(v3, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(v3, b1));
  }
  const v128_t bias_lo = wasm_v128_load(bias_panel);
  const v128_t bias_hi = wasm_v128_load(bias_panel + 4);
  store_row(c, c00, c01, bias_lo, bias_hi, relu, accumulate, nr);
  if (mr > 1) store_row(c + ldc, c10, c11, bias_lo, bias_hi, relu, accumulate, nr);
  if (mr > 2) store_row(c + 2 * ldc, c20, c21, bias_lo, bias_hi, relu, accumulate, nr);
  if (mr > 3) store_row(c + 3 * ldc, c30, c31, bias_lo, bias_hi, relu, accumulate, nr);
}

/*
 * C = op(A)·op(B) [+ bias] [then ReLU] (or C += op(A)·op(B) with GEMM_ACCUMULATE), C row-major
 * M×N, for any strides: op(A)(i, k) = a[i·ai + k·ak], op(B)(k, j) = b[k·bk + j·bj], where
 * GEMM_TRANSPOSE_B says bk = 1 (columns of op(B) contiguous) and its absence bj = 1.
 */
static void gemm_strided(const float *a, size_t ai, size_t ak, const float *b, size_t bk,
                         size_t bj, const float *bias, float *c, size_t M, size_t K, size_t N,
                         uint32_t flags, float *scratch) {
  const int relu = (flags & GEMM_RELU) != 0;
  const int accumulate = (flags & GEMM_ACCUMULATE) != 0;
  float *panel = scratch;
  float *bias_panel = scratch + K * NR;
  for (size_t j0 = 0; j0 < N; j0 += NR) {
    const size_t nr = N - j0 < NR ? N - j0 : NR;
    if (nr < NR) {
      pack_partial(b, bk, bj, K, j0, nr, panel);
    } else if (flags & GEMM_TRANSPOSE_B) {
      pack_columns(b, bj, K, j0, panel);
    } else {
      pack_rows(b, bk, K, j0, panel);
    }
    for (size_t q = 0; q < NR; q++) {
      bias_panel[q] = (flags & GEMM_BIAS) && q < nr ? bias[j0 + q] : 0.0f;
    }
    for (size_t i0 = 0; i0 < M; i0 += MR) {
      const size_t mr = M - i0 < MR ? M - i0 : MR;
      kernel_4x8(K, a + i0 * ai, ai, ak, mr, panel, bias_panel, relu, accumulate, c + i0 * N + j0,
                 N, nr);
    }
  }
}

/*
 * C = op(A)·op(B) [+ bias] [then ReLU], float32, C row-major M×N.
 *   A: M×K row-major, or K×M with GEMM_TRANSPOSE_A.
 *   B: K×N row-major, or N×K with GEMM_TRANSPOSE_B.
 *   bias: N floats, read with GEMM_BIAS.
 *   scratch: (K + 1) · 8 floats, 16-byte aligned, owned by the caller.
 * C must not overlap A, B or bias.
 */
EXPORT(gemm)
void gemm(const float *a, const float *b, const float *bias, float *c, uint32_t M, uint32_t K,
          uint32_t N, uint32_t flags, float *scratch) {
  const size_t ai = (flags & GEMM_TRANSPOSE_A) ? 1 : K;
  const size_t ak = (flags & GEMM_TRANSPOSE_A) ? M : 1;
  const size_t bk = (flags & GEMM_TRANSPOSE_B) ? 1 : N;
  const size_t bj = (flags & GEMM_TRANSPOSE_B) ? K : 1;
  gemm_strided(a, ai, ak, b, bk, bj, bias, c, M, K, N,
               flags & (GEMM_TRANSPOSE_B | GEMM_BIAS | GEMM_RELU), scratch);
}

/* ---------------------------------------------------------------------------------------------
 * exp and log1p on 4 lanes, float32, from their series (no tables):
 *   e^x = 2^n · e^r with n = round(x / ln 2), r = x − n ln 2 (|r| ≤ ln2 / 2, ln 2 split in a
 *   high part exact in float32 and a low part), e^r by its Taylor series to degree 7 (the
 *   truncation error r^8/8! ≤ 6e-9 relatively, below float32 resolution).
 *   ln m for m in [√½, √2): 2 atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.172, by its series to s^9
 *   (truncation 2 s^11/11 ≤ 7e-10).
 */

static inline v128_t exp_nonpositive(v128_t x) {
  /* For x ≤ 0. Below −87.3 e^x is under float32's normal range: clamp there (≈ 1.2e-38). */
  x = wasm_f32x4_max(x, wasm_f32x4_splat(-87.3f));
  const v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.0f / 5040.0f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 720.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 120.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 24.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 6.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(0.5f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  /* 2^n through the exponent field; n ≥ −126 here, so the result is a normal float. */
  const v128_t scale =
      wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(p, scale);
}

static inline v128_t log1p_unit(v128_t e) {
  /* ln(1 + e) for e in [0, 1]. u = 1 + e is rounded; the compensation (e − (u − 1)) / u
   * restores the lost low part, so small e keep full relative precision. */
  const v128_t one = wasm_f32x4_splat(1.0f);
  const v128_t u = wasm_f32x4_add(one, e);
  const v128_t correction = wasm_f32x4_div(wasm_f32x4_sub(e, wasm_f32x4_sub(u, one)), u);
  /* u in [1, 2]: m = u / 2 when u ≥ √2, so m in [√½, √2) and ln u = ln m + k ln 2. */
  const v128_t big = wasm_f32x4_ge(u, wasm_f32x4_splat(1.41421356237309505f));
  const v128_t m = wasm_v128_bitselect(wasm_f32x4_mul(u, wasm_f32x4_splat(0.5f)), u, big);
  const v128_t k = wasm_v128_and(big, wasm_f32x4_splat(0.693147180559945309f));
  const v128_t s = wasm_f32x4_div(wasm_f32x4_sub(m, one), wasm_f32x4_add(m, one));
  const v128_t s2 = wasm_f32x4_mul(s, s);
  v128_t p = wasm_f32x4_splat(1.0f / 9.0f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.0f / 7.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.0f / 5.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.0f / 3.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), one);
  const v128_t ln_m = wasm_f32x4_mul(wasm_f32x4_add(s, s), p);
  return wasm_f32x4_add(wasm_f32x4_add(ln_m, k), correction);
}

static inline float horizontal_sum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

/* One element of x·l − softplus(l), softplus(l) = max(l, 0) + ln(1 + e^−|l|). */
static inline v128_t bernoulli_terms(v128_t x, v128_t l) {
  const v128_t e = exp_nonpositive(wasm_f32x4_neg(wasm_f32x4_abs(l)));
  const v128_t softplus = wasm_f32x4_add(wasm_f32x4_pmax(wasm_f32x4_splat(0.0f), l), log1p_unit(e));
  return wasm_f32x4_sub(wasm_f32x4_mul(x, l), softplus);
}

/* σ(l) = 1 / (1 + e^−l), from e = e^−|l| without overflow. */
static inline v128_t sigmoid(v128_t l) {
  const v128_t e = exp_nonpositive(wasm_f32x4_neg(wasm_f32x4_abs(l)));
  const v128_t one = wasm_f32x4_splat(1.0f);
  const v128_t inverse = wasm_f32x4_div(one, wasm_f32x4_add(one, e));
  return wasm_v128_bitselect(wasm_f32x4_mul(e, inverse), inverse,
                             wasm_f32x4_lt(l, wasm_f32x4_splat(0.0f)));
}

/* All ones in lanes [0, n), zero in the others. */
static inline v128_t first_lanes(size_t n) {
  return wasm_u32x4_lt(wasm_u32x4_make(0, 1, 2, 3), wasm_u32x4_splat((uint32_t)n));
}

/*
 * out[r] = Σ_j x[r, j] · l[r, j] − softplus(l[r, j]): the Bernoulli log-likelihood of x under
 * logits l, per row. x, l: rows × cols row-major; out: rows.
 */
EXPORT(bernoulli_log_likelihood)
void bernoulli_log_likelihood(const float *x, const float *l, float *out, uint32_t rows,
                              uint32_t cols) {
  for (size_t r = 0; r < rows; r++) {
    const float *xr = x + r * cols, *lr = l + r * cols;
    v128_t total = wasm_f32x4_splat(0.0f);
    size_t j = 0;
    for (; j + 4 <= cols; j += 4) {
      total = wasm_f32x4_add(total, bernoulli_terms(wasm_v128_load(xr + j), wasm_v128_load(lr + j)));
    }
    if (j < cols) {
      const v128_t terms = bernoulli_terms(load_tail(xr + j, cols - j), load_tail(lr + j, cols - j));
      total = wasm_f32x4_add(total, wasm_v128_and(terms, first_lanes(cols - j)));
    }
    out[r] = horizontal_sum(total);
  }
}

/* out[r, j] = dy[r] · (x[r, j] − σ(l[r, j])): the gradient of the above with respect to l. */
EXPORT(bernoulli_log_likelihood_grad)
void bernoulli_log_likelihood_grad(const float *x, const float *l, const float *dy, float *out,
                                   uint32_t rows, uint32_t cols) {
  for (size_t r = 0; r < rows; r++) {
    const float *xr = x + r * cols, *lr = l + r * cols;
    float *outr = out + r * cols;
    const v128_t scale = wasm_v128_load32_splat(dy + r);
    size_t j = 0;
    for (; j + 4 <= cols; j += 4) {
      const v128_t g = wasm_f32x4_sub(wasm_v128_load(xr + j), sigmoid(wasm_v128_load(lr + j)));
      wasm_v128_store(outr + j, wasm_f32x4_mul(scale, g));
    }
    if (j < cols) {
      const v128_t g = wasm_f32x4_sub(load_tail(xr + j, cols - j), sigmoid(load_tail(lr + j, cols - j)));
      store_lanes(outr + j, wasm_f32x4_mul(scale, g), cols - j);
    }
  }
}

/* out[j] = Σ_r g[r, j]: the sum over rows of a rows × cols row-major matrix. */
EXPORT(column_sum)
void column_sum(const float *g, float *out, uint32_t rows, uint32_t cols) {
  size_t j = 0;
  for (; j + 16 <= cols; j += 16) {
    v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
    for (size_t r = 0; r < rows; r++) {
      const float *p = g + r * cols + j;
      s0 = wasm_f32x4_add(s0, wasm_v128_load(p));
      s1 = wasm_f32x4_add(s1, wasm_v128_load(p + 4));
      s2 = wasm_f32x4_add(s2, wasm_v128_load(p + 8));
      s3 = wasm_f32x4_add(s3, wasm_v128_load(p + 12));
    }
    wasm_v128_store(out + j, s0);
    wasm_v128_store(out + j + 4, s1);
    wasm_v128_store(out + j + 8, s2);
    wasm_v128_store(out + j + 12, s3);
  }
  for (; j < cols; j++) {
    float s = 0.0f;
    for (size_t r = 0; r < rows; r++) s += g[r * cols + j];
    out[j] = s;
  }
}

/* ---------------------------------------------------------------------------------------------
 * 2-D convolution, NHWC, filter [kH, kW, C, outC] (read as a (kH·kW·C) × outC matrix), any
 * stride, padding given as the rows above and columns left of the input (the rest follows from
 * the output size), dilation 1. Each kernel is the matrix product on the im2col matrix, taken a
 * chunk of `chunk` rows at a time so that the chunk stays in cache:
 *
 *   row r = (n·oH + oy)·oW + ox of im2col, column (ky·kW + kx)·C + c:
 *     x[n, oy·sH + ky − padTop, ox·sW + kx − padLeft, c], zero outside the input.
 *
 *   conv2d:                 y[r, :]  = col[r, :] · W                 (M = rows, K = kH·kW·C)
 *   conv2d_backprop_filter: dW      += col[chunk]ᵀ · dy[chunk]      (summed over the chunks)
 *   conv2d_backprop_input:  dcol     = dy[chunk] · Wᵀ, scattered back into dx (col2im)
 *
 * A 1×1 kernel with stride 1 and no padding needs no im2col: x is its own im2col matrix.
 * scratch: chunk · kH·kW·C floats of im2col, then the product's panel, (inner + 1) · 8 floats.
 */

/* The geometry, passed as scalars (a struct would live on the C stack, which we may not use). */
#define SHAPE_PARAMS                                                                            \
  size_t H, size_t W, size_t C, size_t oH, size_t oW, size_t kH, size_t kW, size_t sH,          \
      size_t sW, size_t padTop, size_t padLeft
#define SHAPE_ARGS H, W, C, oH, oW, kH, kW, sH, sW, padTop, padLeft

static inline void copy_floats(float *dst, const float *src, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_v128_load(src + i));
  for (; i < n; i++) dst[i] = src[i];
}

static inline void add_floats(float *dst, const float *src, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    wasm_v128_store(dst + i, wasm_f32x4_add(wasm_v128_load(dst + i), wasm_v128_load(src + i)));
  }
  for (; i < n; i++) dst[i] += src[i];
}

static void zero_floats(float *dst, size_t n) {
  size_t i = 0;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, zero);
  for (; i < n; i++) dst[i] = 0.0f;
}

static inline int is_pointwise(SHAPE_PARAMS) {
  return kH == 1 && kW == 1 && sH == 1 && sW == 1 && padTop == 0 && padLeft == 0 && oH == H &&
         oW == W;
}

/*
 * Rows [r0, r0 + rows) of im2col into col (rows × kH·kW·C) when `scatter` is 0; with `scatter`
 * 1 the reverse, col2im: each element of col is added into x where im2col would have read it.
 * In NHWC one row ky of a kernel window, the cells kx inside the input, is one contiguous run
 * of x: each (row, ky) is a zero run, a copied run and a zero run.
 */
static void im2col_rows(float *x, float *col, size_t r0, size_t rows, SHAPE_PARAMS, int scatter) {
  const size_t kc = kH * kW * C;
  const size_t pixels = oH * oW;
  size_t n = r0 / pixels;
  size_t oy = (r0 % pixels) / oW;
  size_t ox = r0 % oW;
  for (size_t r = 0; r < rows; r++) {
    float *dst = col + r * kc;
    float *image = x + n * H * W * C;
    /* First input column of the window, and the window's cells [kx_lo, kx_hi) inside. */
    const long ix0 = (long)(ox * sW) - (long)padLeft;
    const size_t kx_lo = ix0 < 0 ? (size_t)(-ix0) : 0;
    const long right = (long)W - ix0;
    const size_t kx_hi = right <= 0 ? 0 : (size_t)right < kW ? (size_t)right : kW;
    for (size_t ky = 0; ky < kH; ky++) {
      const long iy = (long)(oy * sH + ky) - (long)padTop;
      float *cells = dst + ky * kW * C;
      if (iy < 0 || iy >= (long)H || kx_lo >= kx_hi) {
        if (!scatter) zero_floats(cells, kW * C);
        continue;
      }
      float *run = image + ((size_t)iy * W + (size_t)(ix0 + (long)kx_lo)) * C;
      if (scatter) {
        add_floats(run, cells + kx_lo * C, (kx_hi - kx_lo) * C);
      } else {
        zero_floats(cells, kx_lo * C);
        copy_floats(cells + kx_lo * C, run, (kx_hi - kx_lo) * C);
        zero_floats(cells + kx_hi * C, (kW - kx_hi) * C);
      }
    }
    if (++ox == oW) {
      ox = 0;
      if (++oy == oH) oy = 0, n++;
    }
  }
}

#define CONV_PARAMS                                                                             \
  uint32_t N, uint32_t H, uint32_t W, uint32_t C, uint32_t oH, uint32_t oW, uint32_t outC,      \
      uint32_t kH, uint32_t kW, uint32_t sH, uint32_t sW, uint32_t padTop, uint32_t padLeft,    \
      uint32_t chunk

/* y = conv2d(x, w) [+ bias] [then ReLU] (flags GEMM_BIAS, GEMM_RELU); y: N × oH × oW × outC. */
EXPORT(conv2d)
void conv2d(float *x, const float *w, const float *bias, float *y, CONV_PARAMS, uint32_t flags,
            float *scratch) {
  const size_t kc = (size_t)kH * kW * C;
  const size_t rows = (size_t)N * oH * oW;
  const int pointwise = is_pointwise(SHAPE_ARGS);
  float *panel = pointwise ? scratch : scratch + (size_t)chunk * kc;
  for (size_t r0 = 0; r0 < rows; r0 += chunk) {
    const size_t count = rows - r0 < chunk ? rows - r0 : chunk;
    float *col = pointwise ? x + r0 * kc : scratch;
    if (!pointwise) im2col_rows(x, col, r0, count, SHAPE_ARGS, 0);
    gemm_strided(col, kc, 1, w, outC, 1, bias, y + r0 * outC, count, kc, outC,
                 flags & (GEMM_BIAS | GEMM_RELU), panel);
  }
}

/* dw = Σ_chunks im2col(x)[chunk]ᵀ · dy[chunk]; dw: kH × kW × C × outC. */
EXPORT(conv2d_backprop_filter)
void conv2d_backprop_filter(float *x, const float *dy, float *dw, CONV_PARAMS, float *scratch) {
  const size_t kc = (size_t)kH * kW * C;
  const size_t rows = (size_t)N * oH * oW;
  const int pointwise = is_pointwise(SHAPE_ARGS);
  float *panel = pointwise ? scratch : scratch + (size_t)chunk * kc;
  zero_floats(dw, kc * outC);
  for (size_t r0 = 0; r0 < rows; r0 += chunk) {
    const size_t count = rows - r0 < chunk ? rows - r0 : chunk;
    float *col = pointwise ? x + r0 * kc : scratch;
    if (!pointwise) im2col_rows(x, col, r0, count, SHAPE_ARGS, 0);
    /* op(A) = colᵀ (kc × count), op(B) = dy[chunk] (count × outC). */
    gemm_strided(col, 1, kc, dy + r0 * outC, outC, 1, 0, dw, kc, count, outC, GEMM_ACCUMULATE,
                 panel);
  }
}

/* dx = col2im(dy · Wᵀ); dx: N × H × W × C. */
EXPORT(conv2d_backprop_input)
void conv2d_backprop_input(const float *dy, const float *w, float *dx, CONV_PARAMS,
                           float *scratch) {
  const size_t kc = (size_t)kH * kW * C;
  const size_t rows = (size_t)N * oH * oW;
  const int pointwise = is_pointwise(SHAPE_ARGS);
  float *panel = pointwise ? scratch : scratch + (size_t)chunk * kc;
  if (!pointwise) zero_floats(dx, (size_t)N * H * W * C);
  for (size_t r0 = 0; r0 < rows; r0 += chunk) {
    const size_t count = rows - r0 < chunk ? rows - r0 : chunk;
    float *dcol = pointwise ? dx + r0 * kc : scratch;
    /* op(B) = Wᵀ (outC × kc): column j of op(B) is row j of W, contiguous. */
    gemm_strided(dy + r0 * outC, outC, 1, w, 1, outC, 0, dcol, count, outC, kc, GEMM_TRANSPOSE_B,
                 panel);
    if (!pointwise) im2col_rows(dx, dcol, r0, count, SHAPE_ARGS, 1);
  }
}
