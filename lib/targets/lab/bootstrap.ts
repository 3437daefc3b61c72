// What the lab needs from the machine, checked before anything is built: root, and the Debian
// packages' programs. A missing one is a TargetError (exit 3) that says what to install.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { TargetError } from '../target.ts';
// The one list of programs (scripts/setup.sh installs and checks the same).
import programs from './programs.json' with { type: 'json' };

/** Program -> the Debian package that ships it, for the programs the lab runs. */
const REQUIRED: Record<string, string> = Object.fromEntries(
  Object.entries(programs.programs).filter(([, p]) => p.for === 'lab').map(([name, p]) => [name, p.package]),
);

function onPath(program: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  return dirs.some((d) => {
    try {
      accessSync(join(d, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function checkMachine(): void {
  if (process.getuid?.() !== 0) throw new TargetError('lab: must run as root (it creates network namespaces and runs OVS/OVN)');
  const missing = Object.keys(REQUIRED).filter((p) => !onPath(p));
  if (missing.length) {
    const packages = [...new Set(missing.map((p) => REQUIRED[p]!))].sort();
    throw new TargetError(`lab: missing ${missing.join(', ')} (Debian packages: ${packages.join(' ')}); install them with \`npm run setup\``);
  }
}
