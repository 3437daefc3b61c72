// The versions the fake cluster reports (its /version, its ovn-central image, Harvester's
// server-version setting, KubeVirt's status), as a run's result should record them.
export const FAKE_VERSIONS = { kubernetes: 'v1.31.4+fake', 'kube-ovn': 'v1.14.10', harvester: 'v1.6.1', kubevirt: 'v1.5.2' } as const;
