import { expect, test } from '@playwright/test';

/** The pretrained dictionary ships with the app and loads in the browser's model worker. */
test('the pretrained Emoji-CLIP dictionary loads in the browser and explains an image and a text', async ({ page }) => {
  await page.goto('/');
  const result = await page.evaluate(async () => {
    const api = window.__lucidTest!.explorer();
    await api.loadModel('emoji-clip', 'wasm', { allowRemote: false });
    const summary = await api.loadDictionary('/dictionaries/emoji-clip/');
    const text = await api.analyzeText('a dog');
    return {
      latents: summary.interpretation?.latents.length ?? 0,
      m: summary.nShared + summary.nImagePrivate + summary.nTextPrivate,
      labelled: summary.interpretation?.latents.filter((l) => l.label).length ?? 0,
      neurons: text.neurons.length,
    };
  });
  console.log(`dictionary: ${result.m} latents, ${result.labelled} labelled; "a dog" fires ${result.neurons} neurons`);
  expect(result.latents).toBe(result.m);
  expect(result.labelled).toBeGreaterThan(result.m / 4);
  expect(result.neurons).toBeGreaterThan(0);

  const broken = await page.evaluate(async () => {
    try {
      await window.__lucidTest!.explorer().loadDictionary('/no/such/dictionary/');
      return 'loaded';
    } catch (error) {
      return String(error);
    }
  });
  expect(broken).toMatch(/no LUCID dictionary/);
  // The failed load kept the working dictionary.
  const still = await page.evaluate(
    async () => (await window.__lucidTest!.explorer().analyzeText('a cat')).neurons.length,
  );
  expect(still).toBeGreaterThan(0);
});
