// Enable Protection / Enable Protection Again from start to end, the same for the extension and
// the chaos run: pre-flight checks, the user's confirmation, one POST, a lost answer reconciled by
// reading the group, then the job followed to its end and reported once. It talks to the editor
// only through Ports (questions, messages, progress, a clock) and records every job in the
// JobStore before it is followed, so a reload resumes it instead of forgetting it.
import { appliedEvidence, runPreflight, type ActionKind, type CheckResult } from './actions';
import { Batches, type BatchCounts } from './batch';
import type { SdrsClient } from './client';
import { SdrsError, toSdrsError } from './errors';
import { Emitter } from './events';
import type { Logger } from './http';
import { PROFILE_REMOVED, projectOf, type JobStore, type StoredBatch, type StoredJob } from './jobStore';
import { trackJob, type JobOutcome } from './jobTracker';
import type { Job, Project, ProtectionGroup } from './model';
import { groupAsJob, sendActionOnce } from './sendAction';

export { PROFILE_REMOVED } from './jobStore';

export interface ActionTarget {
	profileId: string;
	project: Project;
	group: ProtectionGroup;
}

/** A blocking explanation (a modal in the editor). */
export type Alert =
	| { kind: 'preflightFailed'; action: ActionKind; group: ProtectionGroup; checks: CheckResult[] }
	| { kind: 'refused'; action: ActionKind; group: ProtectionGroup; error: SdrsError };

/** A message that does not block (a notification in the editor). */
export type Notice =
	| { kind: 'busy'; group: ProtectionGroup }
	| { kind: 'jobRunning'; group: ProtectionGroup; jobId?: string }
	| { kind: 'noAnswer'; action: ActionKind; group: ProtectionGroup; error: SdrsError; windowMs: number }
	| { kind: 'appliedAfterLostAnswer'; action: ActionKind; group: ProtectionGroup }
	| { kind: 'notApplied'; action: ActionKind; group: ProtectionGroup }
	| { kind: 'outcomeUnknown'; action: ActionKind; group: ProtectionGroup; error?: SdrsError }
	| { kind: 'succeeded'; job: StoredJob }
	| { kind: 'failed'; job: StoredJob; failedSubJobs: Job[] }
	| { kind: 'stoppedFollowing'; job: StoredJob; error?: SdrsError; elapsedMs: number }
	| { kind: 'batchEnded'; batch: StoredBatch; counts: BatchCounts };

export type ProgressOf =
	| { kind: 'checking'; action: ActionKind; group: ProtectionGroup }
	| { kind: 'following'; job: StoredJob }
	/** One progress for a whole batch: its counts now, and Stop (nothing more is sent). */
	| { kind: 'batch'; batchId: string; action: ActionKind; counts(): BatchCounts; stop(): void; stopped(): boolean };

/** How the workflow reaches the editor (or a test, or the chaos run). */
export interface Ports {
	/** Resolves true when the user confirmed. */
	confirm(question: { action: ActionKind; group: ProtectionGroup; checks: CheckResult[] }): PromiseLike<boolean>;
	alert(alert: Alert): PromiseLike<void>;
	notify(notice: Notice): void;
	/** Runs `task` while showing progress; `report` gives the job's latest status. */
	progress<T>(what: ProgressOf, task: (report: (status: string) => void) => Promise<T>): PromiseLike<T>;
	clock: { now(): number; sleep(ms: number): Promise<void> };
}

export interface WorkflowDeps {
	store: JobStore;
	/** The client of a profile; undefined once the profile is gone. */
	clientFor(profileId: string): SdrsClient | undefined;
	ports: Ports;
	log: Logger;
	jobTimeoutMs(): number;
	/** How often the heartbeat renews leases and looks for jobs to take over. */
	heartbeatMs?: number;
	/**
	 * After a POST without an answer, how long a change of the group still proves the action was
	 * applied (default 60 s: the API gateway gives up on a backend after its timeout, 60 s by
	 * default, while the service may still apply the request). Reads every 2 s meanwhile.
	 */
	reconcileMs?: number;
	/** How often the group is read meanwhile (default 2 s: 30 reads in the default window). */
	reconcileReadMs?: number;
	/** sdrs.maxConcurrentRequests: how many POSTs a batch sends at once, at most. */
	maxConcurrentRequests?(): number;
	random?: () => number;
}

