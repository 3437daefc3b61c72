// URL paths of the Kubernetes API, parsed: /api/v1/..., /apis/GROUP/VERSION/..., with or without
// namespaces/NS, a name and a subresource.
import { RESOURCES, type ResourceType } from '../../../lib/k8s/resources.ts';
import { FAKE_VERSIONS } from './versions.ts';

export interface Route {
  readonly resource: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

/** Resources of a group/version; VMI console and portforward live in subresources.kubevirt.io. */
export function resourcesOf(group: string, version: string): ResourceType[] {
  return RESOURCES.filter((r) => r.group === group && r.version === version);
}

export function parseRoute(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) [group, rest] = ['', parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 4) [group, rest] = [parts[1]!, parts.slice(3)];
  else return undefined;
  const version = parts[0] === 'api' ? parts[1]! : parts[2]!;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const resource = resourcesOf(group, version).find((r) => r.plural === rest[0]);
  if (!resource || rest.length > 3) return undefined;
  return { resource, ...(namespace !== undefined && { namespace }), ...(rest[1] !== undefined && { name: rest[1] }), ...(rest[2] !== undefined && { subresource: rest[2] }) };
}

/** /api, /apis, /api/v1, /apis/G/V: discovery documents, or undefined for other paths. */
export function discovery(pathname: string): unknown {
  const groups = [...new Set(RESOURCES.filter((r) => r.group).map((r) => `${r.group}/${r.version}`)), 'subresources.kubevirt.io/v1'];
  const list = (groupVersion: string, resources: ResourceType[]) => ({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.flatMap((r) => [
      { name: r.plural, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] },
      ...(r.statusSubresource ? [{ name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] }] : []),
    ]),
  });
  if (pathname === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (pathname === '/apis') {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groups.map((gv) => {
        const [name, version] = gv.split('/') as [string, string];
        return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
      }),
    };
  }
  if (pathname === '/api/v1') return list('v1', resourcesOf('', 'v1'));
  if (pathname === '/apis/subresources.kubevirt.io/v1') {
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'subresources.kubevirt.io/v1', resources: ['console', 'portforward'].map((sub) => ({ name: `virtualmachineinstances/${sub}`, namespaced: true, kind: '', verbs: ['get'] })) };
  }
  const m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(pathname);
  if (m && groups.includes(`${m[1]}/${m[2]}`)) return list(`${m[1]}/${m[2]}`, resourcesOf(m[1]!, m[2]!));
  if (pathname === '/version') return { major: '1', minor: '31', gitVersion: FAKE_VERSIONS.kubernetes, platform: 'linux/amd64' };
  return undefined;
}
