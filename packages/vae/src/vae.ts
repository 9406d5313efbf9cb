import {
  type Autoencoder,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkPositiveInteger,
  checkSeed,
  checkTensor,
  createRng,
  deriveSeed,
  gaussianLogLikelihood,
  InvalidArgumentError,
  klDiagGaussianStdNormal,
  type LossContext,
  type LossTerms,
  logMeanExp,
  randomNormalTensor,
  reparameterize,
  ShapeMismatchError,
} from '@aekit/core';
import {
  applyDense,
  applyMlp,
  buildDecoder,
  buildEncoder,
  type DenseParams,
  denseVariables,
  disposeDense,
  disposeMlp,
  disposeNetworkPart,
  initDense,
  type Mlp,
  mlp,
  mlpVariables,
  type NetworkPart,
} from '@aekit/layers';
import {
  add,
  concat,
  linspace,
  mean,
  oneHot,
  reshape,
  sigmoid,
  split,
  sub,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  type TensorContainer,
  tensor2d,
  tidy,
  tile,
  type Variable,
  variable,
  zeros,
} from '@tensorflow/tfjs-core';
import { type ResolvedVaeConfig, resolveVaeConfig, type VaeConfig } from './vae-config';
import { type DecoderLikelihood, decoderLogLikelihood, vaeLossTerms } from './vae-loss';

/** The posterior q(z | x) = N(μ, diag(exp(logVar))). */
export interface Posterior {
  /** `[batch, latentDim]` */
  readonly mu: Tensor2D;
  /** `[batch, latentDim]` */
  readonly logVar: Tensor2D;
}

/**
 * A variational autoencoder: encoder x ↦ (μ, log σ²), reparameterised z = μ + σ ⊙ ε, decoder
 * z ↦ logits (Bernoulli) or mean (Gaussian). All methods leave their inputs alone and return
 * tensors the caller owns. For a conditional VAE every method that encodes or decodes takes the
 * integer labels `[batch]` as well.
 */
export interface Vae extends Autoencoder<ResolvedVaeConfig> {
  /** The posterior mean μ `[batch, latentDim]`: the code of each example. */
  encode(x: Tensor2D, labels?: Tensor1D): Tensor2D;
  /** μ and log σ² of q(z | x), each `[batch, latentDim]`. */
  posterior(x: Tensor2D, labels?: Tensor1D): Posterior;
  /** The decoder's mean in data space `[batch, inputDim]` (for Bernoulli, σ(logits)). */
  decode(z: Tensor2D, labels?: Tensor1D): Tensor2D;
  /** decode(μ(x)): the deterministic reconstruction. */
  reconstruct(x: Tensor2D, labels?: Tensor1D): Tensor2D;
  /** `n` draws z ~ N(0, I), decoded: `[n, inputDim]`. */
  sample(n: number, options?: { seed?: number; labels?: Tensor1D }): Tensor2D;
  /**
   * Decodes `steps` points on the path between the codes (posterior means) of `xA` and `xB`,
   * each `[1, inputDim]`: a straight line, or a great-circle arc ('slerp'), which keeps the norm
   * typical of N(0, I) samples in high dimensions. → `[steps, inputDim]`.
   */
  interpolate(
    xA: Tensor2D,
    xB: Tensor2D,
    steps: number,
    options?: { method?: 'linear' | 'slerp'; labels?: Tensor1D },
  ): Tensor2D;
  /**
   * For a 2-D latent space: decodes an n × n grid of z over [−range, range]² → `[n·n, inputDim]`,
   * row-major, the top row at z₂ = +range and the left column at z₁ = −range. Default range 3.
   */
  manifoldGrid(n: number, options?: { range?: number; labels?: Tensor1D }): Tensor2D;
  /**
   * The evidence lower bound per example, E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)), in nats, with
   * `samples` Monte-Carlo draws (default 1) → `[batch]`.
   */
  elbo(x: Tensor2D, options?: { samples?: number; seed?: number; labels?: Tensor1D }): Tensor1D;
  /**
   * The importance-weighted estimate of log p(x) per example,
   * log (1/k) Σᵢ p(x, zᵢ) / q(zᵢ | x) with zᵢ ~ q(z | x), in nats → `[batch]`. Equals the ELBO in
   * expectation at k = 1 and tightens towards log p(x) as k grows.
   */
  logLikelihood(
    x: Tensor2D,
    options: { importanceSamples: number; seed?: number; labels?: Tensor1D },
  ): Tensor1D;
  /** The training loss: `terms.reconstruction` = −E_q[log p(x|z)], `terms.kl`, total = reconstruction + β·kl, per example. */
  lossTerms(x: Tensor2D, context: LossContext): LossTerms;
}