const RECONCILE_MS = 60_000;
const RECONCILE_READ_MS = 2000;

/** How an unanswered action ended when it did not become a job to follow. */
export type Reconciled = { kind: 'NOT_APPLIED' } | { kind: 'UNKNOWN' } | { kind: 'ABORTED' };

export type RunResult =
	| { kind: 'started'; job: StoredJob; followed: Promise<JobOutcome | Reconciled | undefined> }
	| { kind: 'cancelled' | 'refused' | 'failed' };

/** A group as just read from the service, for the views to show. */
export interface GroupRead {
	profileId: string;
	projectId: string;
	group: ProtectionGroup;
}

export class Workflow {
	private readonly groupRead = new Emitter<GroupRead>();
	readonly onGroupRead = this.groupRead.event;
	/** Groups with an action being prepared in this window. */
	private readonly busy = new Set<string>();
	/** Jobs this window follows: job id → stop. */
	private readonly following = new Map<string, AbortController>();
	private heartbeat?: ReturnType<typeof setInterval>;
	/** Many groups as one plan and one batch (batch.ts). */
	readonly batches: Batches;

	constructor(readonly deps: WorkflowDeps) {
		this.batches = new Batches(this);
	}

	dispose(): void {
		void this.suspend();
		this.groupRead.dispose();
	}

	private get ports(): Ports {
		return this.deps.ports;
	}

	/** The whole action for one group. Resolves once the job is recorded and followed, or the user stopped. */
	async runAction(target: ActionTarget, action: ActionKind): Promise<RunResult> {
		// By project and group, not profile: two profiles of one account see the same group.
		const key = `${target.project.id}/${target.group.id}`;
		if (this.busy.has(key)) {
			this.ports.notify({ kind: 'busy', group: target.group });
			return { kind: 'refused' };
		}
		this.busy.add(key);
		try {
			return await this.prepareAndSend(target, action);
		} finally {
			this.busy.delete(key);
		}
	}

	private async prepareAndSend({ profileId, project, group }: ActionTarget, action: ActionKind): Promise<RunResult> {
		const { store, log } = this.deps;
		const running = store.runningJobFor(project.id, group.id);
		const client = this.deps.clientFor(profileId);
		if (running) {
			this.ports.notify({ kind: 'jobRunning', group, jobId: running });
			return { kind: 'refused' };
		}
		if (store.queuedInBatch(project.id, group.id)) {
			this.ports.notify({ kind: 'busy', group });
			return { kind: 'refused' };
		}
		if (!client) {
			// The profile was removed while the group was shown: nothing can be signed.
			throw new SdrsError('The profile of this protection group no longer exists; nothing was sent.', 'config');
		}
		const preflight = await this.ports.progress({ kind: 'checking', action, group }, () => runPreflight(client, project, group.id, action, running));
		this.groupRead.fire({ profileId, projectId: project.id, group: preflight.group });
		log.info(`Pre-flight for ${action} on ${group.id}: ${preflight.checks.map((c) => `${c.id}=${c.ok ? 'ok' : 'FAIL'}`).join(', ')}`);
		if (!preflight.ok) {
			await this.ports.alert({ kind: 'preflightFailed', action, group, checks: preflight.checks });
			return { kind: 'refused' };
		}
		if (!(await this.ports.confirm({ action, group, checks: preflight.checks }))) {
			return { kind: 'cancelled' };
		}
		// Another window or batch may have started a job meanwhile.
		if (store.runningJobFor(project.id, group.id) || store.queuedInBatch(project.id, group.id)) {
			this.ports.notify({ kind: 'jobRunning', group });
			return { kind: 'refused' };
		}
		const startedAt = this.ports.clock.now();
		const result = await sendActionOnce(client, project, preflight.group);
		if (result.kind === 'refused') {
			log.error(`${action} on ${group.id} refused: ${result.error.toString()}`);
			await this.ports.alert({ kind: 'refused', action, group, error: result.error });
			return { kind: 'failed' };
		}
		const job = this.recordOf({ profile: profileId, project, group, before: preflight.group, action, at: startedAt, jobId: result.kind === 'started' ? result.jobId : undefined });
		await store.save(job);
		await store.claim(job.jobId);
		if (result.kind === 'unanswered') {
			log.warn(`${action} on ${group.id}: no answer (${result.error.toString()}); not sent again; reading the group to find out whether it was applied.`);
			this.ports.notify({ kind: 'noAnswer', action, group, error: result.error, windowMs: this.deps.reconcileMs ?? RECONCILE_MS });
		} else {
			log.info(`Started ${action} on ${group.id}: job ${result.jobId}`);
		}
		this.startHeartbeat();
		return { kind: 'started', job, followed: this.follow(job) };
	}

