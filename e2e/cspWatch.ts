/**
 * Collects Content Security Policy violations during a test, from the page and from its workers:
 * the document's `securitypolicyviolation` events, and Chromium's "… violates the following
 * Content Security Policy directive …" log entries. A violation inside a dedicated worker reaches
 * Playwright only through the DevTools `Log` domain (with a `workerId`), not as a console message.
 */
import type { Page } from '@playwright/test';

const CSP_REPORT = /Content Security Policy|Refused to (load|connect|execute|create|evaluate|compile|apply|frame)/i;

type ViolationLog = { __cspViolations?: string[] };

/** Starts watching before the page loads; call the returned function to read what was seen. */
export async function watchCspViolations(page: Page): Promise<() => Promise<string[]>> {
  const fromLog: string[] = [];
  const devtools = await page.context().newCDPSession(page);
  devtools.on('Log.entryAdded', ({ entry }) => {
    if (CSP_REPORT.test(entry.text)) fromLog.push(`${entry.workerId ? 'worker' : 'page'} log: ${entry.text}`);
  });
  await devtools.send('Log.enable');
  page.on('console', (message) => {
    if (CSP_REPORT.test(message.text())) fromLog.push(`page console: ${message.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const log = window as ViolationLog;
      (log.__cspViolations ??= []).push(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline code'}`);
    });
  });
  return async () => {
    const fromEvents = page.isClosed()
      ? []
      : await page.evaluate(() => (window as ViolationLog).__cspViolations ?? []).catch(() => []);
    return [...fromEvents.map((v) => `page event: ${v}`), ...fromLog];
  };
}
