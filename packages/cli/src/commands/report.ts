import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname, join, relative } from 'node:path';
import { InvalidArgumentError } from '@aekit/core';
import { initBackend } from '@aekit/runtime-wasm';
import { choiceFlag, commandName, integerFlag } from '../flags';
import { type CliIo, Output } from '../io';
import { buildReport } from '../report/build-report';
import { absolutePath, readHistory, runFiles } from '../run-folder';
import { dataForModel, openModel } from './open-model';
import { backendNames } from './train';

/** `aekit report`: (re)writes the HTML report of a trained model. */
export async function reportCommand(
  flags: Readonly<Record<string, unknown>>,
  io: CliIo,
): Promise<number> {
  const command = 'report';
  const output = new Output(io, flags.json === true);
  const backend = choiceFlag(command, '--backend', flags.backend, backendNames);
  if (
    flags.out !== undefined &&
    (typeof flags.out !== 'string' || !/\.html?$/i.test(extname(flags.out)))
  ) {
    throw new InvalidArgumentError({
      functionName: commandName(command),
      argument: '--out',
      rule: 'a file name ending in .html',
      value: flags.out,
    });
  }
  await initBackend({ backend });
  const opened = await openModel(command, io, flags.model);
  try {
    const { located } = opened;
    const seed =
      flags.seed === undefined
        ? (located.run?.training.seed ?? 0)
        : integerFlag(command, '--seed', flags.seed, { min: 0, max: 0xffffffff });
    const data = await dataForModel(command, io, opened, flags.data, flags.labelColumn);
    const out =
      typeof flags.out === 'string'
        ? absolutePath(io.cwd, flags.out)
        : located.runDir !== null
          ? join(located.runDir, runFiles.report)
          : `${located.modelDir.replace(/[/\\]+$/, '')}-report.html`;
    const history = located.runDir === null ? null : await readHistory(located.runDir);
    const html = await buildReport({
      adapter: opened.adapter,
      model: opened.model,
      data,
      history,
      run: located.run,
      runDir: located.runDir,
      runtime: { backend, versions: opened.versions },
      seed,
    });
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, html);
    output.line(`Wrote the report to ${relative(io.cwd, out)}`);
    output.result({ report: out, model: located.modelDir, data: data.text });
    return 0;
  } finally {
    opened.model.dispose();
  }
}
