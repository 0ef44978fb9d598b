import type { Page } from '@playwright/test';

/**
 * Drops files on the Images tab's drop zone, as a user dragging them from the desktop does (a real
 * `drop` event with a DataTransfer). In-memory files: their names need not be valid on disk.
 */
export async function dropImages(page: Page, files: { name: string; bytes: Buffer }[]): Promise<void> {
  await page.getByRole('tab', { name: 'Images' }).click();
  const dataTransfer = await page.evaluateHandle(
    (list) => {
      const transfer = new DataTransfer();
      for (const { name, data } of list)
        transfer.items.add(new File([new Uint8Array(data)], name, { type: 'image/png' }));
      return transfer;
    },
    files.map(({ name, bytes }) => ({ name, data: Array.from(bytes) })),
  );
  await page.locator('.drop-zone').dispatchEvent('drop', { dataTransfer });
}
