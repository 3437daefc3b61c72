// `vpcheck explain`: one probe's path hop by hop, request and reply, and the verdict.
import { buildModel, renderExplain } from '../model/index.ts';
import { EXIT, type Io } from './io.ts';
import { INITIAL_PHASE, phaseSpec } from '../topology/phases.ts';
import { loadForPrediction, type InternetOptions } from './topology-input.ts';
import { EXTERNAL, type ProbeKind } from '../topology/types.ts';
import { nodesOf } from '../topology/nodes.ts';
import { DEFAULT_BULK_MEGABYTES, DEFAULT_MTU_SIZE, MAX_BULK_MEGABYTES, MAX_MTU_SIZE, MEBIBYTE } from '../topology/validate-probes.ts';
import type { ProbeRequest } from '../model/types.ts';

export interface ExplainOptions extends InternetOptions {
  readonly from: string;
  readonly to: string;
  readonly port?: number;
  readonly probe?: ProbeKind;
  readonly size?: number;
  readonly megabytes?: number;
  readonly phase?: string;
}

/** The probe the flags describe, or what is wrong with them. */
export function requestOf(o: ExplainOptions): ProbeRequest | { error: string } {
  const probe = o.probe ?? (o.port === undefined ? 'icmp' : 'tcp');
  const wants = { port: probe === 'tcp' || probe === 'bulk', size: probe === 'mtu', megabytes: probe === 'bulk' };
  for (const flag of ['port', 'size', 'megabytes'] as const) {
    if (o[flag] !== undefined && !wants[flag]) return { error: `--${flag} does not go with --probe ${probe}` };
  }
  if (wants.port && o.port === undefined) return { error: `--probe ${probe} needs --port${probe === 'bulk' ? ' (the destination\'s listen: port, where its echo service runs)' : ''}` };
  if (o.size !== undefined && o.size > MAX_MTU_SIZE) return { error: `--size ${o.size} is more than ${MAX_MTU_SIZE}, the ICMP payload of one IPv4 packet` };
  if (o.megabytes !== undefined && (o.megabytes < 1 || o.megabytes > MAX_BULK_MEGABYTES)) return { error: `--megabytes ${o.megabytes} is not in 1-${MAX_BULK_MEGABYTES}` };
  const size = probe === 'mtu' ? o.size ?? DEFAULT_MTU_SIZE : probe === 'bulk' ? (o.megabytes ?? DEFAULT_BULK_MEGABYTES) * MEBIBYTE : undefined;
  return { from: o.from, to: o.to, probe, ...(o.port !== undefined && { port: o.port }), ...(size !== undefined && { size }) };
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
  const req = requestOf(options);
  if ('error' in req) {
    io.err(req.error);
    return EXIT.invalid;
  }
  const header = phase === INITIAL_PHASE ? '' : `phase ${phase}\n`;
  io.out(header + renderExplain(req, model.predict(req), { nodes: nodesOf(spec).length > 1 }));
  return EXIT.ok;
}
