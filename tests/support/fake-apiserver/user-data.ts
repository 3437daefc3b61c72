// cloud-init's user-data of a VirtualMachine or its VMI on the fake: the Secret its
// cloudInitNoCloud volume names (KubeVirt reads the key "userdata"), parsed. The fake plays
// cloud-init's part from it: the console user's password, SSH keys.
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../../lib/k8s/resources.ts';
import type { Store } from './store.ts';

type Volumes = { cloudInitNoCloud?: { secretRef?: { name: string } } }[];

export interface UserData {
  readonly users?: readonly { readonly name: string; readonly plain_text_passwd?: string; readonly ssh_authorized_keys?: readonly string[] }[];
  readonly ssh_keys?: { readonly ed25519_private?: string };
}

export function userDataOf(store: Store, o: KubeObject): UserData {
  const spec = o.spec as { volumes?: Volumes; template?: { spec?: { volumes?: Volumes } } };
  const volumes = (o.kind === 'VirtualMachine' ? spec.template?.spec?.volumes : spec.volumes) ?? [];
  const ref = volumes.find((v) => v.cloudInitNoCloud)?.cloudInitNoCloud?.secretRef?.name;
  const secret = ref ? store.get('Secret', o.metadata.namespace, ref) : undefined;
  const text = (secret?.stringData as Record<string, string> | undefined)?.userdata ?? Buffer.from((secret?.data as Record<string, string> | undefined)?.userdata ?? '', 'base64').toString('utf8');
  return (parseYaml(text || '{}') ?? {}) as UserData;
}
