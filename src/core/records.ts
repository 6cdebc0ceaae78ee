// The records of the job store, and the pure rules on them: what a job and a batch record hold
// (serialisable, no secrets), how an action just sent becomes a record, and how a batch entry keeps
// its job's end. The store (jobStore.ts) writes them; everything else reads them.
import { beforeOf, type ActionKind, type Before, type JobKind } from './actions';
import type { JobRecord } from './jobTracker';
import type { Project } from './model';

export interface StoredJob extends JobRecord {
	groupName: string;
	profile: string;
	/** The project's display name (region or sub-project name). */
	projectName: string;
	lastStatus?: string;
	endedAt?: number;
	/** NOT_APPLIED: the action got no answer, and the group showed no change within the reconcile window. */
	outcome?: 'SUCCESS' | 'FAIL' | 'TIMEOUT' | 'ERROR' | 'NOT_APPLIED';
	errorCode?: string;
	failReason?: string;
	/** The account (domain) ID, for job summaries. */
	account?: string;
	/** `group` when the action's answer was lost: the job id is unknown, the group is followed. */
	trackBy?: 'job' | 'group';
	/**
	 * Set while the action's answer is missing and the group has not shown yet whether it was
	 * applied: the group as it was before the POST, and until when a change still counts.
	 */
	reconcile?: { until: number } & Before;
	/**
	 * Recorded before a one-group request left: it is on the wire in the window holding the lease,
	 * and its answer is not known yet. A window that finds it with the lease expired (the window that
	 * sent it went away) reconciles it from the group, as a lost answer.
	 */
	sending?: boolean;
	/** Which window follows the job, and until when (renewed by its heartbeat). */
	lease?: { owner: string; until: number };
	/** The window that reported the outcome (each outcome is reported once). */
	reportedBy?: string;
	/**
	 * Set when following stopped without an outcome (the job ran past the timeout, or the service
	 * kept refusing to tell): reported once, shown as "not followed", and not polled again until
	 * the user follows it again or dismisses it.
	 */
	notFollowed?: { reason: 'timeout' | 'error'; at: number; detail?: string };
	/** The batch this job belongs to, if it was started as part of one. */
	batchId?: string;
	/**
	 * The group as it was read before the POST: a batch job's listing is compared with it, and a move's
	 * direction (Jobs view, summaries) is read from it. Records made before AZs were kept lack them.
	 */
	before?: Before;
	/** Drill jobs (createDrill, deleteDrill): the drill. */
	drill?: DrillRef;
}

/** The drill a drill job creates or deletes. */
export interface DrillRef {
	name: string;
	/** Known for a delete, and for a create once its job (or the drill list) named it. */
	id?: string;
	/** The existing VPC asked for; none: the service creates one. */
	vpcId?: string;
	/** A create: the group's drills of this name before it was sent (not evidence of it). */
	priorIds?: string[];
	/** A delete: the drill's status when it was sent (a retry from error-deleting: that status is no evidence). */
	status?: string;
}

/**
 * One group of a batch: waiting to be sent, being sent (the POST may be on the wire), sent (its
 * job is in the store), refused by the service, or never sent (stopped, or the window closed first).
 */
export interface BatchEntry {
	profile: string;
	projectId: string;
	projectName: string;
	region: string;
	account?: string;
	groupId: string;
	groupName: string;
	/** The group before the POST (what a lost answer is compared with). */
	before: Before;
	state: 'queued' | 'sending' | 'sent' | 'refused' | 'unsent';
	jobId?: string;
	/** When the POST went out (sending, sent). */
	sentAt?: number;
	/** refused: the service's code and message (secrets already redacted); unsent: why (UNSENT). */
	errorCode?: string;
	error?: string;
	/**
	 * The end of the entry's job, copied when it ends: the batch's report never depends on the job
	 * record, which the job list prunes (it keeps the last 250 finished jobs).
	 */
	result?: EntryResult;
}

/** What a batch entry keeps of its job once the job has an end (or was put aside). */
export type EntryResult = Pick<StoredJob, 'jobId' | 'outcome' | 'notFollowed' | 'errorCode' | 'failReason' | 'endedAt' | 'startedAt' | 'trackBy' | 'lastStatus'>;