/** `tf.tidy` for results typed as interfaces of tensors (tfjs types only index signatures). */
function tidyAll<T>(fn: () => T): T {
  return tidy(fn as unknown as () => TensorContainer) as unknown as T;
}

/** Seed streams derived from the model seed. */
const stream = { encoder: 1, head: 2, decoder: 3, trainingNoise: 4 } as const;

/** Elements of x̂ decoded at once by `logLikelihood`, to bound memory (about 32 MB). */
const importanceChunkElements = 8_000_000;

/**
 * Builds a VAE with fresh weights drawn from `config.seed`.
 *
 * ```ts
 * const vae = createVae({ inputDim: 784, latentDim: 20, hiddenDims: [400] });
 * await fit(vae, train, { epochs: 10, batchSize: 128 });
 * ```
 */
export function createVae(config: VaeConfig): Vae {
  return buildVae(resolveVaeConfig(config, 'createVae'));
}

/** @internal Builds from a resolved config (also used by the model loader). */
export function buildVae(config: ResolvedVaeConfig): Vae {
  const { inputDim, latentDim, likelihood, seed } = config;
  const numClasses = config.conditional?.numClasses ?? 0;

  const body = createBody(config, numClasses);
  const { encoder, decoder } = body;
  // One dense layer to [μ, log σ²] side by side: one kernel instead of two.
  let head: DenseParams;
  try {
    head = initDense(encoder.outDim, 2 * latentDim, {
      seed: deriveSeed(seed, stream.head),
      init: body.init,
    });
  } catch (error) {
    body.dispose();
    throw error;
  }
  const logVariance: Variable | null =
    likelihood === 'gaussian-learned'
      ? (tidy(() => variable(zeros([inputDim]))) as Variable)
      : null;
  const decoderLikelihood: DecoderLikelihood = {
    likelihood,
    variance: config.variance,
    ...(logVariance === null ? {} : { logVariance: logVariance as unknown as Tensor1D }),
  };
  let disposed = false;

  const assertUsable = (method: string) => {
    if (disposed) {
      throw new InvalidArgumentError({
        functionName: `Vae.${method}`,
        argument: 'this',
        rule: 'a model that has not been disposed',
        value: 'a disposed VAE',
      });
    }
  };

  const checkX = (method: string, x: unknown, argument = 'x'): Tensor2D =>
    checkTensor<Tensor2D>(`Vae.${method}`, argument, x, { rank: 2, shape: [null, inputDim] });

  /** The one-hot labels for a conditional VAE, validated against `rows`; null otherwise. */
  const conditionOn = (
    method: string,
    labels: unknown,
    rows: number,
    argument = 'labels',
  ): Tensor | null => {
    if (numClasses === 0) {
      if (labels !== undefined) {
        throw new InvalidArgumentError({
          functionName: `Vae.${method}`,
          argument,
          rule: 'undefined: this VAE is not conditional',
          value: labels,
        });
      }
      return null;
    }
    if (labels === undefined) {
      throw new InvalidArgumentError({
        functionName: `Vae.${method}`,
        argument,
        rule: `a [${rows}] int32 tensor of class labels in [0, ${numClasses}) (the VAE is conditional)`,
        value: labels,
      });
    }
    const checked = checkTensor<Tensor1D>(`Vae.${method}`, argument, labels, {
      rank: 1,
      dtype: 'int32',
    });
    if (checked.shape[0] !== rows) {
      throw new ShapeMismatchError({
        functionName: `Vae.${method}`,
        argument,
        expected: [rows],
        actual: checked.shape,
      });
    }
    return oneHot(checked, numClasses);
  };

  const withCondition = (input: Tensor2D, condition: Tensor | null): Tensor2D =>
    condition === null ? input : (concat([input, condition], 1) as Tensor2D);

  /** μ and log σ² for validated inputs; inside a tidy. */
  const posteriorOf = (x: Tensor2D, condition: Tensor | null): Posterior => {
    const h = encoder.apply(x, condition);
    const [mu, logVar] = split(applyDense(head, h, 'linear'), 2, 1) as [Tensor2D, Tensor2D];
    return { mu, logVar };
  };

  /** The decoder's raw output (logits or mean) for validated z; inside a tidy. */
  const decoderOutput = (z: Tensor2D, condition: Tensor | null): Tensor2D =>
    decoder.apply(withCondition(z, condition));

  const toDataSpace = (output: Tensor2D): Tensor2D =>
    likelihood === 'bernoulli' ? sigmoid(output) : output;

  /** Repeats the rows of `t` `times` times, block-wise: [t; t; …] → `[times·batch, …]`. */
  const repeatRows = <T extends Tensor>(t: T, times: number): T =>
    (times === 1 ? t : tile(t, [times, ...t.shape.slice(1).map(() => 1)])) as T;

  /**
   * E_q[log p(x|z)] per example from `samples` draws, each draw's ε from its own seed:
   * one decoder pass over [samples · batch] rows. Inside a tidy.
   */
  const expectedLogLikelihood = (
    x: Tensor2D,
    condition: Tensor | null,
    posterior: Posterior,
    samples: number,
    noiseSeed: number,
  ): Tensor1D => {
    const batch = x.shape[0];
    const mu = repeatRows(posterior.mu, samples);
    const logVar = repeatRows(posterior.logVar, samples);
    const z = reparameterize(mu, logVar, noiseSeed) as Tensor2D;
    const output = decoderOutput(z, condition === null ? null : repeatRows(condition, samples));
    const logLikelihood = decoderLogLikelihood(repeatRows(x, samples), output, decoderLikelihood);
    if (samples === 1) return logLikelihood;
    return mean(reshape(logLikelihood, [samples, batch]), 0) as Tensor1D;
  };

  const model: Vae = {
    config,

    encode(x, labels) {
      assertUsable('encode');
      checkX('encode', x);
      return tidy(() => posteriorOf(x, conditionOn('encode', labels, x.shape[0])).mu);
    },

    posterior(x, labels) {
      assertUsable('posterior');
      checkX('posterior', x);
      return tidyAll(() => posteriorOf(x, conditionOn('posterior', labels, x.shape[0])));
    },

    decode(z, labels) {
      assertUsable('decode');
      checkTensor('Vae.decode', 'z', z, { rank: 2, shape: [null, latentDim] });
      return tidy(() => toDataSpace(decoderOutput(z, conditionOn('decode', labels, z.shape[0]))));
    },

    reconstruct(x, labels) {
      assertUsable('reconstruct');
      checkX('reconstruct', x);
      return tidy(() => {
        const condition = conditionOn('reconstruct', labels, x.shape[0]);
        return toDataSpace(decoderOutput(posteriorOf(x, condition).mu, condition));
      });
    },

    sample(n, options = {}) {
      assertUsable('sample');
      checkPositiveInteger('Vae.sample', 'n', n);
      const sampleSeed = checkSeed('Vae.sample', 'options.seed', options.seed ?? 0);
      return tidy(() => {
        const condition = conditionOn('sample', options.labels, n, 'options.labels');
        const z = randomNormalTensor([n, latentDim], createRng(sampleSeed)) as Tensor2D;
        return toDataSpace(decoderOutput(z, condition));
      });
    },

    interpolate(xA, xB, steps, options = {}) {
      assertUsable('interpolate');
      checkTensor('Vae.interpolate', 'xA', xA, { shape: [1, inputDim] });
      checkTensor('Vae.interpolate', 'xB', xB, { shape: [1, inputDim] });
      checkInteger('Vae.interpolate', 'steps', steps, { min: 2 });
      const method = checkOneOf('Vae.interpolate', 'options.method', options.method ?? 'linear', [
        'linear',
        'slerp',
      ]);
      return tidy(() => {
        const conditionOne = conditionOn('interpolate', options.labels, 1, 'options.labels');
        const a = Array.from(posteriorOf(xA, conditionOne).mu.dataSync());
        const b = Array.from(posteriorOf(xB, conditionOne).mu.dataSync());
        const weights = interpolationWeights(a, b, steps, method);
        const path = weights.map(([wa, wb]) => a.map((value, j) => wa * value + wb * b[j]!));
        const z = tensor2d(path, [steps, latentDim]);
        const condition = conditionOne === null ? null : repeatRows(conditionOne, steps);
        return toDataSpace(decoderOutput(z, condition));
      });
    },

    manifoldGrid(n, options = {}) {
      assertUsable('manifoldGrid');
      if (latentDim !== 2) {
        throw new InvalidArgumentError({
          functionName: 'Vae.manifoldGrid',
          argument: 'this.config.latentDim',
          rule: '2 (the grid spans a 2-D latent space)',
          value: latentDim,
        });
      }
      checkInteger('Vae.manifoldGrid', 'n', n, { min: 2, max: 100 });
      const range = checkNumber('Vae.manifoldGrid', 'options.range', options.range ?? 3, {
        min: 0,
        minExclusive: true,
      });
      return tidy(() => {
        const coordinates = linspace(-range, range, n).dataSync();
        const points: number[][] = [];
        for (let row = 0; row < n; row += 1) {
          for (let column = 0; column < n; column += 1) {
            points.push([coordinates[column]!, coordinates[n - 1 - row]!]);
          }
        }
        const condition = conditionOn('manifoldGrid', options.labels, n * n, 'options.labels');
        return toDataSpace(decoderOutput(tensor2d(points, [n * n, 2]), condition));
      });
    },

    elbo(x, options = {}) {
      assertUsable('elbo');
      checkX('elbo', x);
      const samples = checkInteger('Vae.elbo', 'options.samples', options.samples ?? 1, {
        min: 1,
        max: 10_000,
      });
      const noiseSeed = checkSeed('Vae.elbo', 'options.seed', options.seed ?? 0);
      return tidy(() => {
        const condition = conditionOn('elbo', options.labels, x.shape[0], 'options.labels');
        const posterior = posteriorOf(x, condition);
        const logLikelihood = expectedLogLikelihood(x, condition, posterior, samples, noiseSeed);
        return sub(
          logLikelihood,
          klDiagGaussianStdNormal(posterior.mu, posterior.logVar),
        ) as Tensor1D;
      });
    },

    logLikelihood(x, options) {
      assertUsable('logLikelihood');
      checkX('logLikelihood', x);
      const k = checkInteger(
        'Vae.logLikelihood',
        'options.importanceSamples',
        options?.importanceSamples,
        { min: 1, max: 100_000 },
      );
      const baseSeed = checkSeed('Vae.logLikelihood', 'options.seed', options.seed ?? 0);
      const batch = x.shape[0];
      const condition = tidyAll(() =>
        conditionOn('logLikelihood', options.labels, batch, 'options.labels'),
      );
      const posterior = tidyAll(() => posteriorOf(x, condition));
      try {
        // log w_i = log p(x | z_i) + log p(z_i) − log q(z_i | x), for k draws, in chunks of draws.
        const perChunk = Math.max(1, Math.floor(importanceChunkElements / (batch * inputDim)));
        const chunks: Tensor2D[] = [];
        try {
          for (let start = 0; start < k; start += perChunk) {
            const draws = Math.min(perChunk, k - start);
            chunks.push(
              tidy(() => {
                const mu = repeatRows(posterior.mu, draws);
                const logVar = repeatRows(posterior.logVar, draws);
                const z = reparameterize(mu, logVar, deriveSeed(baseSeed, start)) as Tensor2D;
                const output = decoderOutput(
                  z,
                  condition === null ? null : repeatRows(condition, draws),
                );
                const logPxGivenZ = decoderLogLikelihood(
                  repeatRows(x, draws),
                  output,
                  decoderLikelihood,
                );
                const logPz = gaussianLogLikelihood(z, zeros(z.shape), 0);
                const logQz = gaussianLogLikelihood(z, mu, logVar);
                return reshape(sub(add(logPxGivenZ, logPz), logQz), [draws, batch]) as Tensor2D;
              }),
            );
          }
          return tidy(() => logMeanExp(concat(chunks, 0), 0) as Tensor1D);
        } finally {
          for (const chunk of chunks) chunk.dispose();
        }
      } finally {
        posterior.mu.dispose();
        posterior.logVar.dispose();
        condition?.dispose();
      }
    },

    lossTerms(x, context) {
      assertUsable('lossTerms');
      checkX('lossTerms', x);
      const step = checkInteger('Vae.lossTerms', 'context.step', context?.step, { min: 0 });
      return tidyAll(() => {
        // The trainer passes labels whenever the data has them; only a conditional VAE uses them.
        const condition =
          numClasses === 0
            ? null
            : conditionOn('lossTerms', context.labels, x.shape[0], 'context.labels');
        const posterior = posteriorOf(x, condition);
        const noiseSeed = deriveSeed(seed, stream.trainingNoise, step, context.training ? 1 : 0);
        const logLikelihood = expectedLogLikelihood(
          x,
          condition,
          posterior,
          config.samples,
          noiseSeed,
        );
        const kl = klDiagGaussianStdNormal(posterior.mu, posterior.logVar);
        return vaeLossTerms(logLikelihood, kl, config.beta);
      });
    },

    variables() {
      assertUsable('variables');
      return {
        ...encoder.variables('encoder'),
        ...denseVariables(head, 'head'),
        ...decoder.variables('decoder'),
        ...(logVariance === null ? {} : { 'decoder.logVariance': logVariance }),
      };
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      body.dispose();
      disposeDense(head);
      logVariance?.dispose();
    },
  };
  return model;
}

