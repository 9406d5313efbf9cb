/**
 * The losses worth a chart each: a model whose only term is its total (a plain or denoising
 * autoencoder: total = reconstruction) gets one chart, named for both. Names may carry a
 * prefix such as 'stage 2:'; the term is the last word.
 */
export function chartedLosses(
  losses: Readonly<Record<string, readonly number[]>>,
): Record<string, readonly number[]> {
  const prefixOf = (name: string) => name.slice(0, name.lastIndexOf(' ') + 1);
  const charted: Record<string, readonly number[]> = {};
  for (const [name, values] of Object.entries(losses)) {
    const prefix = prefixOf(name);
    const total = losses[`${prefix}total`];
    const terms = Object.keys(losses).filter(
      (other) => prefixOf(other) === prefix && other !== `${prefix}total`,
    );
    const same =
      total !== undefined &&
      terms.length === 1 &&
      terms[0] !== undefined &&
      losses[terms[0]]!.every((value, index) => value === total[index]);
    if (!same) {
      charted[name] = values;
    } else if (name === `${prefix}total`) {
      charted[`${prefix}total = ${terms[0]!.slice(prefix.length)}`] = values;
    }
  }
  return charted;
}
