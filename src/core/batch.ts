// Enable Protection (Again) for many groups as one plan, the day after a failover: every
// pre-flight check first (a few groups at a time), then the user's choice, then each POST once,
// paced (fewer at a time and a pause after the gateway throttles), then every job followed as one
// batch. Following reads each project's group listing once a round, not every job: a group in
// `protected` has succeeded, one still moving is running, and a job's detail is fetched only when
// the listing cannot tell (a failure's code and reason, or a group that has not moved). A lost
// answer is reconciled exactly as in the one-group flow (Workflow.follow). Everything is recorded
// in the JobStore first, so a reload resumes the batch; groups not sent by then are reported as not
// sent, never sent later without the user.
import { randomUUID } from 'node:crypto';
import { runPreflight, statusKind, type ActionKind, type CheckResult } from './actions';
import { SdrsError, isThrottleCode, toSdrsError } from './errors';
import { LEASE_MS, PROFILE_REMOVED, projectOf, type BatchEntry, type StoredBatch, type StoredJob } from './jobStore';
import { failedSubJobs, nextPollDelay } from './jobTracker';
import type { Project, ProtectionGroup } from './model';
import { Semaphore } from './semaphore';
import { groupChanged, sendActionOnce } from './sendAction';
import type { ActionTarget, Ports, Workflow } from './workflow';

/** One group of a plan: what the pre-flight checks found, and whether it may be sent. */
export interface PlanEntry {
	target: ActionTarget;
	/** The group as just read (as shown, when it could not be read). */
	group: ProtectionGroup;
	eligible: boolean;
	checks: CheckResult[];
	/** The checks could not run (the group could not be read). */
	error?: SdrsError;
}

export interface BatchCounts {
	total: number;
	succeeded: number;
	/** Jobs that ended in FAIL. */
	failed: number;
	/** POSTs the service refused (no job). */
	refused: number;
	/** No answer, and the group showed the action was not applied. */
	notApplied: number;
	/** Stopped, or the window closed, before they were sent. */
	unsent: number;
	/** Put aside: past the timeout, or the service would not say. */
	notFollowed: number;
	running: number;
	/** Not sent yet. */
	queued: number;
}

/** How many pre-flight checks run at once (each is 2–4 GETs). */
const PLAN_CONCURRENCY = 4;
/** A group the listing shows unmoved is asked about (its job's detail) after this long. */
const STALL_MS = 10_000;
/** Rounds are at most this far apart, whatever the jobs' age. */
const MAX_ROUND_MS = 10_000;
/** A POST throttled this many times is given up (refused). */
const MAX_THROTTLES = 6;
/** Consecutive failed listings of a project before its jobs are put aside. */
const MAX_LISTING_ERRORS = 5;

export function isThrottled(error: SdrsError): boolean {
	return error.status === 429 || isThrottleCode(error.code);
}

/** Counts by outcome, from the batch and its jobs in the store. */
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
			const job = e.jobId ? jobOf(e.jobId) : undefined;
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
 * `protected` is success; a transitional status is a job still moving; any other status the group
 * reached after moving (or with a new update time) is an end the job's detail must explain; a
 * group unchanged since the POST has not been picked up yet; a group missing is asked about.
 */
export function readListing(before: { status: string; updatedAt?: string }, group: ProtectionGroup | undefined, seenMoving: boolean): Verdict {
	if (!group) {
		return 'ask';
	}
	if (group.status === 'protected') {
		return 'success';
	}
	if (statusKind(group.status) === 'transitional') {
		return 'moving';
	}
	return seenMoving || groupChanged(before, group) ? 'ask' : 'waiting';
}

/** A batch being sent or followed by this window. */
interface Run {
	batchId: string;
	/** The user pressed Stop: nothing more is sent. */
	stop: AbortController;
	/** The window goes away: stop following (the record stays). */
	closing: AbortController;
	sending: boolean;
	wake?: () => void;
}

