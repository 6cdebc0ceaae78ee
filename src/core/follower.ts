// Following jobs to their end: one job polled with progress (trackJob), a lost answer reconciled by
// reading its group, the outcome recorded and reported once across windows, and jobs other windows
// left taken over. The one-group flow and a batch's lost answers both follow through here.
import { appliedEvidence, isDrillKind } from './actions';
import type { SdrsClient } from './client';
import { toSdrsError, type SdrsError } from './errors';
import type { Heartbeat } from './heartbeat';
import type { JobStore } from './jobStore';
import { trackJob, type JobOutcome } from './jobTracker';
import type { Logger } from './logger';
import type { Project, ProtectionGroup } from './model';
import type { GroupRead, Ports } from './ports';
import { PROFILE_REMOVED, projectOf, recordOf, type Sent, type StoredJob } from './records';
import { groupAsJob, type StartResult } from './sendAction';
import { drillApplied, drillAsJob, drillServersOf, readDrill } from './drills';

/** After a POST's answer was lost, how long from that moment a move of the group still proves it was applied. */
export const RECONCILE_MS = 60_000;
const RECONCILE_READ_MS = 2000;
/** Reads after the window when its last one failed, before the outcome is called unknown. */
const LATE_READS = 3;
/** Reads of the group that saw it unchanged, at least, before a lost answer is called not applied. */
const MIN_READS = 3;

/** A request sent (its job followed), refused by its checks or the service, or not sent. */
export type SendResult = { kind: 'started'; job: StoredJob; followed: Promise<JobOutcome | Reconciled | undefined> } | { kind: 'refused' | 'failed' };

/** How an unanswered action ended when it did not become a job to follow. */
export type Reconciled = { kind: 'NOT_APPLIED' } | { kind: 'UNKNOWN' } | { kind: 'ABORTED' };

export interface FollowerDeps {
	store: JobStore;
	/** The client of a profile; undefined once the profile is gone. */
	clientFor(profileId: string): SdrsClient | undefined;
	ports: Ports;
	log: Logger;
	jobTimeoutMs(): number;
	/**
	 * After a POST without an answer, how long a move of the group still proves the action was
	 * applied (default 60 s: the API gateway gives up on a backend after its timeout, 60 s by
	 * default, while the service may still apply the request).
	 */
	reconcileMs?: number;
	/** How often the group is read meanwhile (default 2 s: 30 reads in the default window). */
	reconcileReadMs?: number;
	/** A group was just read: the views show it. */
	announce(read: GroupRead): void;
	heartbeat: Heartbeat;
}

export class JobFollower {
	/** Jobs this window follows: job id → stop. */
	private readonly following = new Map<string, AbortController>();
	/** Placeholders of requests on the wire from this window (JobStore.recordSending). */
	private readonly sending = new Set<string>();

	constructor(private readonly deps: FollowerDeps) {}

	/** The jobs this window follows or is sending (their leases are renewed by the heartbeat). */
	held(): string[] {
		return [...this.following.keys(), ...this.sending];
	}

