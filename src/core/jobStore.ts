// The record of every job: what was started, by whom, how it is followed and how it ended. It lives
// in the editor's shared state (globalState: every window of this user sees it, nothing in it is
// secret), and this is the only place that writes it: one write path, then one change event that
// the views listen to. A lease (owner, until) says which window follows a job; the owner renews
// it while it follows, and any window may take a job whose lease expired.
import { randomUUID } from 'node:crypto';
import { Emitter } from './events';
import type { ActionKind } from './actions';
import type { JobRecord } from './jobTracker';
import type { Project } from './model';
import { updateState, type SharedState } from './sharedState';

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
	reconcile?: { until: number; status: string; updatedAt?: string };
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
	/** Batch jobs: the group as it was read before the POST (its listing then shows the job's progress). */
	before?: { status: string; updatedAt?: string };
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
	before: { status: string; updatedAt?: string };
	state: 'queued' | 'sending' | 'sent' | 'refused' | 'unsent';
	jobId?: string;
	/** When the POST went out (sending, sent). */
	sentAt?: number;
	/** refused: the service's code and message (secrets already redacted). */
	errorCode?: string;
	error?: string;
}

/** Enable Protection (Again) for many groups as one plan, recorded so a reload resumes it. */
export interface StoredBatch {
	batchId: string;
	action: ActionKind;
	startedAt: number;
	/** When the last entry ended; set once, by the window that reports the batch. */
	endedAt?: number;
	/** The user stopped sending. */
	stopped?: boolean;
	entries: BatchEntry[];
	reportedBy?: string;
	/** Which window sends and follows the batch, and until when (renewed by its heartbeat). */
	lease?: { owner: string; until: number };
}

/** The project a job or a batch entry names, as the client takes it. */
export function projectOf(r: Pick<StoredJob, 'projectId' | 'projectName' | 'region' | 'account'>): Project {
	return { id: r.projectId, name: r.projectName, region: r.region, domainId: r.account, isSubProject: false };
}

export const LEASE_MS = 15_000;
/** The reason recorded for a job that can no longer be followed (views word it). */
export const PROFILE_REMOVED = 'not followed: its profile was removed';
const JOBS_KEY = 'sdrs.jobs';
const BATCHES_KEY = 'sdrs.batches';
/** Enough for the last few batches of dozens of groups each, and their jobs. */
const KEEP_FINISHED = 250;
const KEEP_FINISHED_BATCHES = 20;
const KEEP_FINISHED_MS = 7 * 86_400_000;

export class JobStore {
	/** This window's identity for leases (a new one after every reload). */
	readonly owner = randomUUID();
	private readonly changed = new Emitter<void>();
	readonly onDidChange = this.changed.event;
	/** Writes one after another, so no write works from a list another has replaced. */
	private queue: Promise<void> = Promise.resolve();

	constructor(
		readonly state: SharedState,
		private readonly now: () => number = Date.now,
	) {}

	dispose(): void {
		this.changed.dispose();
	}

	all(): StoredJob[] {
		return this.state.get<StoredJob[]>(JOBS_KEY, []);
	}

	get(jobId: string): StoredJob | undefined {
		return this.all().find((j) => j.jobId === jobId);
	}

	/** Jobs a window should be following: unfinished, and not put aside as not followed. */
	followable(): StoredJob[] {
		return this.all().filter((j) => !j.outcome && !j.notFollowed);
	}

	runningJobFor(profileId: string, projectId: string, groupId: string): string | undefined {
		return this.all().find((j) => j.profile === profileId && j.projectId === projectId && j.groupId === groupId && !j.outcome)?.jobId;
	}

	/** Whether this window holds a live lease on the job. */
	follows(jobId: string): boolean {
		const lease = this.get(jobId)?.lease;
		return lease?.owner === this.owner && lease.until > this.now();
	}

	/**
	 * The one write path: `change` maps the current list to the new one; finished jobs beyond the
	 * last 50 or older than 7 days are dropped. Resolves once written; then the change event fires.
	 */
	write(change: (jobs: StoredJob[]) => StoredJob[]): Promise<void> {
		return this.writeList(JOBS_KEY, change, (j) => (j.outcome ? (j.endedAt ?? this.now()) : undefined), KEEP_FINISHED);
	}

	/**
	 * Writes one list after the writes before it, keeping every unfinished item and the last `keep`
	 * finished ones of the past 7 days (`endedAt` says when an item finished, undefined while not).
	 */
	private writeList<T>(key: string, change: (items: T[]) => T[], endedAt: (item: T) => number | undefined, keep: number): Promise<void> {
		const next = this.queue.then(async () => {
			const now = this.now();
			const items = change(this.state.get<T[]>(key, []));
			const finished = items.filter((i) => endedAt(i) !== undefined && now - endedAt(i)! < KEEP_FINISHED_MS).slice(-keep);
			await updateState(this.state, key, [...items.filter((i) => endedAt(i) === undefined), ...finished]);
			this.changed.fire();
		});
		this.queue = next.catch(() => undefined);
		return next;
	}

	/** A lease another window may not take: held by someone else and not expired. */
	private leaseHeld(lease: { owner: string; until: number } | undefined): boolean {
		return !!lease && lease.owner !== this.owner && lease.until > this.now();
	}

	/** Adds a job, or updates its fields (a stored lease is kept unless `job` sets one). */
	save(job: StoredJob): Promise<void> {
		return this.write((jobs) => {
			const stored = jobs.find((j) => j.jobId === job.jobId);
			const merged = { ...stored, ...job, lease: job.lease ?? stored?.lease };
			return [...jobs.filter((j) => j.jobId !== job.jobId), merged];
		});
	}

