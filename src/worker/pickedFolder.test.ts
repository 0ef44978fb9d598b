import { describe, expect, it } from 'vitest';
import { readPicked, servePicked } from './pickedFolder';

const folder = {
  name: 'my-clip',
  files: { 'config.json': new Blob(['{"a":1}']), 'onnx/vision_model.onnx': new Blob([new Uint8Array([1, 2, 3])]) },
};

describe('a picked folder', () => {
  it('reads files by relative path and says null for a missing one', async () => {
    const read = readPicked(folder);
    expect(new TextDecoder().decode((await read('config.json'))!)).toBe('{"a":1}');
    expect(await read('onnx/text_model.onnx')).toBeNull();
  });

  it('answers requests under its prefix, 404 for a missing file, and passes others on', async () => {
    const passed: string[] = [];
    const fallback = (async (input: RequestInfo | URL) => {
      passed.push(String(input));
      return new Response('elsewhere');
    }) as typeof fetch;
    const serve = servePicked('http://app.test/models/picked/m1/', folder, fallback);
    const vision = await serve('http://app.test/models/picked/m1/onnx/vision_model.onnx');
    expect(vision.status).toBe(200);
    expect(vision.headers.get('content-length')).toBe('3');
    expect([...new Uint8Array(await vision.arrayBuffer())]).toEqual([1, 2, 3]);
    expect((await serve('http://app.test/models/picked/m1/tokenizer.json')).status).toBe(404);
    expect(await (await serve('http://app.test/models/emoji-clip/config.json')).text()).toBe('elsewhere');
    expect(passed).toEqual(['http://app.test/models/emoji-clip/config.json']);
  });

  it('resolves a root-relative path against the prefix', async () => {
    const serve = servePicked('http://app.test/models/picked/m1/', folder, fetch);
    expect(await (await serve('/models/picked/m1/config.json')).text()).toBe('{"a":1}');
  });
});
