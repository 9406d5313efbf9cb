import { describe, expect, it } from 'vitest';
import { chartedLosses } from './charted-losses';

describe('chartedLosses', () => {
  it('keeps every term of a model with several', () => {
    const losses = { total: [3, 2], reconstruction: [2, 1.5], kl: [1, 0.5] };
    expect(chartedLosses(losses)).toEqual(losses);
  });

  it('gives a model whose only term is its total one chart named for both', () => {
    expect(chartedLosses({ total: [3, 2], reconstruction: [3, 2] })).toEqual({
      'total = reconstruction': [3, 2],
    });
  });

  it('keeps a single term that differs from the total', () => {
    const losses = { total: [3, 2], reconstruction: [3, 1] };
    expect(chartedLosses(losses)).toEqual(losses);
  });

  it('treats each prefixed stage on its own', () => {
    expect(
      chartedLosses({
        'stage 1: total': [5],
        'stage 1: reconstruction': [5],
        'stage 2: total': [4],
        'stage 2: reconstruction': [3],
        'stage 2: sparsity': [1],
      }),
    ).toEqual({
      'stage 1: total = reconstruction': [5],
      'stage 2: total': [4],
      'stage 2: reconstruction': [3],
      'stage 2: sparsity': [1],
    });
  });
});