	patch(jobId: string, fields: Partial<StoredJob>): Promise<void> {
		return this.write((jobs) => jobs.map((j) => (j.jobId === jobId ? { ...j, ...fields } : j)));
	}

	/** Takes the lease of an unfinished job when it is free, expired or already ours. */
	async claim(jobId: string): Promise<boolean> {
		let taken = false;
		await this.write((jobs) =>
			jobs.map((j) => {
				if (j.jobId !== jobId || j.outcome || j.notFollowed || this.leaseHeld(j.lease)) {
					return j;
				}
				taken = true;
				return { ...j, lease: { owner: this.owner, until: this.now() + LEASE_MS } };
			}),
		);
		return taken;
	}

	/** Renews this window's leases on these jobs (the heartbeat). */
	renew(jobIds: readonly string[]): Promise<void> {
		const until = this.now() + LEASE_MS;
		return this.write((jobs) => jobs.map((j) => (jobIds.includes(j.jobId) && !j.outcome && j.lease?.owner === this.owner ? { ...j, lease: { owner: this.owner, until } } : j)));
	}

	/** Gives up this window's leases on these jobs (the window closes), so another may take them. */
	release(jobIds: readonly string[]): Promise<void> {
		return this.write((jobs) => jobs.map((j) => (jobIds.includes(j.jobId) && j.lease?.owner === this.owner ? { ...j, lease: undefined } : j)));
	}

	/**
	 * Records an outcome, once: false when the job already has one (another window reported it),
	 * so the caller does not report it again.
	 */
	async finish(jobId: string, fields: Partial<StoredJob>): Promise<boolean> {
		let first = false;
		await this.write((jobs) =>
			jobs.map((j) => {
				if (j.jobId !== jobId || j.outcome) {
					return j;
				}
				first = true;
				return { ...j, ...fields, reportedBy: this.owner, endedAt: fields.endedAt ?? this.now() };
			}),
		);
		return first;
	}

	/** Forgets finished jobs and batches, or every job and batch. */
	async clear(everything: boolean): Promise<void> {
		await this.writeBatches((batches) => (everything ? [] : batches.filter((b) => !b.endedAt)));
		await this.write((jobs) => (everything ? [] : jobs.filter((j) => !j.outcome)));
	}

	batches(): StoredBatch[] {
		return this.state.get<StoredBatch[]>(BATCHES_KEY, []);
	}

	batch(batchId: string): StoredBatch | undefined {
		return this.batches().find((b) => b.batchId === batchId);
	}

	jobsOf(batchId: string): StoredJob[] {
		return this.all().filter((j) => j.batchId === batchId);
	}

	/** The batches' write path: the same queue and change event as the jobs'. */
	writeBatches(change: (batches: StoredBatch[]) => StoredBatch[]): Promise<void> {
		return this.writeList(BATCHES_KEY, change, (b) => b.endedAt, KEEP_FINISHED_BATCHES);
	}

	saveBatch(batch: StoredBatch): Promise<void> {
		return this.writeBatches((batches) => [...batches.filter((b) => b.batchId !== batch.batchId), batch]);
	}

	/** Changes one entry of a batch (by group); nothing when the batch has ended. */
	patchEntry(batchId: string, profile: string, groupId: string, fields: Partial<BatchEntry>): Promise<void> {
		return this.writeBatches((batches) =>
			batches.map((b) =>
				b.batchId !== batchId || b.endedAt ? b : { ...b, entries: b.entries.map((e) => (e.profile === profile && e.groupId === groupId ? { ...e, ...fields } : e)) },
			),
		);
	}

	patchBatch(batchId: string, fields: Partial<StoredBatch>): Promise<void> {
		return this.writeBatches((batches) => batches.map((b) => (b.batchId === batchId ? { ...b, ...fields } : b)));
	}

	/** Takes the lease of an unfinished batch when it is free, expired or already ours. */
	async claimBatch(batchId: string): Promise<boolean> {
		let taken = false;
		await this.writeBatches((batches) =>
			batches.map((b) => {
				if (b.batchId !== batchId || b.endedAt || this.leaseHeld(b.lease)) {
					return b;
				}
				taken = true;
				return { ...b, lease: { owner: this.owner, until: this.now() + LEASE_MS } };
			}),
		);
		return taken;
	}

	/** Renews (or, with `release`, gives up) this window's leases on these batches. */
	leaseBatches(batchIds: readonly string[], release = false): Promise<void> {
		const until = this.now() + LEASE_MS;
		return this.writeBatches((batches) =>
			batches.map((b) => (batchIds.includes(b.batchId) && b.lease?.owner === this.owner ? { ...b, lease: release ? undefined : { owner: this.owner, until } } : b)),
		);
	}

	/** Whether a group waits in, or is being sent by, an unfinished batch. */
	queuedInBatch(profile: string, projectId: string, groupId: string): boolean {
		return this.batches().some((b) => !b.endedAt && b.entries.some((e) => e.profile === profile && e.projectId === projectId && e.groupId === groupId && (e.state === 'queued' || e.state === 'sending')));
	}

	/** Records the end of a batch, once: false when another window already did (and reports it). */
	async finishBatch(batchId: string): Promise<boolean> {
		let first = false;
		await this.writeBatches((batches) =>
			batches.map((b) => {
				if (b.batchId !== batchId || b.endedAt) {
					return b;
				}
				first = true;
				return { ...b, endedAt: this.now(), reportedBy: this.owner };
			}),
		);
		return first;
	}
}
