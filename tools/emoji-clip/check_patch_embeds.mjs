// Runs two vision ONNX graphs (before and after add_patch_embeds.py) with onnxruntime-node on the same
// random pixel values (batch 2, fixed seed) and writes every output of each as JSON for the Python check:
//   node tools/emoji-clip/check_patch_embeds.mjs OLD.onnx NEW.onnx OUT.json
// Called by add_patch_embeds.py; onnxruntime-node comes from the repository's node_modules.
import { writeFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';

const [oldPath, newPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node check_patch_embeds.mjs OLD.onnx NEW.onnx OUT.json');
  process.exit(2);
}

const batch = 2;
const size = 96;
let seed = 12345;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pixels = Float32Array.from({ length: batch * 3 * size * size }, () => random() * 2 - 1);

async function run(path) {
  const session = await ort.InferenceSession.create(path);
  const feeds = { pixel_values: new ort.Tensor('float32', pixels, [batch, 3, size, size]) };
  const outputs = await session.run(feeds);
  const result = {};
  for (const name of session.outputNames) {
    result[name] = { dims: outputs[name].dims, data: Array.from(outputs[name].data) };
  }
  await session.release();
  return result;
}

const result = { old: await run(oldPath), new: await run(newPath) };
for (const [run, outputs] of Object.entries(result)) {
  console.log(`  ${run}: ${Object.entries(outputs).map(([n, o]) => `${n} [${o.dims}]`).join(', ')}`);
}
await writeFile(outPath, JSON.stringify(result));
