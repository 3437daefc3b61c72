// How every output names a probe and a byte count: explain, plan, the grid and every report.
import type { ProbeKind } from './types.ts';

interface Labelled {
  readonly probe: ProbeKind;
  readonly port?: number;
  readonly size?: number;
}

/** "icmp", "tcp/443", "mtu 1472" (payload bytes), "bulk 10 MiB tcp/5201". */
export function probeLabel(c: Labelled): string {
  switch (c.probe) {
    case 'icmp':
      return 'icmp';
    case 'tcp':
      return `tcp/${c.port}`;
    case 'mtu':
      return `mtu ${c.size}`;
    case 'bulk':
      return `bulk ${bytesText(c.size ?? 0)} tcp/${c.port}`;
  }
}

/** Whole decimal or binary units where the size is one ("10 MB", "1 MiB", "64 kB"), else bytes. */
export function bytesText(n: number): string {
  const units: [number, string][] = [[1e9, 'GB'], [2 ** 30, 'GiB'], [1e6, 'MB'], [2 ** 20, 'MiB'], [1e3, 'kB'], [2 ** 10, 'KiB']];
  const unit = units.find(([u]) => n >= u && n % u === 0);
  return unit ? `${n / unit[0]} ${unit[1]}` : `${n} B`;
}
