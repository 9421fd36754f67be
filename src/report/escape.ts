/** Escaping for every text a report renders: names in results are data, never markup. */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  // Control bytes (a terminal escape in a tenant name) have no business in a page; tab and newline stay.
  return String(value)
    .replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/g, '')
    .replace(/[&<>"']/g, (c) => HTML[c]);
}

/** Escapes text for XML content and attributes; drops characters XML 1.0 cannot carry. */
export function escapeXml(value: unknown): string {
  return String(value)
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => HTML[c]);
}

/** Escapes text for a Markdown table cell (GitHub renders inline HTML, so HTML is escaped too). */
export function escapeMarkdown(value: unknown): string {
  // Markdown's specials first, then the HTML ones: escaping in the other order broke the entities it
  // had just written ("ns-1's" rendered as "ns-1&\#39;s"). Quotes need no escaping in Markdown text.
  return String(value)
    .replace(/([\\`*_[\]#~|])/g, '\\$1')
    .replace(/[&<>]/g, (c) => HTML[c])
    .replace(/\r?\n/g, ' ')
    .replace(/[\x00-\x08\x0B-\x1F\x7F]/g, ''); // control bytes would drive a terminal that cats the file
}

/** A safe file-name part: letters, digits, '.', '_' and '-' only, never a leading dot. */
export function fileSafe(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_');
  return s.slice(0, 80) || '_';
}
