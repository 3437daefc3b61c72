// POSIX shell quoting, shared by the console framing and the probe command builders.

/** Quotes a string as one shell word: inside single quotes nothing is special but the quote itself. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
