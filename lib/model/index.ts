// The reachability model's public surface: pure functions of a topology, no I/O.
export type { Disposition, ModelOptions, NetworkOutcome, Prediction, ProbeRequest, Step } from './types.ts';
export { buildModel, Model } from './predict.ts';
export { guestStateOf, type GuestRoute, type GuestState } from './guest.ts';
export { predictMesh, type Mesh } from './mesh.ts';
export { cellsOf, checkExpectations, expectedOf, satisfies, type Cell, type Disagreement, type Expected, type PhaseCells } from './cells.ts';
export { renderExplain } from './explain.ts';