/** What an entry (or a plan's group) keeps of its job: its end, never more. */
export const resultOf = (j: StoredJob | EntryResult): EntryResult => ({
	jobId: j.jobId,
	outcome: j.outcome,
	notFollowed: j.notFollowed,
	errorCode: j.errorCode,
	failReason: j.failReason,
	endedAt: j.endedAt,
	startedAt: j.startedAt,
	trackBy: j.trackBy,
	lastStatus: j.lastStatus,
});

/** Why an entry was never sent (its `error`); the report words each. */
export const UNSENT = {
	stopped: 'stopped before it was sent',
	windowClosed: 'the window closed before it was sent',
	authFailed: 'not sent: authentication failed',
	lostLease: 'not sent: another window took the batch over',
	statusChanged: 'not sent: its status changed before it was sent',
	unreadable: 'not sent: the group could not be read right before it was sent',
	inFlight: 'not sent: another job or batch has the group in flight',
} as const;

/** Enable Protection (Again) for many groups as one plan, recorded so a reload resumes it. */
export interface StoredBatch {
	batchId: string;
	action: ActionKind;
	startedAt: number;
	/** When the last entry ended; set once, by the window that reports the batch. */
	endedAt?: number;
	/** The user stopped sending (in any window): nothing more is sent. */
	stopped?: boolean;
	entries: BatchEntry[];
	reportedBy?: string;
	/** Which window sends and follows the batch, and until when (renewed by its heartbeat). */
	lease?: { owner: string; until: number };
	/** A step of a recovery plan's run (plans/run.ts): the run reports it, and shows one progress. */
	planRunId?: string;
}

/** The project a job or a batch entry names, as the client takes it. */
export function projectOf(r: Pick<StoredJob, 'projectId' | 'projectName' | 'region' | 'account'>): Project {
	return { id: r.projectId, name: r.projectName, region: r.region, domainId: r.account, isSubProject: false };
}

/** How long a lease holds without its heartbeat. */
export const LEASE_MS = 15_000;
/** The reason recorded for a job that can no longer be followed (views word it). */
export const PROFILE_REMOVED = 'not followed: its profile was removed';

/** An action just sent, to be recorded: no `jobId` means its answer was lost. */
export interface Sent {
	profile: string;
	project: Project;
	group: { id: string; name: string };
	before: Before;
	action: JobKind;
	at: number;
	/**
	 * When the answer was found lost (the POST failed after waiting, or a window found it still
	 * sending after a reload): the window of evidence starts there, not at `at`, since the service
	 * may still apply a request the gateway gave up on. `at` when not given.
	 */
	lostAt?: number;
	jobId?: string;
	batchId?: string;
	drill?: DrillRef;
}

/**
 * The record of an action just sent. No `jobId` means the answer was lost: the job is unknown until
 * the group shows it (a placeholder id, `unknown-…`, naming the group), recorded so a reload keeps
 * finding out, with the window in which a move of the group still counts as evidence.
 */
export function recordOf(sent: Sent, reconcileMs: number): StoredJob {
	const { project, group, before, at } = sent;
	const lost = sent.jobId === undefined;
	return {
		jobId: sent.jobId ?? `unknown-${at.toString(36)}-${group.id.slice(0, 8)}`,
		batchId: sent.batchId,
		trackBy: lost ? 'group' : 'job',
		projectId: project.id,
		region: project.region,
		groupId: group.id,
		groupName: group.name,
		projectName: project.name,
		account: project.domainId,
		action: sent.action,
		profile: sent.profile,
		startedAt: at,
		lastStatus: lost ? before.status : 'INIT',
		before: beforeOf(before),
		reconcile: lost ? { until: Math.max(at, sent.lostAt ?? at) + reconcileMs, status: before.status, updatedAt: before.updatedAt, priorityStation: before.priorityStation } : undefined,
		...(sent.drill ? { drill: sent.drill } : {}),
	};
}

/** Whether a job id is a lost answer's placeholder. */
export const isPlaceholder = (jobId: string | undefined): boolean => !!jobId?.startsWith('unknown-');

/**
 * Whether another batch is sending the group, sent it and its job has not ended, or sent it at all
 * since `since` (the asking batch's start: a group another batch sent since then, whatever became
 * of it, is not sent a second time without the user planning it again). A group merely queued
 * elsewhere does not count: of two batches that queued it at once, the first to send it wins.
 */