	/**
	 * A one-group request (an action, a DR drill's create or delete) from the moment it is sent:
	 * sent once with its job recorded first (sendRecorded), a refusal alerted, a lost answer said,
	 * and the job followed with `ports` (the flow's own: quiet for a plan's drills).
	 */
	async sendAndFollow(sent: Sent & { group: ProtectionGroup }, send: () => Promise<StartResult>, ports: Ports): Promise<SendResult> {
		const { log } = this.deps;
		const { action, group } = sent;
		const reconcileMs = this.deps.reconcileMs ?? RECONCILE_MS;
		const sending = await this.sendRecorded(recordOf(sent, reconcileMs), send, (r) =>
			r.kind === 'refused' ? undefined : recordOf({ ...sent, lostAt: ports.clock.now(), jobId: r.kind === 'started' ? r.jobId : undefined }, reconcileMs),
		);
		if (sending === 'closed') {
			return { kind: 'failed' }; // the window goes away: the window that takes the job up finds out
		}
		if (sending === 'conflict') {
			ports.notify({ kind: 'jobRunning', group });
			return { kind: 'refused' };
		}
		const { result, job } = sending;
		if (result.kind === 'refused') {
			log.error(`${action} on ${group.id} refused: ${result.error.toString()}`);
			await ports.alert({ kind: 'refused', action, group, error: result.error });
			return { kind: 'failed' };
		}
		if (!job) {
			return { kind: 'failed' }; // not reached: every answer but a refusal is recorded
		}
		if (result.kind === 'unanswered') {
			log.warn(`${action} on ${group.id}: no answer (${result.error.toString()}); not sent again; reading the group${sent.drill ? "'s drills" : ''} to find out whether it was applied.`);
			ports.notify({ kind: 'noAnswer', action, group, error: result.error, windowMs: reconcileMs });
		} else {
			log.info(`Started ${action} on ${group.id}${sent.drill ? ` (drill “${sent.drill.name}”)` : ''}: job ${result.jobId}`);
		}
		this.deps.heartbeat.start();
		return { kind: 'started', job, followed: this.follow(job, job.startedAt, ports) };
	}

	/**
	 * Sends a one-group request with its job recorded first: `placeholder` (recordOf without a job
	 * id) is written before the request leaves and held by this window while it is on the wire (its
	 * lease renewed, never taken up by a resume here). If the window goes away meanwhile, the window
	 * that finds it reconciles it from the group, as a lost answer; and no other action is sent to
	 * the group from the moment it is written. `record` turns the answer into the job that replaces
	 * the placeholder (none: the request was refused, and the placeholder goes). 'conflict': the
	 * group already had an unfinished job, and nothing was sent. 'closed': the window suspended
	 * while the request was on the wire; the placeholder is left to the window that takes it up.
	 */
	private async sendRecorded<R>(placeholder: StoredJob, send: () => Promise<R>, record: (result: R) => StoredJob | undefined): Promise<{ result: R; job?: StoredJob } | 'conflict' | 'closed'> {
		const { store } = this.deps;
		if ((await store.recordSending(placeholder)) !== 'ok') {
			return 'conflict';
		}
		this.sending.add(placeholder.jobId);
		this.deps.heartbeat.start();
		try {
			const result = await send();
			if (!this.sending.has(placeholder.jobId)) {
				return 'closed';
			}
			const job = record(result);
			await store.settleSending(placeholder.jobId, job);
			return { result, job };
		} finally {
			this.sending.delete(placeholder.jobId);
		}
	}

