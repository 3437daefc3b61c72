// `vpcheck down`: remove what runs left behind (after kill -9 or --keep).
import { TargetError, type Target } from '../targets/target.ts';
import { EXIT, type Io } from './io.ts';

export async function downCommand(options: { run?: string; all?: boolean }, io: Io, target: Target): Promise<number> {
  if (!options.run && !options.all) {
    io.err('say which runs to remove: --run ID or --all');
    return EXIT.invalid;
  }
  let removed: string[];
  try {
    removed = await target.down(options.run ? { runId: options.run } : { all: true });
  } catch (e) {
    if (!(e instanceof TargetError)) throw e;
    io.err(`the ${target.kind} target failed: ${e.message}`);
    return EXIT.target;
  }
  io.out(removed.length ? `removed ${removed.length} run${removed.length > 1 ? 's' : ''}: ${removed.join(', ')}` : 'nothing to remove');
  return EXIT.ok;
}
