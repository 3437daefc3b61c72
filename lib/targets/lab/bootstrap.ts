// What the lab needs from the machine, checked before anything is built: root, and the Debian
// packages' programs. A missing one is a TargetError (exit 3) that says what to install.
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectFile } from '../../project-files.ts';
import { TargetError } from '../target.ts';

export interface Program {
  readonly name: string;
  /** The Debian package that ships it. */
  readonly package: string;
  /** lab | tests | reports */
  readonly for: string;
}

/**
 * The one list of programs is the PROGRAMS table in scripts/setup.sh, which installs and checks
 * them all; reading it here keeps a second list from drifting.
 */
export function requiredPrograms(setupScript = readFileSync(projectFile('scripts/setup.sh'), 'utf8')): Program[] {
  const table = /^PROGRAMS='\n([\s\S]*?)^'/m.exec(setupScript);
  if (!table) throw new Error('scripts/setup.sh has no PROGRAMS table');
  return table[1]!.split('\n').filter((l) => l.trim()).map((l) => {
    const [name, pkg, use] = l.trim().split(/\s+/);
    return { name: name!, package: pkg!, for: use! };
  });
}

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
  const missing = requiredPrograms().filter((p) => p.for === 'lab' && !onPath(p.name));
  if (missing.length) {
    const packages = [...new Set(missing.map((p) => p.package))].sort();
    throw new TargetError(`lab: missing ${missing.map((p) => p.name).join(', ')} (Debian packages: ${packages.join(' ')}); install them with \`npm run setup\``);
  }
}
