// Polls an SDRS job to its end on an adaptive schedule: every second at first, then every 9% of
// the time the job has been running (capped at a minute). So the end of a job is seen within
// max(1 s, ~10%) of its running time, and a 10-minute job costs fewer GETs than Terraform's fixed
// 10-second cadence (≈57 against 61). Transient errors do not end the watch.
import { abortableSleep } from './sleep';
import { toSdrsError, type SdrsError } from './errors';
import type { JobKind } from './actions';
import type { Job } from './model';

/** What is needed to pick a job up again after a reload: serialisable, no secrets. */
export interface JobRecord {
	jobId: string;
	projectId: string;
	region: string;
	groupId: string;
	action: JobKind;
	/** Milliseconds since the epoch, local clock. */
	startedAt: number;
}

export type JobOutcome =
	| { kind: 'SUCCESS'; job: Job }
	| { kind: 'FAIL'; job: Job; errorCode?: string; failReason?: string; failedSubJobs: Job[] }
	| { kind: 'TIMEOUT'; lastStatus?: string }
	| { kind: 'ABORTED'; lastStatus?: string }
	| { kind: 'ERROR'; error: SdrsError; lastStatus?: string };

export interface TrackOptions {
	getJob: (jobId: string, signal?: AbortSignal) => Promise<Job>;
	/** Called with each new status (and on the first answer). */
	onStatus?: (job: Job) => void;
	/** Called after a failed poll that will be tried again. */
	onTransientError?: (error: SdrsError) => void;
	signal?: AbortSignal;
	timeoutMs?: number;
	now?: () => number;
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	/** Consecutive non-transient errors tolerated before giving up (the job keeps running). */
	maxHardErrors?: number;
}

export const MIN_INTERVAL_MS = 1000;
export const MAX_INTERVAL_MS = 60_000;
export const INTERVAL_FRACTION = 0.09;

/** Delay before the next poll, given how long the job has been running. */
export function nextPollDelay(elapsedMs: number): number {
	return Math.round(Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, elapsedMs * INTERVAL_FRACTION)));
}

/** The failed sub-jobs of a job, depth first (a parent before its sub-jobs), without recursion. */
export function failedSubJobs(job: Job): Job[] {
	const out: Job[] = [];
	const stack = [...job.subJobs].reverse();
	for (let s = stack.pop(); s; s = stack.pop()) {
		if (s.status === 'FAIL') {
			out.push(s);
		}
		for (let i = s.subJobs.length - 1; i >= 0; i--) {
			stack.push(s.subJobs[i]);
		}
	}
	return out;
}

/** A failed job's code and reason: its own, or else the first failed sub-job's; and the failed sub-jobs. */
export function failureOf(job: Job): { errorCode?: string; failReason?: string; failedSubJobs: Job[] } {
	const failed = failedSubJobs(job);
	return { errorCode: job.errorCode ?? failed.find((s) => s.errorCode)?.errorCode, failReason: job.failReason ?? failed.find((s) => s.failReason)?.failReason, failedSubJobs: failed };
}

/**
 * Watches a job until SUCCESS, FAIL, the timeout (default 30 min, counted from `startedAt`),
 * or `signal` (which means "stop watching": the job itself goes on). Never throws.
 */
export async function trackJob(record: Pick<JobRecord, 'jobId' | 'startedAt'>, o: TrackOptions): Promise<JobOutcome> {
	const now = o.now ?? Date.now;
	const sleep = o.sleep ?? abortableSleep;
	const timeoutMs = o.timeoutMs ?? 30 * 60_000;
	const maxHardErrors = o.maxHardErrors ?? 5;
	let lastStatus: string | undefined;
	let hardErrors = 0;
	for (;;) {
		if (o.signal?.aborted) {
			return { kind: 'ABORTED', lastStatus };
		}
		try {
			const job = await o.getJob(record.jobId, o.signal);
			if (o.signal?.aborted) {
				return { kind: 'ABORTED', lastStatus }; // the watcher is gone: report nothing more
			}
			hardErrors = 0;
			if (job.status !== lastStatus) {
				lastStatus = job.status;
				o.onStatus?.(job);
			}
			if (job.status === 'SUCCESS') {
				return { kind: 'SUCCESS', job };
			}
			if (job.status === 'FAIL') {
				return { kind: 'FAIL', job, ...failureOf(job) };
			}
		} catch (e) {
			const err = toSdrsError(e);
			if (err.kind === 'aborted' || o.signal?.aborted) {
				return { kind: 'ABORTED', lastStatus };
			}
			if (!err.transient && ++hardErrors >= maxHardErrors) {
				return { kind: 'ERROR', error: err, lastStatus };
			}
			o.onTransientError?.(err);
		}
		const elapsed = now() - record.startedAt;
		if (elapsed >= timeoutMs) {
			return { kind: 'TIMEOUT', lastStatus };
		}
		try {
			await sleep(Math.min(nextPollDelay(elapsed), Math.max(0, timeoutMs - elapsed)), o.signal);
		} catch {
			return { kind: 'ABORTED', lastStatus };
		}
	}
}