export function inFlightElsewhere(batches: StoredBatch[], batchId: string, projectId: string, groupId: string, jobOf: (id: string) => StoredJob | undefined, since: number): boolean {
	return batches.some(
		(b) =>
			b.batchId !== batchId &&
			b.entries.some(
				(e) =>
					e.projectId === projectId &&
					e.groupId === groupId &&
					(e.state === 'sending' || (e.state === 'sent' && ((e.sentAt ?? 0) >= since || (!b.endedAt && !e.result && !!e.jobId && !jobOf(e.jobId)?.outcome)))),
			),
	);
}

const endOf = (j: StoredJob | undefined): string => JSON.stringify(j ? [j.outcome, j.notFollowed, j.errorCode, j.failReason, j.endedAt, j.lastStatus] : []);

/**
 * Copies the end of every batch job whose end changed in this write into its entry (and clears it
 * when a job put aside is followed again). Returns `batches` itself when nothing changed.
 */
export function mirrorEnds(before: StoredJob[], after: StoredJob[], batches: StoredBatch[]): StoredBatch[] {
	const old = new Map(before.filter((j) => j.batchId).map((j) => [j.jobId, j]));
	const ends = new Map<string, StoredJob>();
	for (const j of after) {
		if (j.batchId && (j.outcome || j.notFollowed || old.get(j.jobId)?.notFollowed) && endOf(old.get(j.jobId)) !== endOf(j)) {
			ends.set(j.jobId, j);
		}
	}
	if (!ends.size) {
		return batches;
	}
	return batches.map((b) =>
		!b.entries.some((e) => e.jobId && ends.has(e.jobId) && ends.get(e.jobId)!.batchId === b.batchId)
			? b
			: {
					...b,
					entries: b.entries.map((e) => {
						const j = e.jobId ? ends.get(e.jobId) : undefined;
						if (!j) {
							return e;
						}
						const ended = j.outcome || j.notFollowed;
						return {
							...e,
							result: ended ? resultOf(j) : undefined,
						};
					}),
				},
	);
}

/** How long a finished job or batch is kept at most. */
const KEEP_FINISHED_MS = 7 * 86_400_000;

/** What is kept of a list: every unfinished item, and the last `keep` finished within the week. */
export function keepRecent<T>(now: number, items: T[], endedAt: (item: T) => number | undefined, keep: number): T[] {
	const finished = items.filter((i) => endedAt(i) !== undefined && now - endedAt(i)! < KEEP_FINISHED_MS).slice(-keep);
	return [...items.filter((i) => endedAt(i) === undefined), ...finished];
}

/** The same records in the same order (a record unchanged is usually the same object). */
export function sameRecords<T>(a: readonly T[], b: readonly T[]): boolean {
	return a.length === b.length && a.every((x, i) => x === b[i] || JSON.stringify(x) === JSON.stringify(b[i]));
}

/**
 * A batch's entry linked to the job its POST answered (JobStore.recordSent): `replaced` names a
 * lost answer's placeholder the job replaces (a window that lost the batch while its POST was on
 * the wire still records the truth); `already` when the group was already reconciled from its
 * group and a second lost answer adds nothing.
 */
export function linkSent(batches: StoredBatch[], batchId: string, job: StoredJob): { batches: StoredBatch[]; replaced?: string; already: boolean } {
	let replaced: string | undefined;
	let already = false;
	const linked = batches.map((b) =>
		b.batchId !== batchId
			? b
			: {
					...b,
					entries: b.entries.map((e) => {
						if (e.projectId !== job.projectId || e.groupId !== job.groupId) {
							return e;
						}
						if (e.jobId && e.jobId !== job.jobId && isPlaceholder(e.jobId) && job.trackBy === 'job') {
							replaced = e.jobId;
						} else if (e.state === 'sent' && e.jobId && e.jobId !== job.jobId) {
							already = isPlaceholder(e.jobId) && job.trackBy === 'group';
							return e;
						}
						return { ...e, state: 'sent' as const, jobId: job.jobId, result: undefined };
					}),
				},
	);
	return { batches: linked, replaced, already };
}
