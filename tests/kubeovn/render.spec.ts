// Pod rendering for the kubeovn target: golden manifests per seed, and every Pod's Kube-OVN
// annotations pointing at the run's own NAD, Subnet and SecurityGroups (attachment network), or
// at the primary network when so configured. The upstream schemas: tests/k8s/upstream-schemas.spec.ts.
// Regenerate the golden files with VPCHECK_UPDATE_GOLDEN=1.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { parseNetworksAnnotation } from '../../lib/k8s/kube-ovn.ts';
import type { KubeObject } from '../../lib/k8s/resources.ts';
import { manifestsYaml } from '../../lib/targets/harvester/manifests.ts';
import { DEFAULT_POD_IMAGE, renderPods } from '../../lib/targets/kubeovn/render.ts';
import { loadTopologyFile } from '../../lib/topology/load.ts';
import { SEEDS, seedFiles } from '../support/seed-runs.ts';

const golden = fileURLToPath(new URL('./golden/', import.meta.url));

/** Each pod's attachment, checked against the objects rendered with it. */
function podProblems(objects: readonly KubeObject[], namespace: string): string[] {
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  const subnets = new Map(of('Subnet').map((s) => [s.metadata.name, (s.spec as { provider: string }).provider]));
  const nads = new Set(of('NetworkAttachmentDefinition').map((n) => `${n.metadata.namespace}/${n.metadata.name}`));
  const sgs = new Set(of('SecurityGroup').map((g) => g.metadata.name));
  const problems: string[] = [];
  for (const vpc of of('Vpc')) if (JSON.stringify((vpc.spec as { namespaces?: string[] }).namespaces) !== JSON.stringify([namespace])) problems.push(`${vpc.metadata.name}: not bound to ${namespace}`);
  for (const pod of of('Pod')) {
    const a = pod.metadata.annotations!;
    const [nad] = parseNetworksAnnotation(a['k8s.v1.cni.cncf.io/networks'] ?? '', namespace);
    const provider = nad ? `${nad.split('/')[1]}.${nad.split('/')[0]}.ovn` : 'ovn';
    if (nad && !nads.has(nad)) problems.push(`${pod.metadata.name}: NAD ${nad}`);
    if (pod.metadata.namespace !== namespace) problems.push(`${pod.metadata.name}: namespace ${pod.metadata.namespace}`);
    const ls = a[`${provider}.kubernetes.io/logical_switch`];
    if (!ls || subnets.get(ls) !== provider) problems.push(`${pod.metadata.name}: logical_switch ${ls} is not a subnet of provider ${provider}`);
    if (!a[`${provider}.kubernetes.io/ip_address`]) problems.push(`${pod.metadata.name}: no ip_address`);
    for (const g of (a[`${provider}.kubernetes.io/security_groups`] ?? '').split(',').filter(Boolean)) if (!sgs.has(g)) problems.push(`${pod.metadata.name}: security group ${g}`);
  }
  return problems;
}

for (const file of seedFiles) {
  test(`kubeovn render ${file}: golden pods, annotations consistent, both attachment modes`, async () => {
    const { topology } = await loadTopologyFile(SEEDS + file);
    expect(topology).toBeDefined();
    for (const primary of [false, true]) {
      const rendered = renderPods(topology!, { runId: 'golden', image: DEFAULT_POD_IMAGE, primary });
      expect(rendered.namespace).toBe('golden-pods');
      expect(rendered.objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'golden-pods', labels: { 'vpcheck/run': 'golden' } } });
      expect(podProblems(rendered.objects, rendered.namespace), `primary ${primary}`).toEqual([]);
      expect(rendered.objects.filter((o) => o.kind === 'Pod').length).toBe(topology!.vms.length);
      // The NAT gateway's external network is a macvlan NAD in either mode.
      expect(rendered.objects.some((o) => o.kind === 'NetworkAttachmentDefinition' && o.metadata.namespace !== 'kube-system')).toBe(!primary && topology!.networks.length > 0);
      expect(rendered.objects.some((o) => o.kind === 'NetworkAttachmentDefinition' && o.metadata.namespace === 'kube-system')).toBe(topology!.natGateways.length > 0);
    }
    const text = manifestsYaml(renderPods(topology!, { runId: 'golden', image: DEFAULT_POD_IMAGE }), 'golden', [`topologies/${file}`]);
    const path = golden + file;
    if (process.env.VPCHECK_UPDATE_GOLDEN) writeFileSync(path, text);
    expect(text).toBe(readFileSync(path, 'utf8'));
  });
}
