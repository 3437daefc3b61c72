// Names, reasons and raw output come from user files and VMs: every string put into HTML or XML
// goes through `esc`. The five entities are valid in both languages, attributes included.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// XML 1.0 forbids most C0 control characters even as references; console output carries them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

export function esc(text: string | number): string {
  return String(text).replace(CONTROL, '\ufffd').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** JSON for an inline <script type="application/json">: no "</script>" or "<!--" can close it early. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
