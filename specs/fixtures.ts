// Fixtures of the e2e suite: which target and transport a project runs against, and the
// topology files it covers. Specs stay declarative; the engine lives in lib/run.
import { test as base } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { targetOf } from '../lib/targets/index.ts';
import { sshJumpOptions } from '../lib/sessions/ssh-jump-flags.ts';
import { isTargetKind, TRANSPORTS, type Target } from '../lib/targets/target.ts';
import type { Transport } from '../lib/sessions/session.ts';

export interface SuiteOptions {
  /** How the suite reaches the VMs; set per Playwright project. */
  transport: Transport;
}

export const test = base.extend<{}, SuiteOptions & { target: Target }>({
  transport: ['console', { option: true, scope: 'worker' }],
  target: [async ({ transport }, use) => {
    const target = suiteTarget();
    // Said once, rather than as a failed login on every VM.
    if (!target.transports.includes(transport)) throw new Error(`VPCHECK_TARGET=${target.kind} reaches its VMs with ${target.transports.join(' or ')} only, not ${transport}: run its e2e-${target.transports[0]} project`);
    await use(target);
  }, { scope: 'worker' }],
});

/**
 * VPCHECK_TARGET=lab (default), harvester or kubeovn; on a cluster VPCHECK_KUBECONFIG,
 * VPCHECK_CONTEXT, VPCHECK_NAMESPACE, VPCHECK_IMAGE and VPCHECK_INTERNET_IP (default 8.8.8.8) say
 * which cluster and how, and VPCHECK_KUBE_OVN_PRIMARY=1 that Kube-OVN is the primary CNI.
 * VPCHECK_SSH_JUMP, VPCHECK_SSH_JUMP_IDENTITY and VPCHECK_SSH_JUMP_KNOWN_HOSTS are run's
 * --ssh-jump flags for the e2e-ssh project on harvester.
 */
function suiteTarget(): Target {
  const env = process.env;
  const kind = env.VPCHECK_TARGET ?? 'lab';
  if (!isTargetKind(kind)) throw new Error(`VPCHECK_TARGET=${kind}: use ${Object.keys(TRANSPORTS).join(', ')}`);
  return targetOf({
    target: kind,
    ...(env.VPCHECK_KUBE_OVN_PRIMARY === '1' && { kubeOvnPrimary: true }),
    ...(env.VPCHECK_KUBECONFIG && { kubeconfig: env.VPCHECK_KUBECONFIG }),
    ...(env.VPCHECK_CONTEXT && { context: env.VPCHECK_CONTEXT }),
    ...(env.VPCHECK_NAMESPACE && { namespace: env.VPCHECK_NAMESPACE }),
    ...(env.VPCHECK_IMAGE && { image: env.VPCHECK_IMAGE }),
    ...(env.VPCHECK_INTERNET_IP && { internetIp: env.VPCHECK_INTERNET_IP }),
    sshJumpOptions: sshJumpOptions({ sshJump: env.VPCHECK_SSH_JUMP, sshJumpIdentity: env.VPCHECK_SSH_JUMP_IDENTITY, sshJumpKnownHosts: env.VPCHECK_SSH_JUMP_KNOWN_HOSTS }),
  });
}

/**
 * The topology files of the suite: every file in topologies/, or those whose names match
 * VPCHECK_TOPOLOGIES (a comma-separated list of substrings). A filter that matches no file is an
 * error: a typo must not pass as a suite of zero tests.
 */
export function suiteTopologies(): string[] {
  const raw = process.env.VPCHECK_TOPOLOGIES ?? '';
  const filter = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const files = readdirSync('topologies').filter((f) => f.endsWith('.yaml'));
  const chosen = filter.length ? files.filter((f) => filter.some((s) => f.includes(s))) : files;
  if (chosen.length === 0) throw new Error(`VPCHECK_TOPOLOGIES=${raw} matches none of the topology files in topologies/: ${files.join(', ')}`);
  return chosen.map((f) => `topologies/${f}`);
}

export { expect } from '@playwright/test';
