// A batch in numbers, and what a group's line in a listing says of its job. Pure functions over
// the records: the report, the progress and the Jobs view count the same way.
import { reached, statusKind, type ActionKind, type Before } from '../actions';
import type { ProtectionGroup } from '../model';
import type { StoredBatch, StoredJob } from '../records';

export interface BatchCounts {
	total: number;
	succeeded: number;
	/** Jobs that ended in FAIL. */
	failed: number;
	/** POSTs the service refused (no job). */
	refused: number;
	/** No answer, and the group showed the action was not applied. */
	notApplied: number;
	/** Never sent: stopped, the window closed, refused keys, a status that changed, … */
	unsent: number;
	/** Put aside: past the timeout, or the service would not say. */
	notFollowed: number;
	running: number;
	/** Not sent yet. */
	queued: number;
}

/** Counts by outcome: each entry's kept end first, its job in the store while it runs. */
export function batchCounts(batch: StoredBatch, jobOf: (jobId: string) => StoredJob | undefined): BatchCounts {
	const c: BatchCounts = { total: batch.entries.length, succeeded: 0, failed: 0, refused: 0, notApplied: 0, unsent: 0, notFollowed: 0, running: 0, queued: 0 };
	for (const e of batch.entries) {
		if (e.state === 'queued' || e.state === 'sending') {
			c.queued++;
		} else if (e.state === 'refused') {
			c.refused++;
		} else if (e.state === 'unsent') {
			c.unsent++;
		} else {
			const job = e.result ?? (e.jobId ? jobOf(e.jobId) : undefined);
			const o = job?.outcome;
			if (o === 'SUCCESS') {
				c.succeeded++;
			} else if (o === 'FAIL') {
				c.failed++;
			} else if (o === 'NOT_APPLIED') {
				c.notApplied++;
			} else if (!job || o || job.notFollowed) {
				c.notFollowed++;
			} else {
				c.running++;
			}
		}
	}
	return c;
}

export const batchDone = (c: BatchCounts): boolean => c.queued === 0 && c.running === 0;

/** What the listing says of a job's group this round. */
export type Verdict = 'success' | 'moving' | 'ask' | 'waiting';

/**
 * The action's success (reached from `before`: for a switchover, protected with production moved)
 * is success; a transitional status is a job still moving; a move to the action's failure status
 * (or a group that moved, then settled) is an end the job's detail must explain; anything else
 * (unchanged, or only an edited description) has not been picked up yet; a group missing from the
 * listing is asked about.
 */
export function readListing(action: ActionKind, before: Before, group: ProtectionGroup | undefined, seenMoving: boolean): Verdict {
	if (!group) {
		return 'ask';
	}
	const where = reached(action, before, group);
	if (where === 'success') {
		return 'success';
	}
	if (where === 'transitional' || statusKind(group.status) === 'transitional') {
		return 'moving';
	}
	return seenMoving || where === 'failure' ? 'ask' : 'waiting';
}
