// The record of every job: what was started, by whom, how it is followed and how it ended. It lives
// in the editor's shared state (globalState: every window of this user sees it, nothing in it is
// secret), and this is the only place that writes it: one write path, then one change event that
// the views listen to. A lease (owner, until) says which window follows a job; the owner renews
// it while it follows, and any window may take a job whose lease expired.
import { randomUUID } from 'node:crypto';
import { Emitter } from './events';
import type { JobRecord } from './jobTracker';
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
}

export const LEASE_MS = 15_000;
const JOBS_KEY = 'sdrs.jobs';
const KEEP_FINISHED = 50;
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
		const next = this.queue.then(async () => {
			const now = this.now();
			const jobs = change(this.all());
			const finished = jobs.filter((j) => j.outcome && now - (j.endedAt ?? now) < KEEP_FINISHED_MS).slice(-KEEP_FINISHED);
			await updateState(this.state, JOBS_KEY, [...jobs.filter((j) => !j.outcome), ...finished]);
			this.changed.fire();
		});
		this.queue = next.catch(() => undefined);
		return next;
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
				if (j.jobId !== jobId || j.outcome || j.notFollowed || (j.lease && j.lease.owner !== this.owner && j.lease.until > this.now())) {
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

	/** Forgets finished jobs, or every job. */
	clear(everything: boolean): Promise<void> {
		return this.write((jobs) => (everything ? [] : jobs.filter((j) => !j.outcome)));
	}
}