export class Batches {
	private readonly runs = new Map<string, Run>();

	constructor(private readonly wf: Workflow) {}

	private get ports(): Ports {
		return this.wf.deps.ports;
	}

	/** The batches this window sends or follows (their leases are renewed by the heartbeat). */
	held(): string[] {
		return [...this.runs.keys()];
	}

	/** Stops sending what has not been sent; what has been sent is followed to its end. */
	stop(batchId: string): boolean {
		const run = this.runs.get(batchId);
		if (!run || run.stop.signal.aborted) {
			return false;
		}
		run.stop.abort();
		run.wake?.();
		return true;
	}

	/** The window goes away: stop sending and following; leases are released by the caller. */
	suspend(): void {
		for (const run of this.runs.values()) {
			run.closing.abort();
			run.wake?.();
		}
		this.runs.clear();
	}

	/**
	 * Runs every pre-flight check for every group, a few groups at a time. A group that cannot be
	 * read is not eligible (and says why). `onChecked` counts the groups done.
	 */
	async plan(targets: readonly ActionTarget[], action: ActionKind, onChecked?: (done: number, total: number) => void, signal?: AbortSignal): Promise<PlanEntry[]> {
		const { store } = this.wf.deps;
		const sem = new Semaphore(Math.min(PLAN_CONCURRENCY, this.wf.deps.maxConcurrentRequests?.() ?? PLAN_CONCURRENCY));
		let done = 0;
		return Promise.all(
			targets.map(async (target): Promise<PlanEntry> => {
				await sem.acquire();
				try {
					if (signal?.aborted) {
						throw new SdrsError('Stopped waiting', 'aborted');
					}
					const client = this.wf.deps.clientFor(target.profileId);
					if (!client) {
						throw new SdrsError('The profile of this protection group no longer exists.', 'config');
					}
					const inFlight = {
						jobId: store.runningJobFor(target.profileId, target.project.id, target.group.id),
						inBatch: store.queuedInBatch(target.profileId, target.project.id, target.group.id),
					};
					const p = await runPreflight(client, target.project, target.group.id, action, inFlight, signal);
					this.wf.announceGroup({ profileId: target.profileId, projectId: target.project.id, group: p.group });
					return { target, group: p.group, eligible: p.ok, checks: p.checks };
				} catch (e) {
					return { target, group: target.group, eligible: false, checks: [], error: toSdrsError(e) };
				} finally {
					sem.release();
					onChecked?.(++done, targets.length);
				}
			}),
		);
	}

	/**
	 * Records a batch of the chosen entries (ineligible ones are dropped here too: they are never
	 * sent), then sends and follows it. Resolves once recorded; `done` settles when it has ended.
	 */
	async start(chosen: readonly PlanEntry[], action: ActionKind): Promise<{ batch: StoredBatch; done: Promise<BatchCounts | undefined> }> {
		const { store } = this.wf.deps;
		const entries: BatchEntry[] = chosen
			.filter((p) => p.eligible)
			.map((p) => ({
				profile: p.target.profileId,
				projectId: p.target.project.id,
				projectName: p.target.project.name,
				region: p.target.project.region,
				account: p.target.project.domainId,
				groupId: p.group.id,
				groupName: p.group.name,
				before: { status: p.group.status, updatedAt: p.group.updatedAt },
				state: 'queued',
			}));
		const batch: StoredBatch = { batchId: `batch-${randomUUID()}`, action, startedAt: this.ports.clock.now(), entries, lease: { owner: store.owner, until: this.ports.clock.now() + LEASE_MS } };
		await store.saveBatch(batch);
		this.wf.deps.log.info(`Batch ${batch.batchId}: ${action} for ${entries.length} group(s)`);
		return { batch, done: this.run(batch.batchId, true) };
	}

