// The default images of the cluster targets, apart from their renderers so that the command
// line's help can name them without loading any target code.

/** A KubeVirt containerDisk with cloud-init (github.com/kubevirt/containerdisks); override with --image. */
export const DEFAULT_IMAGE = 'quay.io/containerdisks/ubuntu:22.04';

/**
 * A small image with a shell, iproute2, ping and socat (github.com/nicolaka/netshoot); any image
 * with those works (--image).
 */
export const DEFAULT_POD_IMAGE = 'nicolaka/netshoot:v0.13';
