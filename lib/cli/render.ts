// `vpcheck render`: the objects a target would create for a topology, printed for review and
// bug reports (Harvester: multi-document YAML that `kubectl apply -f` takes).
import { manifestsYaml } from '../targets/harvester/manifests.ts';
import { DEFAULT_IMAGE, render } from '../targets/harvester/render.ts';
import { harvesterLimits } from '../targets/harvester/limits.ts';
import { podLimits } from '../targets/kubeovn/limits.ts';
import { clusterLimits } from '../targets/k8s-common/limits.ts';
import { DEFAULT_POD_IMAGE, renderPods } from '../targets/kubeovn/render.ts';
import { formatDiagnostic } from '../topology/diagnostics.ts';
import { EXIT, type Io } from './io.ts';
import { natSiteMisplaced } from './nat-site.ts';
import { INITIAL_PHASE, phaseSpec } from '../topology/phases.ts';
import { loadForCommand } from './topology-input.ts';

export interface RenderCommandOptions {
  readonly target: string;
  readonly phase?: string;
  readonly runId: string;
  readonly namespace: string;
  readonly image?: string;
  readonly kubeOvnPrimary?: boolean;
  readonly externalNic?: string;
  readonly externalVlan?: number;
  readonly natGatewayImage?: string;
}

export async function renderCommand(file: string, options: RenderCommandOptions, io: Io): Promise<number> {
  if (options.target !== 'harvester' && options.target !== 'kubeovn') {
    io.err(`render: only --target harvester or kubeovn renders manifests (the ${options.target} target builds without them)`);
    return EXIT.invalid;
  }
  const topology = await loadForCommand(file, '8.8.8.8', io);
  if (!topology) return EXIT.invalid;
  const phase = options.phase ?? INITIAL_PHASE;
  const found = phaseSpec(topology, phase);
  if ('error' in found) {
    io.err(`render: ${found.error}`);
    return EXIT.invalid;
  }
  const { spec } = found;
  const harvester = options.target === 'harvester';
  const misplaced = natSiteMisplaced(options);
  if (misplaced) {
    io.err(`render: ${misplaced}`);
    return EXIT.invalid;
  }
  const site = {
    ...(options.externalNic !== undefined && { externalNic: options.externalNic }),
    ...(options.externalVlan !== undefined && { externalVlan: options.externalVlan }),
    ...(options.natGatewayImage !== undefined && { natGatewayImage: options.natGatewayImage }),
  };
  // The manifests are still printed (for review), with what the pods will not do.
  for (const d of [...(harvester ? harvesterLimits(topology) : podLimits(topology, 'warning')), ...clusterLimits(topology, 'warning')]) io.err(formatDiagnostic(d));
  const rendered = harvester
    ? render(spec, { runId: options.runId, namespace: options.namespace, image: options.image ?? DEFAULT_IMAGE, ...site })
    : renderPods(spec, { runId: options.runId, image: options.image ?? DEFAULT_POD_IMAGE, ...(options.kubeOvnPrimary && { primary: true }), ...site });
  io.out(manifestsYaml(rendered, options.runId, [
    `vpcheck render ${file} --target ${options.target} --phase "${phase}" --run-id ${options.runId}`,
    `Every object carries vpcheck/run=${options.runId}; remove them with: vpcheck down --target ${options.target} --run ${options.runId}`,
    ...(harvester ? [
      'Each VirtualMachine reads cloud-init user-data from the Secret of its own name (key "userdata"),',
      'which holds the console password: `vpcheck run` creates it; by hand, create it before the VMs.',
    ] : []),
    ...rendered.notes.map((n) => `NAT gateway: ${n}`),
  ]));
  return EXIT.ok;
}
