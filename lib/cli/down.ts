// `vpcheck down`: remove what runs left behind (after kill -9 or --keep).
import type { Target } from '../targets/target.ts';
import { EXIT, type Io } from './io.ts';

export async function downCommand(options: { run?: string; all?: boolean }, io: Io, target: Target): Promise<number> {
  if (!options.run && !options.all) {
    io.err('say which runs to remove: --run ID or --all');
    return EXIT.invalid;
  }
  const removed = await target.down(options.run ? { runId: options.run } : { all: true });
  io.out(removed.length ? `removed ${removed.length} run${removed.length > 1 ? 's' : ''}: ${removed.join(', ')}` : 'nothing to remove');
  return EXIT.ok;
}
