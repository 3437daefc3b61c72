// Files of the project that code reads at run time (scripts, shell helpers). Resolved from this
// module's own location, which is one directory below the project root both as TypeScript
// (lib/) and in the bundle (dist/, scripts/build.js puts every chunk directly there).
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../', import.meta.url);

/** The absolute path of a file given relative to the project root, e.g. `scripts/setup.sh`. */
export function projectFile(relative: string): string {
  return fileURLToPath(new URL(relative, ROOT));
}
