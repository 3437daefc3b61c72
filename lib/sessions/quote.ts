// POSIX shell quoting, the one for every command vpcheck writes: the console framing, the probe
// commands, the lab's scripts and the reproduce lines.

/** Quotes a string as one shell word: inside single quotes nothing is special but the quote itself. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
