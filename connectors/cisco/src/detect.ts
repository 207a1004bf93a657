// Which source a request belongs to when the URL does not say so by its source segment: first the URL
// suffix (`.../finesse`, `.../webex-cc`), then the body itself (XML for Finesse, CloudEvents JSON for Webex CC).
import type { InboundRequest } from '@openconnect/core';

export type SourceName = 'finesse' | 'webex-cc';

export function sourceInUrl(req: InboundRequest): SourceName | undefined {
  let path: string;
  try {
    path = new URL(req.url).pathname.replace(/\/+$/, '').toLowerCase();
  } catch {
    return undefined;
  }
  if (path.endsWith('/finesse')) return 'finesse';
  if (path.endsWith('/webex-cc')) return 'webex-cc';
  return undefined;
}

export function firstChar(req: InboundRequest): string {
  const text = req.rawBody
    .subarray(0, 512)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return text.charAt(0);
}
