// What an mtu or bulk cell's last try measured, as the result's `detail` records it (result.ts).
import type { Observation } from '../probes/types.ts';
import type { CellResult } from './result.ts';

type Measures = Pick<CellResult['detail'], 'control' | 'largestPayload' | 'bytes' | 'transferMs' | 'throughputMbps'>;

export function measuresOf(seen: Observation | undefined): Measures {
  if (!seen) return {};
  const { control, largestPayload, bytes, transferMs } = seen;
  return {
    ...(control !== undefined && { control }),
    ...(largestPayload !== undefined && { largestPayload }),
    ...(bytes !== undefined && { bytes }),
    ...(transferMs !== undefined && { transferMs }),
    ...(bytes && transferMs ? { throughputMbps: Math.round((bytes * 8) / (transferMs * 1000) * 10) / 10 } : {}),
  };
}