	/**
	 * Follows every unfinished job in the store whose lease is free or expired (after a reload, or
	 * when the window that followed it went away); closes those whose profile was removed.
	 * Returns how many it took.
	 */
	resumeAll(): number {
		this.startHeartbeat();
		const { store } = this.deps;
		const now = this.ports.clock.now();
		let taken = 0;
		// A batch is taken as a whole (its lease), with its jobs.
		for (const b of store.batches().filter((x) => !x.endedAt && !this.batches.held().includes(x.batchId))) {
			if (!b.lease || b.lease.owner === store.owner || b.lease.until <= now) {
				taken++;
				void this.batches.resume(b.batchId);
			}
		}
		for (const job of store.followable().filter((j) => !this.following.has(j.jobId) && !j.batchId)) {
			if (!this.deps.clientFor(job.profile)) {
				void store.finish(job.jobId, { outcome: 'ERROR', failReason: PROFILE_REMOVED });
				continue;
			}
			if (job.lease && job.lease.owner !== store.owner && job.lease.until > now) {
				continue; // another window follows it
			}
			taken++;
			void this.claimAndFollow(job);
		}
		return taken;
	}

	/** Follows a job put aside as not followed again, with a new timeout counted from now. */
	async followAgain(jobId: string): Promise<JobOutcome | Reconciled | undefined> {
		const { store } = this.deps;
		const job = store.get(jobId);
		if (!job || job.outcome || this.following.has(jobId)) {
			return undefined;
		}
		await store.patch(jobId, { notFollowed: undefined });
		if (!(await store.claim(jobId))) {
			return undefined; // another window follows it now
		}
		this.startHeartbeat();
		return this.follow({ ...job, notFollowed: undefined }, this.ports.clock.now());
	}

	/** Closes a job put aside as not followed: it moves to the history, its group is no longer guarded. */
	dismiss(jobId: string): Promise<boolean> {
		const job = this.deps.store.get(jobId);
		return this.deps.store.finish(jobId, { outcome: job?.notFollowed?.reason === 'error' ? 'ERROR' : 'TIMEOUT', failReason: job?.notFollowed?.detail });
	}

	/** Stops following every job here (the window closes); their leases are released. */
	async suspend(): Promise<void> {
		clearInterval(this.heartbeat);
		this.heartbeat = undefined;
		const batches = this.batches.held();
		this.batches.suspend();
		if (batches.length) {
			await this.deps.store.leaseBatches(batches, true);
		}
		const mine = [...this.following.keys()];
		for (const c of this.following.values()) {
			c.abort();
		}
		this.following.clear();
		if (mine.length) {
			await this.deps.store.release(mine);
		}
	}

	/** Renews this window's leases every few seconds and takes over what others left (internal). */
	startHeartbeat(): void {
		this.heartbeat ??= setInterval(() => {
			void this.deps.store
				.renew([...this.following.keys()])
				.then(() => this.deps.store.leaseBatches(this.batches.held()))
				.then(() => this.resumeAll());
		}, this.deps.heartbeatMs ?? 5000);
	}

