/**
 * Fetching a file that may not exist, shared by the explorer and training workers: a dictionary is
 * optional (none is shipped for a model until one is trained), and a missing one is not an error.
 */

/** The response for `url`, or null when it is missing; other HTTP failures throw. */
export async function fetchOptional(url: string, download: typeof fetch = fetch): Promise<Response | null> {
  const response = await download(url);
  // A single-page-app server answers unknown paths with index.html: that is "missing" too.
  if (response.status === 404 || response.headers.get('content-type')?.includes('text/html')) return null;
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}
