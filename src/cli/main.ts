/**
 * `lucid` — the command line over the same core and loader as the app.
 *   lucid encode <image>… | lucid ground <image> <text> | lucid ground --batch <file.jsonl>
 *   lucid neurons <text> | lucid train --images <folder> [--steps N] --out <folder> | lucid eval
 *   lucid export-saelens --out <folder> | lucid extract --images <folder> --out <dir>
 *   lucid match --dict <pair folder> --shards <dir>
 * Options: --model <folder> (a transformers.js CLIP folder), --dict <folder> (LUCID's files, a LUCID
 * export, or one SAELens or sparsify SAE: docs/interop.md), --json, --top N.
 * Errors: one line on stderr and a non-zero exit.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { encodeMany, groundBatch, groundCommand, neuronsCommand } from './commands';
import { CliError, DEFAULT_DICTIONARY_DIR, describeLatent, loadContext } from './context';
import { evalCommand, resultsDocument, resultsMarkdown } from './evalCommand';
import { exportSaelensCommand } from './exportSaelens';
import { matchCommand } from './match';
import { DEFAULT_EXTRACT_BATCH, DEFAULT_SHARD_PAIRS, extractCommand, loadEncoderOnly } from './extract';
import { trainCommand } from './train';

const USAGE = `usage: lucid <command> [options]
  encode <image>…                     each image's top concepts (a bad file is reported, the rest go on)
  ground <image> <text>               heatmap of the text over the image's patch grid
  ground --batch <file.jsonl>         one {"image","text"} per line → one JSON result per line
  neurons <text>                      tokens and the neurons the text fires
  train --images <folder> --out <folder> [--steps N]   fine-tune on a folder (captions optional)
  eval [--split test|validation] [--write-docs]
                                      every measure for LUCID and the baselines, with 95% intervals
  export-saelens --out <folder>       the dictionary as one SAELens folder per tower + lucid-export.json
  extract --images <folder> --out <dir> [--shard-pairs N] [--batch-size N]
                                      activation shards of a folder for tools/train/lucid_train.py (resumable)
  match --dict <pair folder> --shards <dir> [--pairs N]
                                      match an image SAE's latents to a text SAE's (Hungarian on centred
                                      co-activation over the shards' pairs) → <pair folder>/matching.json
options: --model <folder>  --dict <folder> (LUCID, a LUCID export, SAELens or sparsify)  --json  --top N`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      dict: { type: 'string' },
      json: { type: 'boolean', default: false },
      top: { type: 'string', default: '10' },
      batch: { type: 'string' },
      images: { type: 'string' },
      steps: { type: 'string', default: '200' },
      out: { type: 'string' },
      'write-docs': { type: 'boolean', default: false },
      split: { type: 'string', default: 'test' },
      'shard-pairs': { type: 'string', default: String(DEFAULT_SHARD_PAIRS) },
      'batch-size': { type: 'string', default: String(DEFAULT_EXTRACT_BATCH) },
      shards: { type: 'string' },
      pairs: { type: 'string', default: '2000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const top = Number(values.top);
  const print = (value: unknown, text: () => string) => console.log(values.json ? JSON.stringify(value) : text());
  const log = (line: string) => console.error(line);
  const needs = (n: number, what: string) => {
    if (rest.length < n) throw new CliError(`lucid ${command} needs ${what}\n${USAGE}`, 2);
  };
  if (!['encode', 'ground', 'neurons', 'train', 'eval', 'export-saelens', 'extract', 'match'].includes(command)) {
    throw new CliError(`unknown command "${command}"\n${USAGE}`, 2);
  }
  if (command === 'encode') needs(1, 'an image');
  if (command === 'neurons') needs(1, 'a text');
  if (command === 'ground' && !values.batch) needs(2, 'an image and a text');
  if (command === 'train' && (!values.images || !values.out))
    throw new CliError('lucid train needs --images and --out', 2);
  if (command === 'match' && (!values.dict || !values.shards))
    throw new CliError('lucid match needs --dict (a pair folder) and --shards', 2);
  if (command === 'export-saelens') {
    if (!values.out) throw new CliError('lucid export-saelens needs --out', 2);
    // No encoder needed: the dictionary is read and written as it is.
    const result = await exportSaelensCommand(values.dict ?? DEFAULT_DICTIONARY_DIR, values.out);
    print(result, () => `wrote ${result.written.map((name) => `${result.out}/${name}`).join(', ')}`);
    return;
  }

  if (command === 'extract') {
    if (!values.images || !values.out) throw new CliError('lucid extract needs --images and --out', 2);
    // No dictionary needed: activations are the encoder's alone.
    const encoder = await loadEncoderOnly(values.model);
    try {
      const options = {
        images: values.images,
        out: values.out,
        pairsPerShard: Number(values['shard-pairs']),
        batchSize: Number(values['batch-size']),
      };
      const result = await extractCommand(encoder, options, log);
      print(
        result,
        () => `wrote ${result.shards} shards (${result.pairs} pairs, ${result.captioned} captioned) to ${result.out}`,
      );
    } finally {
      await encoder.dispose();
    }
    return;
  }

  const context = await loadContext({ model: values.model, dict: values.dict });
  const label = (l: ReturnType<typeof describeLatent>) =>
    `#${l.id} ${l.label ?? '(unnamed)'} [${l.category ?? '?'}, ${l.kind}] ${l.score}`;
  switch (command) {
    case 'encode': {
      let failed = 0;
      for await (const result of encodeMany(context, rest, top)) {
        if ('error' in result) {
          failed++;
          if (values.json) console.log(JSON.stringify(result));
          console.error(`lucid: ${result.error}`);
          continue;
        }
        const heading = rest.length > 1 ? `${result.image}:\n` : '';
        print(result, () => heading + result.latents.map(label).join('\n'));
      }
      if (failed > 0) process.exitCode = 1;
      break;
    }
    case 'neurons': {
      const result = await neuronsCommand(context, rest.join(' '), top);
      print(result, () => `tokens: ${result.tokens.join(' ')}\n${result.neurons.map(label).join('\n')}`);
      break;
    }
    case 'ground': {
      if (values.batch) {
        for await (const result of groundBatch(context, values.batch)) console.log(JSON.stringify(result));
        break;
      }
      const result = await groundCommand(context, rest[0], rest.slice(1).join(' '));
      print(result, () => {
        const [rows, cols] = result.grid;
        const max = Math.max(...result.heat, 1e-9);
        const shades = ' .:-=+*#%@';
        const lines = Array.from({ length: rows }, (_, r) =>
          result.heat
            .slice(r * cols, (r + 1) * cols)
            .map((v) => shades[Math.min(9, Math.floor((v / max) * 9.99))])
            .join(''),
        );
        return `${lines.join('\n')}\nlatents: ${result.latents.map(label).join('; ')}`;
      });
      break;
    }
    case 'train': {
      const result = await trainCommand(
        context,
        { images: values.images!, steps: Number(values.steps), out: values.out! },
        log,
      );
      print(result, () => `wrote ${result.out} (${result.images} images, ${result.captioned} captioned)`);
      break;
    }
    case 'match': {
      const result = await matchCommand(context.dictionary, values.dict!, values.shards!, Number(values.pairs));
      print(
        result,
        () =>
          `wrote ${result.file}: ${result.matched} text latents matched over ${result.pairsSeen} pairs ` +
          `(mean score ${result.meanScore.toFixed(3)})`,
      );
      break;
    }
    case 'eval': {
      if (values.split !== 'test' && values.split !== 'validation') {
        throw new CliError(`--split must be test or validation, got "${values.split}"`, 2);
      }
      const report = await evalCommand(context, values.dict ?? DEFAULT_DICTIONARY_DIR, log, values.split);
      if (values['write-docs']) {
        await writeFile('docs/results.json', JSON.stringify(report, null, 2) + '\n');
        await writeFile('docs/results.md', resultsDocument(report));
      }
      print(report, () => `${resultsMarkdown(report)}\n\npointing chance: ${report.pointingChance}`);
      break;
    }
  }
  await context.encoder.dispose();
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`lucid: ${message}`);
  process.exit(error instanceof CliError ? error.exitCode : 1);
});
