// Public vocabulary of the reachability model. Dispositions follow Batfish's so that a model
// reason and the evidence of a trace (ovn-trace, ip route) can be compared word for word.
import type { NodePair, Outcome, ProbeKind } from '../topology/types.ts';

export type Disposition =
  /** The request reached its destination and the reply came back. */
  | 'DELIVERED'
  /** A VM holds no address: it cannot send, and nothing it is sent is for it. */
  | 'NO_ADDRESS'
  /** A VM or a router has no route for the destination. */
  | 'NO_ROUTE'
  /** An ACL on the source side (the source port or the source subnet's switch) dropped the request. */
  | 'DENIED_OUT'
  /** An ACL on the destination side dropped the request. */
  | 'DENIED_IN'
  /** The next hop does not answer ARP (wrong peering address, one-sided peering, unused address). */
  | 'NEIGHBOR_UNREACHABLE'
  /** The request arrived but the reply has no way back. */
  | 'NO_RETURN_ROUTE'
  | 'LOOP'
  /** Traffic left through the node without MASQUERADE, so the upstream cannot answer it. */
  | 'NO_NAT'
  /** A router policy rerouted traffic to the node (ovn-cluster's 29000), which cannot deliver it. */
  | 'REROUTED_TO_NODE'
  /** A router policy with action drop (Vpc policyRoutes). */
  | 'POLICY_DROP'
  /** The Geneve tunnel between the two nodes the packet must cross is cut. */
  | 'TUNNEL_DOWN'
  /** A packet larger than a link on the path carries: refused by the sender (Don't Fragment) or dropped on the way. */
  | 'MTU_EXCEEDED';

/** A network verdict: the model never predicts `error`. */
export type NetworkOutcome = Exclude<Outcome, 'error'>;

export type Leg = 'request' | 'reply';

/** One hop-by-hop observation, in the order a packet meets it. */
export interface Step {
  readonly leg: Leg;
  /** The deciding object, e.g. "vm vm1", "switch subnet1", "router vpc-1", "node". */
  readonly at: string;
  readonly text: string;
}

export interface ProbeRequest {
  /** A VM name, or `external` (a host on the external network, its gateway address). */
  readonly from: string;
  /** A VM name, `internet`, an EIP name, or an IPv4 address. */
  readonly to: string;
  readonly probe: ProbeKind;
  /** Destination port of a tcp or bulk probe. */
  readonly port?: number;
  /** mtu: the ICMP payload bytes of the Don't-Fragment ping; bulk: the bytes sent through the echo service. */
  readonly size?: number;
}

export interface Prediction {
  readonly outcome: NetworkOutcome;
  readonly disposition: Disposition;
  /** One line naming the deciding objects. */
  readonly reason: string;
  readonly steps: readonly Step[];
  readonly fromIp: string;
  readonly toIp: string;
  /**
   * For a delivered probe to an external host, the source address that host sees: a NAT
   * gateway's EIP (SNAT or FIP), or the node's 192.0.2.254 (natOutgoing MASQUERADE).
   */
  readonly seenAs?: string;
  /** The nodes of the source and of the destination; anything but a VM sits on the first node (a router port answers on the source's). */
  readonly nodes: { readonly from: string; readonly to: string };
  /**
   * The tunnels the request and its reply cross, in the order they cross them (empty when every
   * stop is on one node, or when the request is not delivered).
   */
  readonly tunnels: readonly NodePair[];
  /**
   * mtu probes whose path is delivered: the largest ICMP payload that passes with Don't Fragment
   * (the smaller guest MTU, and across nodes what the tunnel carries, less 28 bytes of headers).
   */
  readonly largestPayload?: number;
}

export interface ModelOptions {
  /** The address probes to `internet` use (8.8.8.8 on a cluster, 192.0.2.1 in the lab). */
  readonly internetIP: string;
}