	/**
	 * Follows every unfinished job outside a batch whose lease is free or expired (after a reload,
	 * or when the window that followed it went away); closes those whose profile was removed.
	 * Returns how many it took.
	 */
	resumeJobs(): number {
		const { store } = this.deps;
		const now = this.deps.ports.clock.now();
		let taken = 0;
		for (const job of store.followable().filter((j) => !this.following.has(j.jobId) && !this.sending.has(j.jobId) && !j.batchId)) {
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
		this.deps.heartbeat.start();
		return this.follow({ ...job, notFollowed: undefined }, this.deps.ports.clock.now());
	}

	/** Closes a job put aside as not followed: it moves to the history, its group is no longer guarded. */
	dismiss(jobId: string): Promise<boolean> {
		const job = this.deps.store.get(jobId);
		return this.deps.store.finish(jobId, { outcome: job?.notFollowed?.reason === 'error' ? 'ERROR' : 'TIMEOUT', failReason: job?.notFollowed?.detail });
	}

	/** Stops following every job here (the window closes); their leases are released. */
	async suspend(): Promise<void> {
		const mine = this.held();
		for (const c of this.following.values()) {
			c.abort();
		}
		this.following.clear();
		this.sending.clear();
		if (mine.length) {
			await this.deps.store.release(mine);
		}
	}

	private async claimAndFollow(job: StoredJob): Promise<void> {
		const placeholder = new AbortController();
		this.following.set(job.jobId, placeholder); // so the next beat does not claim it again
		const { store } = this.deps;
		const claimed = await store.claim(job.jobId);
		// Two windows may claim at once: the last write wins and the other backs off.
		await this.deps.ports.clock.sleep(300);
		this.following.delete(job.jobId);
		const current = store.get(job.jobId);
		if (!claimed || !current || current.outcome || !store.follows(job.jobId) || placeholder.signal.aborted) {
			return;
		}
		this.deps.log.info(`Resuming job ${job.jobId} (${job.action} on ${job.groupId})`);
		await this.follow(current);
	}

	/**
	 * Reads the group until it shows whether an unanswered action was applied: a move to one of the
	 * action's statuses within the window means applied (the job is then followed through its
	 * group); none means not applied, said only then; a group that could not be read at the window's
	 * end (nor on a few reads after it) means unknown (never "try again"). Returns undefined when the
	 * action was applied and following goes on.
	 */
	private async reconcile(job: StoredJob, client: SdrsClient, project: Project, signal: AbortSignal, report: (status: string) => void, ports: Ports): Promise<Reconciled | undefined> {
		const { store, log } = this.deps;
		const window = job.reconcile!;
		if (job.sending) {
			// Taken up from a window that went away with the request on the wire: a lost answer now.
			await store.patch(job.jobId, { sending: undefined });
			job.sending = undefined;
		}
		let lastError: SdrsError | undefined;
		let read: ProtectionGroup | undefined;
		let lateReads = 0;
		let reads = 0;
		for (;;) {
			try {
				read = await client.getGroup(project, job.groupId, signal);
				const kind = job.action;
				// A drill request: its drill tells (a new drill of that name; the drill gone or deleting).
				const drill = isDrillKind(kind) && job.drill ? await readDrill(client, project, job.groupId, job.drill, signal) : undefined;
				lastError = undefined;
				reads++;
				if (isDrillKind(kind) ? job.drill !== undefined && drillApplied(kind, drill, job.drill) : appliedEvidence(kind, window, read)) {
					const drillRef = job.drill && drill && !job.drill.id ? { ...job.drill, id: drill.id } : job.drill;
					await store.patch(job.jobId, { reconcile: undefined, lastStatus: read.status, ...(drillRef ? { drill: drillRef } : {}) });
					job.reconcile = undefined;
					job.drill = drillRef;
					log.warn(`${job.action} on ${job.groupId}: the group is now ${read.status}: the request was applied; following the group.`);
					this.deps.announce({ profileId: job.profile, projectId: project.id, group: read });
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
			const readMs = this.deps.reconcileReadMs ?? RECONCILE_READ_MS;
			if (ports.clock.now() >= window.until) {
				// The window is over. "Not applied" only after a few reads that saw the group (a window
				// that passed while no window watched it, after a reload, was not watched); when the last
				// read failed, its end was not seen: a few more reads (each one shows the group as it is,
				// a change still meaning applied) before "unknown".
				if (lastError ? lateReads >= LATE_READS : reads >= MIN_READS) {
					break;
				}
				if (lastError) {
					lateReads++;
				}
				await ports.clock.sleep(readMs);
				continue;
			}
			await ports.clock.sleep(Math.min(readMs, Math.max(0, window.until - ports.clock.now())));
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
		this.deps.announce({ profileId: job.profile, projectId: project.id, group: read });
		log.warn(`${job.action} on ${job.groupId}: no answer, and the group did not change within the window: not applied.`);
		ports.notify({ kind: 'notApplied', action: job.action, group: read });
		return { kind: 'NOT_APPLIED' };
	}

	/** Follows a job to its end with progress, then records and reports the outcome once. */
	async follow(job: StoredJob, timeoutFrom = job.startedAt, ports = this.deps.ports): Promise<JobOutcome | Reconciled | undefined> {
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
				this.deps.announce({ profileId: job.profile, projectId: project.id, group: await client.getGroup(project, job.groupId) });
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
				return await trackJob(
					{ jobId: job.jobId, startedAt: timeoutFrom },
					{
						getJob: async (id, signal) => {
							if (job.trackBy !== 'group') {
								return client.getJob(project, id, signal);
							}
							const kind = job.action;
							if (isDrillKind(kind)) {
								// The job id was lost: the drill is followed instead.
								return drillAsJob(kind, job.drill ? await readDrill(client, project, job.groupId, job.drill, signal) : undefined, job.groupId);
							}
							return groupAsJob(await client.getGroup(project, job.groupId, signal), kind, job.before ?? { status: job.reconcile?.status ?? '' });
						},
						signal: controller.signal,
						timeoutMs: this.deps.jobTimeoutMs(),
						now: () => ports.clock.now(),
						onStatus: (j) => {
							report(j.status);
							void store.patch(job.jobId, { lastStatus: j.status });
						},
						onTransientError: (e) => log.warn(`Polling job ${job.jobId}: ${e.toString()} (will keep trying)`),
					},
				);
			} finally {
				clearInterval(rereads);
			}
		});
		this.following.delete(job.jobId);
		if (outcome.kind === 'NOT_APPLIED' || outcome.kind === 'UNKNOWN' || outcome.kind === 'ABORTED') {
			return outcome; // ABORTED: the window is closing; the record stays unfinished and is resumed next time
		}
		const elapsedMs = ports.clock.now() - job.startedAt;
		if (outcome.kind === 'TIMEOUT' || outcome.kind === 'ERROR') {
			// The job may still be running: it stays unfinished (and its group guarded), put aside as
			// not followed. It is said once, here, and polled again only when the user asks.
			const notFollowed = {
				reason: outcome.kind === 'TIMEOUT' ? ('timeout' as const) : ('error' as const),
				at: ports.clock.now(),
				detail: outcome.kind === 'ERROR' ? outcome.error.toString() : undefined,
			};
			await store.patch(job.jobId, { lastStatus: outcome.lastStatus ?? job.lastStatus, notFollowed, lease: undefined });
			log.warn(`Stopped following job ${job.jobId}: ${outcome.kind === 'ERROR' ? outcome.error.toString() : `still ${outcome.lastStatus ?? '?'}`}`);
			ports.notify({ kind: 'stoppedFollowing', job: { ...job, lastStatus: outcome.lastStatus ?? job.lastStatus }, error: outcome.kind === 'ERROR' ? outcome.error : undefined, elapsedMs });
			return outcome;
		}
		// A drill create's job names the new drill (entities.disaster_recovery_drill_id).
		const drill = job.drill && !job.drill.id && outcome.job.drillId ? { ...job.drill, id: outcome.job.drillId } : job.drill;
		const ended = {
			outcome: outcome.kind,
			lastStatus: outcome.kind,
			...(outcome.kind === 'FAIL' ? { errorCode: outcome.errorCode, failReason: outcome.failReason } : {}),
			...(drill ? { drill } : {}),
		};
		if (!(await store.finish(job.jobId, ended))) {
			return outcome; // another window reported it
		}
		await reread();
		const finished = store.get(job.jobId) ?? { ...job, ...ended };
		if (outcome.kind === 'SUCCESS') {
			log.info(`Job ${job.jobId} succeeded (${job.action} on ${job.groupId})`);
			const drillServers = job.action === 'createDrill' ? await drillServersOf(client, project, drill?.id) : undefined;
			ports.notify({ kind: 'succeeded', job: finished, ...(drillServers ? { drillServers } : {}) });
		} else {
			log.error(`Job ${job.jobId} failed (${job.action} on ${job.groupId}): ${outcome.errorCode ?? ''} ${outcome.failReason ?? ''}`);
			ports.notify({ kind: 'failed', job: finished, failedSubJobs: outcome.failedSubJobs });
		}
		return outcome;
	}
}
