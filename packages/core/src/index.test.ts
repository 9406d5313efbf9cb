import { describe, expect, it } from 'vitest';
import * as core from './index';

describe('@aekit/core exports', () => {
  it('exports the mathematics under the names the library documents', () => {
    const names = [
      'klDiagGaussianStdNormal',
      'klDiagGaussians',
      'klMultivariateGaussians',
      'klBernoulli',
      'bhattacharyyaGaussians',
      'klMonteCarlo',
      'bernoulliLogLikelihood',
      'gaussianLogLikelihood',
      'reparameterize',
      'logMeanExp',
      'logSumExp',
      'jacobian',
      'denseJacobianFrobeniusSquared',
      'mlpJacobianFrobeniusSquared',
    ];
    for (const name of names) {
      expect(typeof (core as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});
