/**
 * The stacked autoencoder's quality check of issue 8, on the official Fashion-MNIST split:
 * greedy layer-wise pretraining of two stages (784 → 256 → 128), a softmax head trained with the
 * stages fixed, then fine-tuning everything — against the same architecture trained from
 * scratch for as many epochs as the whole pipeline took (pretraining included).
 *
 *   pnpm bench:stacked [-- --family denoising --pretrain 3 --head 3 --finetune 10 --json]
 */
import { parseArgs } from 'node:util';
import { loadFashionMnist } from '@aekit/data';
import { initBackend } from '@aekit/runtime-wasm';
import { createStackedAe, type StageFamily } from '@aekit/stacked';
import { fit } from '@aekit/train';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      family: { type: 'string', default: 'denoising' },
      layers: { type: 'string', default: '256,128' },
      pretrain: { type: 'string', default: '3' },
      head: { type: 'string', default: '3' },
      finetune: { type: 'string', default: '10' },
      seed: { type: 'string', default: '1' },
      backend: { type: 'string', default: 'wasm' },
      json: { type: 'boolean', default: false },
    },
  });
  const log = (text: string) => {
    if (!values.json) console.log(text);
  };
  await initBackend({ backend: values.backend as 'wasm' | 'cpu' });
  const fashion = await loadFashionMnist();
  const train = fashion.train.normalize();
  const test = fashion.test.normalize();
  const family = values.family as StageFamily;
  const units = values.layers.split(',').map(Number);
  const seed = Number(values.seed);
  const [pretrainEpochs, headEpochs, finetuneEpochs] = [
    values.pretrain,
    values.head,
    values.finetune,
  ].map(Number) as [number, number, number];
  const options = {
    inputDim: 784,
    layers: units.map((width) => ({ latentDim: width, family })),
    seed,
  };
  const fitOptions = { batchSize: 128, learningRate: 1e-3, seed };

  const stack = createStackedAe(options);
  const pretrainStart = performance.now();
  const pretrained = await stack.pretrain(train, {
    fit,
    ...fitOptions,
    epochsPerLayer: pretrainEpochs,
    onStageStart: (stage) => log(`pretraining stage ${stage} (${family}, ${units[stage]} units)`),
  });
  const pretrainSeconds = (performance.now() - pretrainStart) / 1000;
  const classifier = stack.classifier({ numClasses: 10, trainable: 'head', seed });
  await fit(classifier, train, { ...fitOptions, epochs: headEpochs });
  const headOnly = await classifier.evaluate(test);
  log(`head only (${headEpochs} epochs, stages fixed): ${(100 * headOnly.accuracy).toFixed(2)}%`);
  classifier.setTrainable('all');
  await fit(classifier, train, { ...fitOptions, epochs: finetuneEpochs });
  const fineTuned = await classifier.evaluate(test);
  log(
    `fine-tuned (${finetuneEpochs} more epochs, all layers): ${(100 * fineTuned.accuracy).toFixed(2)}%`,
  );

  const totalEpochs = units.length * pretrainEpochs + headEpochs + finetuneEpochs;
  const scratchStack = createStackedAe(options);
  const scratch = scratchStack.classifier({ numClasses: 10, trainable: 'all', seed });
  await fit(scratch, train, { ...fitOptions, epochs: totalEpochs });
  const fromScratch = await scratch.evaluate(test);
  log(
    `from scratch (${totalEpochs} epochs, same architecture): ${(100 * fromScratch.accuracy).toFixed(2)}%`,
  );

  console.log(
    JSON.stringify({
      family,
      units,
      epochs: {
        pretrainPerLayer: pretrainEpochs,
        head: headEpochs,
        finetune: finetuneEpochs,
        scratch: totalEpochs,
      },
      pretrainSeconds,
      pretrainFinalLoss: pretrained.stages.map((history) => history.train.total?.at(-1)),
      accuracy: {
        headOnly: headOnly.accuracy,
        fineTuned: fineTuned.accuracy,
        fromScratch: fromScratch.accuracy,
      },
      confusion: fineTuned.confusion,
    }),
  );
  classifier.dispose();
  scratch.dispose();
  stack.dispose();
  scratchStack.dispose();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
