import * as tf from '@tensorflow/tfjs-core';

/**
 * The 784-400-20 VAE as a tfjs user writes it today: plain tfjs ops, tfjs's stock gradients and
 * `tf.train.adam(…).minimize`, no aekit code (the benchmark turns aekit's kernel patches off
 * while it runs). Same architecture, initialisation family, loss and optimiser as aekit's
 * `createVae` and the PyTorch reference: ReLU hidden layers, Bernoulli likelihood from logits,
 * analytic KL, one reparameterised sample, −ELBO per example averaged over the batch.
 */
export class StockTfjsVae {
  private readonly weights: tf.Variable[];
  private readonly optimizer = tf.train.adam(1e-3);

  constructor(
    readonly inputDim: number,
    readonly hidden: number,
    readonly latentDim: number,
  ) {
    const dense = (inDim: number, outDim: number, seed: number): tf.Variable[] => {
      const limit = Math.sqrt(6 / (inDim + outDim));
      return [
        tf.variable(tf.randomUniform([inDim, outDim], -limit, limit, 'float32', seed)),
        tf.variable(tf.zeros([outDim])),
      ];
    };
    this.weights = [
      ...dense(inputDim, hidden, 1),
      ...dense(hidden, 2 * latentDim, 2),
      ...dense(latentDim, hidden, 3),
      ...dense(hidden, inputDim, 4),
    ];
  }

  /** −ELBO per example, averaged over the batch. */
  private loss(x: tf.Tensor2D): tf.Scalar {
    const [w1, b1, w2, b2, w3, b3, w4, b4] = this.weights as [
      tf.Variable<tf.Rank.R2>,
      tf.Variable<tf.Rank.R1>,
      tf.Variable<tf.Rank.R2>,
      tf.Variable<tf.Rank.R1>,
      tf.Variable<tf.Rank.R2>,
      tf.Variable<tf.Rank.R1>,
      tf.Variable<tf.Rank.R2>,
      tf.Variable<tf.Rank.R1>,
    ];
    const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const [mu, logVar] = tf.split(tf.add(tf.matMul(h, w2), b2), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const eps = tf.randomNormal(mu.shape);
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
    const logits = tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(z, w3), b3)), w4), b4);
    // BCE from logits: softplus(l) − x·l, summed over pixels.
    const reconstruction = tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)), 1);
    const kl = tf.mul(
      0.5,
      tf.sum(tf.sub(tf.add(tf.exp(logVar), tf.square(mu)), tf.add(1, logVar)), 1),
    );
    return tf.mean(tf.add(reconstruction, kl));
  }

  /** One Adam step on `x [batch, inputDim]`; resolves with the batch's loss. */
  async step(x: tf.Tensor2D): Promise<number> {
    const loss = this.optimizer.minimize(() => this.loss(x), true, this.weights);
    const value = (await loss!.data())[0]!;
    loss!.dispose();
    return value;
  }

  /** The posterior mean μ `[batch, latentDim]` of `x`. */
  encode(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const h = tf.relu(tf.add(tf.matMul(x, this.weights[0]!), this.weights[1]!));
      const out = tf.add(tf.matMul(h, this.weights[2]!), this.weights[3]!);
      return tf.slice(out, [0, 0], [-1, this.latentDim]) as tf.Tensor2D;
    });
  }

  dispose(): void {
    tf.dispose(this.weights);
    this.optimizer.dispose();
  }
}