	/**
	 * Takes over an unfinished batch whose lease is free or expired (after a reload, or when the
	 * window that ran it went away). Groups it had not sent are marked not sent; a group whose POST
	 * may have been on the wire is reconciled as a lost answer. Returns false when not taken.
	 */
	async resume(batchId: string): Promise<boolean> {
		const { store, log } = this.wf.deps;
		if (this.runs.has(batchId) || !(await store.claimBatch(batchId))) {
			return false;
		}
		const batch = store.batch(batchId);
		if (!batch) {
			return false;
		}
		for (const e of batch.entries) {
			if (e.state === 'queued') {
				await store.patchEntry(batchId, e.profile, e.groupId, { state: 'unsent', error: 'the window closed before it was sent' });
			} else if (e.state === 'sending') {
				const job = store.jobsOf(batchId).find((j) => j.groupId === e.groupId && j.profile === e.profile);
				if (job) {
					await store.patchEntry(batchId, e.profile, e.groupId, { state: 'sent', jobId: job.jobId });
				} else {
					// The POST may have been on the wire when the window closed: only the group can tell.
					const lost = this.jobOf(batch, e, e.sentAt ?? batch.startedAt);
					await store.save(lost);
					await store.patchEntry(batchId, e.profile, e.groupId, { state: 'sent', jobId: lost.jobId });
				}
			}
		}
		log.info(`Resuming batch ${batchId}`);
		void this.run(batchId, false);
		return true;
	}

	/** The record of an entry's POST: its job, or (no `jobId`) a lost answer to reconcile. */
	private jobOf(batch: StoredBatch, e: BatchEntry, at: number, jobId?: string): StoredJob {
		return this.wf.recordOf({ profile: e.profile, project: projectOf(e), group: { id: e.groupId, name: e.groupName }, before: e.before, action: batch.action, at, jobId, batchId: batch.batchId });
	}

	/** Sends (when `send`) and follows a batch under one progress, then reports it once. */
	private async run(batchId: string, send: boolean): Promise<BatchCounts | undefined> {
		const { store, log } = this.wf.deps;
		const run: Run = { batchId, stop: new AbortController(), closing: new AbortController(), sending: send };
		this.runs.set(batchId, run);
		this.wf.startHeartbeat();
		const batch = store.batch(batchId);
		if (!batch) {
			this.runs.delete(batchId);
			return undefined;
		}
		const counts = (): BatchCounts => {
			const b = store.batch(batchId) ?? batch;
			return batchCounts(b, (id) => store.get(id));
		};
		await this.ports.progress({ kind: 'batch', batchId, action: batch.action, counts, stop: () => this.stop(batchId), stopped: () => run.stop.signal.aborted }, async (report) => {
			const sending = send ? this.send(run, () => report('')).finally(() => (run.sending = false)) : Promise.resolve();
			await Promise.all([sending, this.follow(run, counts, () => report(''))]);
		});
		if (run.closing.signal.aborted) {
			return undefined; // the window closes: the batch is resumed next time
		}
		const end = counts();
		// Still held while its end is recorded, so the heartbeat does not take it up again.
		const first = batchDone(end) && (await store.finishBatch(batchId));
		if (this.runs.get(batchId) === run) {
			this.runs.delete(batchId);
		}
		if (!first) {
			return end;
		}
		log.info(`Batch ${batchId} ended: ${JSON.stringify(end)}`);
		const ended = store.batch(batchId);
		if (ended) {
			this.ports.notify({ kind: 'batchEnded', batch: ended, counts: end });
		}
		return end;
	}

