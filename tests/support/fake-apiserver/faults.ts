// Fault switches of the fake API server. Each counts down as it fires, so a test says exactly
// how many requests, watches or consoles misbehave.
export interface Faults {
  /** The next N API requests (not watches, not consoles) answer 503. */
  serverErrors: number;
  /** The next N writes (PUT, PATCH, POST, DELETE) answer 409 Conflict. */
  conflicts: number;
  /** The next N watches end (the connection closes) after their first event or 200 ms. */
  dropWatches: number;
  /** The next N console websockets close right after the client sends a framed command. */
  dropConsoles: number;
  /** Status (Vpc standby, Subnet Ready, SG portGroup, VMI Running) appears this much later. */
  readinessDelayMs: number;
  /** The next N console upgrades answer 400 "VMI is not running", as while a VM boots. */
  consoleNotReady: number;
  /** The next N port-forward upgrades answer 400 "no network interfaces are present", as before the VMI reports its NIC. */
  portForwardNotReady: number;
  /** The next N port-forward upgrades answer 500 "connection refused", as while the guest boots and nothing listens yet. */
  portForwardRefused: number;
  /** The next N port-forward websockets close once SSH is past its login and a command is in flight. */
  dropPortForwards: number;
  /** The next N Subnet deletes answer Kube-OVN's webhook 403, as while status.v4usingIPs is stale. */
  subnetDeleteDenied: number;
}

export function noFaults(): Faults {
  return { serverErrors: 0, conflicts: 0, dropWatches: 0, dropConsoles: 0, readinessDelayMs: 0, consoleNotReady: 0, portForwardNotReady: 0, portForwardRefused: 0, dropPortForwards: 0, subnetDeleteDenied: 0 };
}

/** Fires a countdown switch: true (and one fewer left) when it is on. */
export function fire(faults: Faults, key: Exclude<keyof Faults, 'readinessDelayMs'>): boolean {
  if (faults[key] <= 0) return false;
  faults[key]--;
  return true;
}
