// How the engine reaches the editor (or a test, or the chaos run): questions, messages, progress and
// a clock, and what it tells about. The engine's parts (the one-group flow, the job follower, the
// batches) share these types and nothing else of each other.
import type { ActionKind, JobKind } from './actions';
import type { CheckResult } from './checks';
import type { BatchCounts } from './batch/counts';
import type { SdrsError } from './errors';
import type { Logger } from './logger';
import type { Job, Project, ProtectionGroup } from './model';
import type { StoredBatch, StoredJob } from './records';

export interface ActionTarget {
	profileId: string;
	project: Project;
	group: ProtectionGroup;
}

/** A blocking explanation (a modal in the editor). */
export type Alert = { kind: 'preflightFailed'; action: JobKind; group: ProtectionGroup; checks: CheckResult[] } | { kind: 'refused'; action: JobKind; group: ProtectionGroup; error: SdrsError };

/** A message that does not block (a notification in the editor). */
export type Notice =
	| { kind: 'busy'; group: ProtectionGroup }
	| { kind: 'jobRunning'; group: ProtectionGroup; jobId?: string }
	| { kind: 'noAnswer'; action: JobKind; group: ProtectionGroup; error: SdrsError; windowMs: number }
	| { kind: 'appliedAfterLostAnswer'; action: JobKind; group: ProtectionGroup }
	| { kind: 'notApplied'; action: JobKind; group: ProtectionGroup }
	| { kind: 'outcomeUnknown'; action: JobKind; group: ProtectionGroup; error?: SdrsError }
	/** A drill created: the names of its drill servers (drillServers), when they could be read. */
	| { kind: 'succeeded'; job: StoredJob; drillServers?: string[] }
	| { kind: 'failed'; job: StoredJob; failedSubJobs: Job[] }
	| { kind: 'stoppedFollowing'; job: StoredJob; error?: SdrsError; elapsedMs: number }
	| { kind: 'batchEnded'; batch: StoredBatch; counts: BatchCounts };

export type ProgressOf =
	| { kind: 'checking'; action: JobKind; group: ProtectionGroup }
	| { kind: 'following'; job: StoredJob }
	/** One progress for a whole batch: its counts now, and Stop (nothing more is sent). */
	| { kind: 'batch'; batchId: string; action: ActionKind; counts(): BatchCounts; stop(): void; stopped(): boolean; planRunId?: string };

export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export interface Ports {
	/** Resolves true when the user confirmed. */
	confirm(question: { action: ActionKind; group: ProtectionGroup; checks: CheckResult[]; profileId?: string; project?: Project }): PromiseLike<boolean>;
	alert(alert: Alert): PromiseLike<void>;
	notify(notice: Notice): void;
	/** Runs `task` while showing progress; `report` gives the job's latest status. */
	progress<T>(what: ProgressOf, task: (report: (status: string) => void) => Promise<T>): PromiseLike<T>;
	clock: Clock;
}

/** Ports for a job followed inside a batch: no notification or progress of its own (the batch reports). */
export function quietPorts(ports: Ports, log: Logger): Ports {
	return { ...ports, notify: (n) => log.debug(`(batch) ${n.kind}`), progress: (_what, task) => task(() => undefined) };
}

/** A group as just read from the service, for the views to show. */
export interface GroupRead {
	profileId: string;
	projectId: string;
	group: ProtectionGroup;
}