	/**
	 * Sends the queued entries, each once, at most `sdrs.maxConcurrentRequests` at a time. After a
	 * throttled POST (429 / APIGW.0308, which the gateway refused, so nothing was applied) fewer go
	 * at once and none for 2–5 s; the group goes back to the front of the queue. Each success
	 * allows one more at a time again, up to the limit.
	 */
	private async send(run: Run, changed: () => void): Promise<void> {
		const { store, log } = this.wf.deps;
		const clock = this.ports.clock;
		const limit = Math.max(1, this.wf.deps.maxConcurrentRequests?.() ?? 4);
		const random = this.wf.deps.random ?? Math.random;
		const batch = store.batch(run.batchId)!;
		const queue = batch.entries.filter((e) => e.state === 'queued');
		const throttles = new Map<string, number>();
		let allowed = limit;
		let active = 0;
		let pauseUntil = 0;
		let streak = 0;
		const halted = (): boolean => run.stop.signal.aborted || run.closing.signal.aborted;
		const worker = async (): Promise<void> => {
			for (;;) {
				while (!halted() && queue.length && (active >= allowed || clock.now() < pauseUntil)) {
					await clock.sleep(Math.max(20, Math.min(200, pauseUntil - clock.now())));
				}
				const entry = halted() ? undefined : queue.shift();
				if (!entry) {
					return;
				}
				active++;
				let result: 'ok' | 'throttled' | 'other';
				try {
					result = await this.sendOne(run, batch, entry, throttles);
				} finally {
					active--;
				}
				if (result === 'throttled') {
					queue.unshift(entry);
					allowed = Math.max(1, Math.floor(allowed / 2));
					pauseUntil = clock.now() + Math.round(2000 + random() * 3000);
					streak = 0;
					log.warn(`Batch ${run.batchId}: throttled by the API gateway; ${allowed} at a time from now, after a pause.`);
				} else if (result === 'ok' && allowed < limit && ++streak >= allowed) {
					allowed++;
					streak = 0;
				}
				changed();
			}
		};
		await Promise.all(Array.from({ length: limit }, () => worker()));
		if (run.stop.signal.aborted && queue.length) {
			const unsent = new Set(queue.map((e) => `${e.profile}/${e.groupId}`));
			await store.writeBatches((batches) =>
				batches.map((b) => (b.batchId !== run.batchId ? b : { ...b, stopped: true, entries: b.entries.map((e) => (unsent.has(`${e.profile}/${e.groupId}`) && e.state === 'queued' ? { ...e, state: 'unsent', error: 'stopped before it was sent' } : e)) })),
			);
			log.info(`Batch ${run.batchId}: stopped; ${queue.length} group(s) not sent.`);
		} else if (run.stop.signal.aborted) {
			await store.patchBatch(run.batchId, { stopped: true });
		}
		changed();
		run.wake?.();
	}

	/** One POST, once. `throttled` means the gateway refused it and it may go again later. */
	private async sendOne(run: Run, batch: StoredBatch, e: BatchEntry, throttles: Map<string, number>): Promise<'ok' | 'throttled' | 'other'> {
		const { store, log } = this.wf.deps;
		const client = this.wf.deps.clientFor(e.profile);
		if (!client) {
			await store.patchEntry(run.batchId, e.profile, e.groupId, { state: 'unsent', error: PROFILE_REMOVED });
			return 'other';
		}
		const running = store.runningJobFor(e.profile, e.projectId, e.groupId);
		if (running) {
			await store.patchEntry(run.batchId, e.profile, e.groupId, { state: 'unsent', error: `job ${running} started meanwhile` });
			return 'other';
		}
		const project = projectOf(e);
		const sentAt = this.ports.clock.now();
		// Recorded before the POST: if the window closes now, the group is reconciled, not sent again.
		await store.patchEntry(run.batchId, e.profile, e.groupId, { state: 'sending', sentAt });
		const result = await sendActionOnce(client, project, { id: e.groupId, name: e.groupName, status: e.before.status } as ProtectionGroup);
		if (result.kind === 'refused') {
			const times = (throttles.get(e.groupId) ?? 0) + 1;
			throttles.set(e.groupId, times);
			if (isThrottled(result.error) && times < MAX_THROTTLES && !run.stop.signal.aborted && !run.closing.signal.aborted) {
				await store.patchEntry(run.batchId, e.profile, e.groupId, { state: 'queued', sentAt: undefined });
				return 'throttled';
			}
			log.error(`Batch ${run.batchId}: ${batch.action} on ${e.groupId} refused: ${result.error.toString()}`);
			await store.patchEntry(run.batchId, e.profile, e.groupId, { state: 'refused', errorCode: result.error.code, error: result.error.message });
			return 'other';
		}
		const lost = result.kind === 'unanswered';
		const job = this.jobOf(batch, e, sentAt, result.kind === 'started' ? result.jobId : undefined);
		await store.save(job);
		await store.patchEntry(run.batchId, e.profile, e.groupId, { state: 'sent', jobId: job.jobId });
		if (lost) {
			log.warn(`Batch ${run.batchId}: ${batch.action} on ${e.groupId}: no answer (${result.error.toString()}); not sent again; reading the group to find out whether it was applied.`);
		} else {
			log.info(`Batch ${run.batchId}: started ${batch.action} on ${e.groupId}: job ${job.jobId}`);
		}
		return 'ok';
	}

