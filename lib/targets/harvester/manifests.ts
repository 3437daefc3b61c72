// The rendered objects as multi-document YAML for `vpcheck render`: what `kubectl apply -f`
// takes, for review and bug reports.
import { stringify } from 'yaml';
import type { KubeObject } from '../../k8s/resources.ts';
import { annotationKey } from '../k8s-common/ovn-cluster.ts';
import type { Rendered } from './render.ts';

/** ovn-cluster as a document: the run's entries only (on a cluster, vpcheck merges them into what is there). */
export function ovnClusterDocument(runId: string, patch: NonNullable<Rendered['ovnCluster']>): KubeObject {
  return {
    apiVersion: 'kubeovn.io/v1',
    kind: 'Vpc',
    metadata: { name: 'ovn-cluster', annotations: { [annotationKey(runId)]: JSON.stringify(patch) } },
    spec: { vpcPeerings: patch.vpcPeerings, staticRoutes: patch.staticRoutes, policyRoutes: patch.policyRoutes },
  };
}

export function manifestsYaml(rendered: Rendered, runId: string, header: readonly string[]): string {
  const docs = rendered.objects.map((o) => stringify(o, { lineWidth: 0 }));
  if (rendered.ovnCluster) {
    const note = [
      '# ovn-cluster exists on every Kube-OVN cluster and is never created or deleted by vpcheck.',
      '# `vpcheck run` merges these entries into its lists; `kubectl apply` would replace the lists.',
    ];
    const afterVpcs = rendered.objects.findIndex((o) => o.kind !== 'NetworkAttachmentDefinition' && o.kind !== 'Vpc');
    docs.splice(afterVpcs < 0 ? docs.length : afterVpcs, 0, `${note.join('\n')}\n${stringify(ovnClusterDocument(runId, rendered.ovnCluster), { lineWidth: 0 })}`);
  }
  return `${header.map((l) => `# ${l}`).join('\n')}\n${docs.map((d) => `---\n${d}`).join('')}`;
}
