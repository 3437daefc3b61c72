// `vpcheck explain`: one probe's path hop by hop, request and reply, and the verdict.
import { buildModel, renderExplain } from '../model/index.ts';
import { EXIT, type Io } from './io.ts';
import { INITIAL_PHASE, phaseSpec } from '../topology/phases.ts';
import { loadForPrediction, type InternetOptions } from './topology-input.ts';
import { EXTERNAL } from '../topology/types.ts';

export interface ExplainOptions extends InternetOptions {
  readonly from: string;
  readonly to: string;
  readonly port?: number;
  readonly phase?: string;
}

export async function explainCommand(file: string, options: ExplainOptions, io: Io): Promise<number> {
  const loaded = await loadForPrediction(file, options, io);
  if (!loaded) return EXIT.invalid;
  const { topology, internetIP } = loaded;
  const phase = options.phase ?? INITIAL_PHASE;
  const found = phaseSpec(topology, phase);
  if ('error' in found) {
    io.err(`${file}: ${found.error}`);
    return EXIT.invalid;
  }
  const { spec } = found;
  const model = buildModel(spec, { internetIP });
  const vms = spec.vms.map((v) => v.name);
  if (!vms.includes(options.from) && options.from !== EXTERNAL) {
    io.err(`--from ${options.from}: no such VM in phase ${phase}; VMs: ${vms.join(', ')}, or "${EXTERNAL}"`);
    return EXIT.invalid;
  }
  const eips = spec.eips.map((e) => e.name);
  try {
    model.resolve(options.to);
  } catch {
    io.err(`--to ${options.to}: neither a VM, an EIP, an IPv4 address, nor "internet"; VMs: ${vms.join(', ')}${eips.length ? `; EIPs: ${eips.join(', ')}` : ''}`);
    return EXIT.invalid;
  }
  const req = { from: options.from, to: options.to, probe: options.port === undefined ? ('icmp' as const) : ('tcp' as const), ...(options.port !== undefined && { port: options.port }) };
  const header = phase === INITIAL_PHASE ? '' : `phase ${phase}\n`;
  io.out(header + renderExplain(req, model.predict(req)));
  return EXIT.ok;
}