	/**
	 * Follows the batch's jobs until every entry has ended: one listing per project and round for
	 * the jobs whose id is known; the lost answers through Workflow.follow, as one group each.
	 */
	private async follow(run: Run, counts: () => BatchCounts, changed: () => void): Promise<void> {
		const { store, log } = this.wf.deps;
		const clock = this.ports.clock;
		const seenMoving = new Set<string>();
		const lastAsked = new Map<string, number>();
		const listingErrors = new Map<string, number>();
		const reconciling = new Map<string, Promise<unknown>>();
		const quiet = this.wf.quietPorts();
		for (;;) {
			if (run.closing.signal.aborted) {
				return;
			}
			const mine = store.jobsOf(run.batchId).filter((j) => !j.outcome && !j.notFollowed);
			for (const j of mine.filter((x) => x.trackBy === 'group' && !reconciling.has(x.jobId))) {
				reconciling.set(
					j.jobId,
					this.wf.followWith(j, quiet).finally(() => changed()),
				);
			}
			const byJob = mine.filter((j) => j.trackBy !== 'group');
			const now = clock.now();
			const timeoutMs = this.wf.deps.jobTimeoutMs();
			const projects = new Map<string, StoredJob[]>();
			for (const j of byJob) {
				if (now - j.startedAt >= timeoutMs) {
					await store.patch(j.jobId, { notFollowed: { reason: 'timeout', at: now } });
					log.warn(`Batch ${run.batchId}: stopped following job ${j.jobId} (still ${j.lastStatus ?? '?'} after the timeout)`);
					continue;
				}
				const key = `${j.profile}/${j.projectId}`;
				projects.set(key, [...(projects.get(key) ?? []), j]);
			}
			await Promise.all([...projects.entries()].map(([key, jobs]) => this.round(run, key, jobs, { seenMoving, lastAsked, listingErrors })));
			changed();
			const c = counts();
			if (!run.sending && batchDone(c)) {
				await Promise.all(reconciling.values());
				return;
			}
			const running = store.jobsOf(run.batchId).filter((j) => !j.outcome && !j.notFollowed && j.trackBy !== 'group');
			const delay = running.length ? Math.min(MAX_ROUND_MS, ...running.map((j) => nextPollDelay(clock.now() - j.startedAt))) : 250;
			// Stop, the end of sending and the window closing wake the loop early.
			await new Promise<void>((resolve) => {
				run.wake = resolve;
				void clock.sleep(delay).then(resolve);
			});
			run.wake = undefined;
		}
	}

