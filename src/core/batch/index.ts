// Many groups as one plan and one batch: what the rest of the extension uses.
export { Batches } from './batches';
export { batchCounts, batchDone, readListing, type BatchCounts, type Verdict } from './counts';
export { MAX_BATCH, type PlanEntry } from './plan';
