import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { InvalidArgumentError } from '@aekit/core';
import { initBackend } from '@aekit/runtime-wasm';
import { choiceFlag, commandName } from '../flags';
import { type CliIo, Output } from '../io';
import { encodeRows, takeRows } from '../model-calls';
import { absolutePath } from '../run-folder';
import { dataForModel, openModel } from './open-model';
import { backendNames } from './train';

export const splitNames = ['train', 'test', 'all'] as const;

/** `aekit encode`: writes the codes of a data set as CSV or JSON. */
export async function encodeCommand(
  flags: Readonly<Record<string, unknown>>,
  io: CliIo,
): Promise<number> {
  const command = 'encode';
  const output = new Output(io, flags.json === true);
  const backend = choiceFlag(command, '--backend', flags.backend, backendNames);
  const split = choiceFlag(command, '--split', flags.split, splitNames);
  const format =
    typeof flags.out === 'string' ? extname(flags.out).toLowerCase().replace('.', '') : '';
  if (format !== 'csv' && format !== 'json') {
    throw new InvalidArgumentError({
      functionName: commandName(command),
      argument: '--out',
      rule: 'a file name ending in .csv or .json',
      value: flags.out,
    });
  }
  const out = absolutePath(io.cwd, flags.out as string);
  await initBackend({ backend });
  const opened = await openModel(command, io, flags.model);
  try {
    const data = await dataForModel(command, io, opened, flags.data, flags.labelColumn);
    const parts = (split === 'all' ? (['train', 'test'] as const) : [split]).map((name) => {
      const dataset = name === 'train' ? data.train : data.test;
      const rows = takeRows(dataset, dataset.size);
      return { name, rows, codes: encodeRows(opened.adapter, opened.model, rows) };
    });
    const dim = parts[0]!.codes.dim;
    const count = parts.reduce((sum, part) => sum + part.rows.count, 0);
    const hasLabels = parts[0]!.rows.labels !== null;
    let text: string;
    if (format === 'csv') {
      const header = [
        ...(split === 'all' ? ['split'] : []),
        ...Array.from({ length: dim }, (_, index) => `z${index + 1}`),
        ...(hasLabels ? ['label'] : []),
      ];
      const lines = [header.join(',')];
      for (const part of parts) {
        for (let row = 0; row < part.rows.count; row += 1) {
          const cells: (string | number)[] = split === 'all' ? [part.name] : [];
          for (let j = 0; j < dim; j += 1) cells.push(part.codes.values[row * dim + j]!);
          if (part.rows.labels !== null) cells.push(part.rows.labels[row]!);
          lines.push(cells.join(','));
        }
      }
      text = `${lines.join('\n')}\n`;
    } else {
      const codes: number[][] = [];
      const labels: number[] = [];
      const splits: string[] = [];
      for (const part of parts) {
        for (let row = 0; row < part.rows.count; row += 1) {
          codes.push(Array.from(part.codes.values.subarray(row * dim, (row + 1) * dim)));
          if (part.rows.labels !== null) labels.push(part.rows.labels[row]!);
          splits.push(part.name);
        }
      }
      text = `${JSON.stringify({
        family: opened.model.config.family,
        data: data.text,
        split,
        count,
        dim,
        codes,
        ...(hasLabels ? { labels, classNames: data.classNames } : {}),
        ...(split === 'all' ? { splits } : {}),
      })}\n`;
    }
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, text);
    output.line(
      `Wrote the ${dim}-D codes of ${count.toLocaleString('en')} examples (${split === 'all' ? 'train and test splits' : `${split} split`} of ${data.title}) to ${flags.out}.`,
    );
    output.result({ out, format, split, count, dim, model: opened.located.modelDir });
    return 0;
  } finally {
    opened.model.dispose();
  }
}