/** The encoder up to the head, or the decoder: what `buildVae` needs of either network. */
interface VaePart {
  /** Width of what the encoder gives the head. */
  readonly outDim: number;
  /** The part on validated inputs (inside a tidy); `condition` is the one-hot label or null. */
  apply(x: Tensor2D, condition?: Tensor | null): Tensor2D;
  /** Its variables, named `prefix.0.W`, …. */
  variables(prefix: string): Record<string, Variable>;
}

/** A VAE's encoder body and decoder, and the initialiser its head uses. */
interface VaeBody {
  readonly encoder: VaePart;
  readonly decoder: VaePart;
  readonly init: 'glorotUniform' | 'fanInUniform';
  dispose(): void;
}

/**
 * The networks of `config`: the fully connected ones of `hiddenDims` (Glorot-initialised, as
 * since the first release, the label joined at the input), or those `config.encoder` describes
 * (its mirror as the decoder, the label joined after the flatten; PyTorch's initialisation).
 */
function createBody(config: ResolvedVaeConfig, numClasses: number): VaeBody {
  const { inputDim, latentDim, hiddenDims, hiddenActivation, seed } = config;
  const join = (x: Tensor2D, condition: Tensor | null | undefined): Tensor2D =>
    condition == null ? x : (concat([x, condition], 1) as Tensor2D);
  if (config.encoder === null) {
    const encoder: Mlp | null =
      hiddenDims.length > 0
        ? mlp({
            widths: [inputDim + numClasses, ...hiddenDims],
            activations: hiddenActivation,
            seed: deriveSeed(seed, stream.encoder),
            init: 'glorotUniform',
          })
        : null;
    const decoder: Mlp = mlp({
      widths: [latentDim + numClasses, ...[...hiddenDims].reverse(), inputDim],
      activations: [...hiddenDims.map(() => hiddenActivation), 'linear'],
      seed: deriveSeed(seed, stream.decoder),
      init: 'glorotUniform',
    });
    return {
      init: 'glorotUniform',
      encoder: {
        outDim: hiddenDims.at(-1) ?? inputDim + numClasses,
        apply: (x, condition) =>
          encoder === null ? join(x, condition) : applyMlp(encoder, join(x, condition)),
        variables: (prefix) => (encoder === null ? {} : mlpVariables(encoder, prefix)),
      },
      decoder: {
        outDim: inputDim,
        apply: (z) => applyMlp(decoder, z),
        variables: (prefix) => mlpVariables(decoder, prefix),
      },
      dispose() {
        if (encoder !== null) disposeMlp(encoder);
        disposeMlp(decoder);
      },
    };
  }
  const shape = config.inputShape ?? [inputDim];
  const common = { activation: hiddenActivation, init: 'fanInUniform' } as const;
  const encoder = buildEncoder(config.encoder, {
    ...common,
    inputShape: shape,
    extraDim: numClasses,
    seed: deriveSeed(seed, stream.encoder),
  });
  let decoder: NetworkPart;
  try {
    decoder = buildDecoder(config.encoder, {
      ...common,
      inDim: latentDim + numClasses,
      outputShape: shape,
      outputActivation: 'linear',
      seed: deriveSeed(seed, stream.decoder),
    });
  } catch (error) {
    disposeNetworkPart(encoder);
    throw error;
  }
  const named = (part: NetworkPart, prefix: string) =>
    Object.fromEntries(
      Object.entries(part.variables).map(([name, variable]) => [`${prefix}.${name}`, variable]),
    );
  return {
    init: 'fanInUniform',
    encoder: {
      outDim: encoder.outDim,
      apply: (x, condition) => encoder.apply(x, (condition ?? undefined) as Tensor2D | undefined),
      variables: (prefix) => named(encoder, prefix),
    },
    decoder: {
      outDim: decoder.outDim,
      apply: (z) => decoder.apply(z),
      variables: (prefix) => named(decoder, prefix),
    },
    dispose() {
      disposeNetworkPart(encoder);
      disposeNetworkPart(decoder);
    },
  };
}

/**
 * The weights (wA, wB) of the path points a·wA + b·wB: linear (1 − t, t), or spherical linear
 * interpolation on the angle ω between a and b, sin((1 − t)ω)/sin ω and sin(tω)/sin ω, falling
 * back to linear when a and b are (nearly) parallel or one is zero.
 */
export function interpolationWeights(
  a: readonly number[],
  b: readonly number[],
  steps: number,
  method: 'linear' | 'slerp',
): [number, number][] {
  const ts = Array.from({ length: steps }, (_, index) => index / (steps - 1));
  const linear = ts.map((t): [number, number] => [1 - t, t]);
  if (method === 'linear') return linear;
  const normA = Math.hypot(...a);
  const normB = Math.hypot(...b);
  if (normA === 0 || normB === 0) return linear;
  const cosine = Math.min(
    1,
    Math.max(-1, a.reduce((sum, v, j) => sum + v * b[j]!, 0) / (normA * normB)),
  );
  const omega = Math.acos(cosine);
  const sinOmega = Math.sin(omega);
  if (sinOmega < 1e-6) return linear;
  return ts.map((t) => [Math.sin((1 - t) * omega) / sinOmega, Math.sin(t * omega) / sinOmega]);
}