	/** One round for one project: its listing, then the job detail only where the listing cannot tell. */
	private async round(run: Run, key: string, jobs: StoredJob[], memo: { seenMoving: Set<string>; lastAsked: Map<string, number>; listingErrors: Map<string, number> }): Promise<void> {
		const { store, log } = this.wf.deps;
		const clock = this.ports.clock;
		const first = jobs[0];
		const client = this.wf.deps.clientFor(first.profile);
		if (!client) {
			for (const j of jobs) {
				await store.finish(j.jobId, { outcome: 'ERROR', failReason: PROFILE_REMOVED });
			}
			return;
		}
		const project = projectOf(first);
		let listing: Map<string, ProtectionGroup>;
		try {
			listing = new Map((await client.listGroups(project, {}, run.closing.signal)).map((g) => [g.id, g]));
			memo.listingErrors.delete(key);
		} catch (e) {
			const err = toSdrsError(e);
			if (err.kind === 'aborted') {
				return;
			}
			const n = (memo.listingErrors.get(key) ?? 0) + (err.transient ? 0 : 1);
			memo.listingErrors.set(key, n);
			log.warn(`Batch ${run.batchId}: listing ${project.name}: ${err.toString()}${n >= MAX_LISTING_ERRORS ? '; giving up' : ' (will keep trying)'}`);
			if (n >= MAX_LISTING_ERRORS) {
				for (const j of jobs) {
					await store.patch(j.jobId, { notFollowed: { reason: 'error', at: clock.now(), detail: err.toString() } });
				}
			}
			return;
		}
		for (const j of jobs) {
			const group = listing.get(j.groupId);
			const verdict = readListing(j.before ?? { status: j.lastStatus ?? '' }, group, memo.seenMoving.has(j.jobId));
			if (group) {
				this.wf.announceGroup({ profileId: j.profile, projectId: j.projectId, group });
			}
			if (verdict === 'success') {
				if (await store.finish(j.jobId, { outcome: 'SUCCESS', lastStatus: 'SUCCESS' })) {
					log.info(`Batch ${run.batchId}: job ${j.jobId} succeeded (${j.action} on ${j.groupId}; the group is protected)`);
				}
				continue;
			}
			if (verdict === 'moving') {
				memo.seenMoving.add(j.jobId);
				if (group && j.lastStatus !== 'RUNNING') {
					await store.patch(j.jobId, { lastStatus: 'RUNNING' });
				}
				continue;
			}
			const since = memo.lastAsked.get(j.jobId) ?? j.startedAt;
			if (verdict === 'waiting' && clock.now() - since < Math.max(STALL_MS, nextPollDelay(clock.now() - j.startedAt))) {
				continue;
			}
			memo.lastAsked.set(j.jobId, clock.now());
			await this.ask(run, client, project, j);
		}
	}

	/** The job's detail: its end and, for a failure, the code and reason. */
	private async ask(run: Run, client: NonNullable<ReturnType<Workflow['deps']['clientFor']>>, project: Project, j: StoredJob): Promise<void> {
		const { store, log } = this.wf.deps;
		try {
			const job = await client.getJob(project, j.jobId, run.closing.signal);
			if (job.status === 'SUCCESS') {
				await store.finish(j.jobId, { outcome: 'SUCCESS', lastStatus: 'SUCCESS' });
			} else if (job.status === 'FAIL') {
				const failed = failedSubJobs(job);
				const errorCode = job.errorCode ?? failed.find((s) => s.errorCode)?.errorCode;
				const failReason = job.failReason ?? failed.find((s) => s.failReason)?.failReason;
				if (await store.finish(j.jobId, { outcome: 'FAIL', lastStatus: 'FAIL', errorCode, failReason })) {
					log.error(`Batch ${run.batchId}: job ${j.jobId} failed (${j.action} on ${j.groupId}): ${errorCode ?? ''} ${failReason ?? ''}`);
				}
			} else if (job.status !== j.lastStatus) {
				await store.patch(j.jobId, { lastStatus: job.status });
			}
		} catch (e) {
			const err = toSdrsError(e);
			if (err.kind !== 'aborted') {
				log.warn(`Batch ${run.batchId}: reading job ${j.jobId}: ${err.toString()} (will keep trying)`);
			}
		}
	}
}
