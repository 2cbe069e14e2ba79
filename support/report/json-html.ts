/** HTML-escapes text for element content and attribute values. */
export function esc(s: unknown): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Keys an auditor looks for first in a CloudTrail record or an AWS answer. */
const HIGHLIGHT = new Set(['eventName', 'eventSource', 'eventTime', 'invokedBy', 'errorCode', 'errorMessage', 'arn', 'principalId', 'sourceIPAddress', 'Effect', 'Action', 'Principal', 'Sid', 'Resource', 'Condition', 'keyId', 'SSEKMSKeyId', 'ServerSideEncryption', 'LogFileValidationEnabled', 'IsLogging', 'code', 'message']);

/** Pretty-printed JSON (2-space indent, like JSON.stringify) as HTML with classes for keys, strings, numbers, literals. */
export function jsonHtml(value: unknown, indent = 0): string {
  const pad = '  '.repeat(indent);
  const inner = '  '.repeat(indent + 1);
  if (value === null) return '<span class="j-l">null</span>';
  if (typeof value === 'string') return `<span class="j-s">${esc(JSON.stringify(value))}</span>`;
  if (typeof value === 'number') return `<span class="j-n">${esc(String(value))}</span>`;
  if (typeof value === 'boolean') return `<span class="j-l">${value}</span>`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${jsonHtml(v, indent + 1)}`).join(',\n')}\n${pad}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}<span class="j-k${HIGHLIGHT.has(k) ? ' hl' : ''}">${esc(JSON.stringify(k))}</span>: ${jsonHtml(v, indent + 1)}`).join(',\n')}\n${pad}}`;
  }
  return esc(String(value));
}