	/**
	 * The record of an action just sent (internal: a batch records its groups the same way). No
	 * `jobId` means the answer was lost: the job is unknown until the group shows it, recorded so
	 * a reload keeps finding out.
	 */
	recordOf(sent: { profile: string; project: Project; group: { id: string; name: string }; before: { status: string; updatedAt?: string }; action: ActionKind; at: number; jobId?: string; batchId?: string }): StoredJob {
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
			before: { status: before.status, updatedAt: before.updatedAt },
			reconcile: lost ? { until: at + (this.deps.reconcileMs ?? RECONCILE_MS), status: before.status, updatedAt: before.updatedAt } : undefined,
		};
	}

	/** Tells the views about a group just read (internal: the batch's listings). */
	announceGroup(read: GroupRead): void {
		this.groupRead.fire(read);
	}

	/** Ports for a job followed inside a batch: no notification or progress of its own (the batch reports). */
	quietPorts(): Ports {
		const { ports, log } = this.deps;
		return {
			...ports,
			notify: (n) => log.debug(`(batch) ${n.kind}`),
			progress: (_what, task) => task(() => undefined),
		};
	}

	/** Follows one job with these ports (internal: a lost answer inside a batch). */
	followWith(job: StoredJob, ports: Ports): Promise<JobOutcome | Reconciled | undefined> {
		return this.follow(job, job.startedAt, ports);
	}

	private async claimAndFollow(job: StoredJob): Promise<void> {
		const placeholder = new AbortController();
		this.following.set(job.jobId, placeholder); // so the next beat does not claim it again
		const { store } = this.deps;
		const claimed = await store.claim(job.jobId);
		// Two windows may claim at once: the last write wins and the other backs off.
		await this.ports.clock.sleep(300);
		this.following.delete(job.jobId);
		const current = store.get(job.jobId);
		if (!claimed || !current || current.outcome || !store.follows(job.jobId) || placeholder.signal.aborted) {
			return;
		}
		this.deps.log.info(`Resuming job ${job.jobId} (${job.action} on ${job.groupId})`);
		await this.follow(current);
	}

	/** Follows a job to its end with progress, then records and reports the outcome once. */
	/**
	 * Reads the group until it shows whether an unanswered action was applied: a change within the
	 * window means applied (the job is then followed through its group); none means not applied,
	 * said only then; a group that could not be read at all means unknown (never "try again").
	 * Returns undefined when the action was applied and following goes on.
	 */
	private async reconcile(job: StoredJob, client: SdrsClient, project: Project, signal: AbortSignal, report: (status: string) => void, ports: Ports): Promise<Reconciled | undefined> {
		const { store, log } = this.deps;
		const window = job.reconcile!;
		let lastError: SdrsError | undefined;
		let read: ProtectionGroup | undefined;
		for (;;) {
			try {
				read = await client.getGroup(project, job.groupId, signal);
				lastError = undefined;
				if (appliedEvidence(job.action, window, read)) {
					await store.patch(job.jobId, { reconcile: undefined, lastStatus: read.status });
					job.reconcile = undefined;
					log.warn(`${job.action} on ${job.groupId}: the group is now ${read.status}: the request was applied; following the group.`);
					this.groupRead.fire({ profileId: job.profile, projectId: project.id, group: read });
					ports.notify({ kind: 'appliedAfterLostAnswer', action: job.action, group: read });
					report(read.status);
					return undefined;
				}
			} catch (e) {
				lastError = toSdrsError(e);
			}
			if (signal.aborted) {
				return { kind: 'ABORTED' };
			}
			if (ports.clock.now() >= window.until) {
				break;
			}
			await ports.clock.sleep(Math.min(this.deps.reconcileReadMs ?? RECONCILE_READ_MS, Math.max(0, window.until - ports.clock.now())));
			if (signal.aborted) {
				return { kind: 'ABORTED' };
			}
		}
		const shown = read ?? ({ id: job.groupId, name: job.groupName, status: window.status } as ProtectionGroup);
		if (!read || lastError) {
			await store.patch(job.jobId, { notFollowed: { reason: 'error', at: ports.clock.now(), detail: lastError?.toString() }, lease: undefined });
			log.error(`${job.action} on ${job.groupId}: no answer, and the group could not be read to find out; it may have been applied.`);
			ports.notify({ kind: 'outcomeUnknown', action: job.action, group: shown, error: lastError });
			return { kind: 'UNKNOWN' };
		}
		await store.finish(job.jobId, { outcome: 'NOT_APPLIED', lastStatus: read.status, failReason: 'no answer, and the group did not change' });
		this.groupRead.fire({ profileId: job.profile, projectId: project.id, group: read });
		log.warn(`${job.action} on ${job.groupId}: no answer, and the group did not change within the window: not applied.`);
		ports.notify({ kind: 'notApplied', action: job.action, group: read });
		return { kind: 'NOT_APPLIED' };
	}

	private async follow(job: StoredJob, timeoutFrom = job.startedAt, ports = this.ports): Promise<JobOutcome | Reconciled | undefined> {
		const client = this.deps.clientFor(job.profile);
		if (!client) {
			return undefined;
		}
		const { store, log } = this.deps;
		const controller = new AbortController();
		this.following.set(job.jobId, controller);
		const project = projectOf(job);
		const reread = async (): Promise<void> => {
			try {
				this.groupRead.fire({ profileId: job.profile, projectId: project.id, group: await client.getGroup(project, job.groupId) });
			} catch (e) {
				log.debug(`Re-reading ${job.groupId}: ${String(e)}`);
			}
		};
		const outcome = await ports.progress({ kind: 'following', job }, async (report) => {
			if (job.reconcile) {
				const settled = await this.reconcile(job, client, project, controller.signal, report, ports);
				if (settled) {
					return settled;
				}
			}
			const rereads = setInterval(() => void reread(), 5000);
			try {
				return await trackJob({ jobId: job.jobId, startedAt: timeoutFrom }, {
					getJob: async (id, signal) => (job.trackBy === 'group' ? groupAsJob(await client.getGroup(project, job.groupId, signal), job.action) : client.getJob(project, id, signal)),
					signal: controller.signal,
					timeoutMs: this.deps.jobTimeoutMs(),
					now: () => ports.clock.now(),
					onStatus: (j) => {
						report(j.status);
						void store.patch(job.jobId, { lastStatus: j.status });
					},
					onTransientError: (e) => log.warn(`Polling job ${job.jobId}: ${e.toString()} (will keep trying)`),
				});
			} finally {
				clearInterval(rereads);
			}
		});
		this.following.delete(job.jobId);
		if (outcome.kind === 'NOT_APPLIED' || outcome.kind === 'UNKNOWN') {
			return outcome;
		}
		if (outcome.kind === 'ABORTED') {
			return outcome; // the window is closing; the record stays unfinished and is resumed next time
		}
		const elapsedMs = ports.clock.now() - job.startedAt;
		if (outcome.kind === 'TIMEOUT' || outcome.kind === 'ERROR') {
			// The job may still be running: it stays unfinished (and its group guarded), put aside as
			// not followed. It is said once, here, and polled again only when the user asks.
			const notFollowed = { reason: outcome.kind === 'TIMEOUT' ? ('timeout' as const) : ('error' as const), at: ports.clock.now(), detail: outcome.kind === 'ERROR' ? outcome.error.toString() : undefined };
			await store.patch(job.jobId, { lastStatus: outcome.lastStatus ?? job.lastStatus, notFollowed, lease: undefined });
			log.warn(`Stopped following job ${job.jobId}: ${outcome.kind === 'ERROR' ? outcome.error.toString() : `still ${outcome.lastStatus ?? '?'}`}`);
			ports.notify({ kind: 'stoppedFollowing', job: { ...job, lastStatus: outcome.lastStatus ?? job.lastStatus }, error: outcome.kind === 'ERROR' ? outcome.error : undefined, elapsedMs });
			return outcome;
		}
		const ended = { outcome: outcome.kind, lastStatus: outcome.kind, ...(outcome.kind === 'FAIL' ? { errorCode: outcome.errorCode, failReason: outcome.failReason } : {}) };
		if (!(await store.finish(job.jobId, ended))) {
			return outcome; // another window reported it
		}
		await reread();
		const finished = store.get(job.jobId) ?? { ...job, ...ended };
		if (outcome.kind === 'SUCCESS') {
			log.info(`Job ${job.jobId} succeeded (${job.action} on ${job.groupId})`);
			ports.notify({ kind: 'succeeded', job: finished });
		} else {
			log.error(`Job ${job.jobId} failed (${job.action} on ${job.groupId}): ${outcome.errorCode ?? ''} ${outcome.failReason ?? ''}`);
			ports.notify({ kind: 'failed', job: finished, failedSubJobs: outcome.failedSubJobs });
		}
		return outcome;
	}
}
