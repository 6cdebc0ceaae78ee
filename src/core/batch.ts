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
import { ACTIONS, appliedEvidence, availability, runPreflight, statusKind, type ActionKind, type CheckResult } from './actions';
import { SdrsError, isAuthFailure, isThrottled, toSdrsError } from './errors';
import { LEASE_MS, PROFILE_REMOVED, UNSENT, projectOf, type BatchEntry, type StoredBatch, type StoredJob } from './jobStore';
import { failedSubJobs, nextPollDelay } from './jobTracker';
import type { SdrsClient } from './client';
import type { Project, ProtectionGroup } from './model';
import { Semaphore } from './semaphore';
import { sendActionOnce } from './sendAction';
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
	/** Eligible, but past the most groups one batch takes (MAX_BATCH): left for another batch. */
	overLimit?: boolean;
}

/**
 * The most groups one batch sends. A batch is one record rewritten as its groups move: this keeps
 * each write small and a report readable; more groups are planned as a second batch.
 */
export const MAX_BATCH = 200;

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
/**
 * A batch whose lease expired (its window stalled: asleep, blocked) is declared abandoned only after
 * this many heartbeats more: the window may wake, find the lease gone and stop, and a POST it had on
 * the wire is recorded by it meanwhile.
 */
const TAKEOVER_GRACE_BEATS = 3;

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
 * `protected` is success; a transitional status is a job still moving; any other status the group
 * reached after moving (or with a new update time) is an end the job's detail must explain; a
 * group unchanged since the POST has not been picked up yet; a group missing is asked about.
 */
export function readListing(action: ActionKind, before: { status: string; updatedAt?: string }, group: ProtectionGroup | undefined, seenMoving: boolean): Verdict {
	if (!group) {
		return 'ask';
	}
	if (group.status === ACTIONS[action].success) {
		return 'success';
	}
	if (statusKind(group.status) === 'transitional') {
		return 'moving';
	}
	// Only a move to one of the action's statuses is evidence: an edited description is not.
	return seenMoving || appliedEvidence(action, before, group) ? 'ask' : 'waiting';
}

/** A batch being sent or followed by this window. */
interface Run {
	batchId: string;
	/** The user pressed Stop: nothing more is sent. */
	stop: AbortController;
	/** The window goes away: stop following (the record stays). */
	closing: AbortController;
	sending: boolean;
	/** Another window took the batch over: this one sends and reports nothing more. */
	lost: boolean;
	/** The service refused the keys: nothing more is sent. */
	authFailed: boolean;
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

	/**
	 * Stops sending what has not been sent; what has been sent is followed to its end. Works from
	 * any window: the flag is in the store, and the window sending checks it before each POST.
	 */
	stop(batchId: string): boolean {
		const run = this.runs.get(batchId);
		const batch = this.wf.deps.store.batch(batchId);
		if (!batch || batch.endedAt || batch.stopped || !batch.entries.some((e) => e.state === 'queued')) {
			return false;
		}
		void this.wf.deps.store.patchBatch(batchId, { stopped: true });
		run?.stop.abort();
		run?.wake?.();
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
		// One account's group seen through two profiles is one group: planned once.
		const seen = new Set<string>();
		const unique = targets.filter((t) => !seen.has(`${t.project.id}/${t.group.id}`) && seen.add(`${t.project.id}/${t.group.id}`));
		const plan = await Promise.all(
			unique.map(async (target): Promise<PlanEntry> => {
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
						jobId: store.runningJobFor(target.project.id, target.group.id),
						inBatch: store.queuedInBatch(target.project.id, target.group.id),
					};
					const p = await runPreflight(client, target.project, target.group.id, action, inFlight, signal);
					this.wf.announceGroup({ profileId: target.profileId, projectId: target.project.id, group: p.group });
					return { target, group: p.group, eligible: p.ok, checks: p.checks };
				} catch (e) {
					return { target, group: target.group, eligible: false, checks: [], error: toSdrsError(e) };
				} finally {
					sem.release();
					onChecked?.(++done, unique.length);
				}
			}),
		);
		let eligible = 0;
		return plan.map((p) => (p.eligible && ++eligible > MAX_BATCH ? { ...p, eligible: false, overLimit: true } : p));
	}

	/**
	 * Records a batch of the chosen entries (ineligible ones are dropped here too: they are never
	 * sent), then sends and follows it. Resolves once recorded; `done` settles when it has ended.
	 */
	async start(chosen: readonly PlanEntry[], action: ActionKind): Promise<{ batch: StoredBatch; done: Promise<BatchCounts | undefined> }> {
		const { store } = this.wf.deps;
		const seen = new Set<string>();
		const entries: BatchEntry[] = chosen
			.filter((p) => p.eligible && !seen.has(`${p.target.project.id}/${p.group.id}`) && seen.add(`${p.target.project.id}/${p.group.id}`))
			.slice(0, MAX_BATCH)
			.map((p): BatchEntry => {
				// Planned a while ago: another window or batch may have the group in flight by now.
				const busy = store.runningJobFor(p.target.project.id, p.group.id) || store.queuedInBatch(p.target.project.id, p.group.id);
				return {
				profile: p.target.profileId,
				projectId: p.target.project.id,
				projectName: p.target.project.name,
				region: p.target.project.region,
				account: p.target.project.domainId,
				groupId: p.group.id,
				groupName: p.group.name,
				before: { status: p.group.status, updatedAt: p.group.updatedAt },
				...(busy ? { state: 'unsent', error: UNSENT.inFlight } : { state: 'queued' }),
				};
			});
		const batch: StoredBatch = { batchId: `batch-${randomUUID()}`, action, startedAt: this.ports.clock.now(), entries, lease: { owner: store.owner, until: this.ports.clock.now() + LEASE_MS } };
		await store.saveBatch(batch);
		this.wf.deps.log.info(`Batch ${batch.batchId}: ${action} for ${entries.length} group(s)`);
		return { batch, done: this.run(this.newRun(batch.batchId, true)) };
	}

	/**
	 * Takes over an unfinished batch whose lease is free or expired (after a reload, or when the
	 * window that ran it went away). When the lease expired rather than being given up, the window
	 * that held it may only be stalled: the batch is held for a few heartbeats first, so that window
	 * finds its lease gone, stops sending, and records a POST it had on the wire. Then groups still
	 * queued are marked not sent; a group whose POST may have been on the wire is reconciled as a
	 * lost answer. Returns false when not taken.
	 */
	async resume(batchId: string): Promise<boolean> {
		const { store, log } = this.wf.deps;
		const held = store.batch(batchId)?.lease;
		if (this.runs.has(batchId) || !(await store.claimBatch(batchId))) {
			return false;
		}
		const run = this.newRun(batchId, false);
		if (held && held.owner !== store.owner) {
			log.info(`Batch ${batchId}: its window stopped renewing its lease; waiting before taking it over`);
			await this.ports.clock.sleep(TAKEOVER_GRACE_BEATS * (this.wf.deps.heartbeatMs ?? 5000));
			if (run.closing.signal.aborted || !store.holdsBatch(batchId)) {
				this.runs.delete(batchId);
				return false;
			}
		}
		const batch = store.batch(batchId);
		if (!batch || batch.endedAt) {
			this.runs.delete(batchId);
			return false;
		}
		for (const e of batch.entries) {
			if (e.state === 'queued') {
				await store.patchEntry(batchId, e.projectId, e.groupId, { state: 'unsent', error: batch.stopped ? UNSENT.stopped : UNSENT.windowClosed });
			} else if (e.state === 'sending') {
				const job = store.jobsOf(batchId).find((j) => j.groupId === e.groupId && j.projectId === e.projectId);
				// The POST may have been on the wire when the window went: only the group can tell.
				await store.recordSent(batchId, job ?? this.jobOf(batch, e, e.sentAt ?? batch.startedAt));
			}
		}
		log.info(`Resuming batch ${batchId}`);
		void this.run(run);
		return true;
	}

	/** The record of an entry's POST: its job, or (no `jobId`) a lost answer to reconcile. */
	private jobOf(batch: StoredBatch, e: BatchEntry, at: number, jobId?: string): StoredJob {
		return this.wf.recordOf({ profile: e.profile, project: projectOf(e), group: { id: e.groupId, name: e.groupName }, before: e.before, action: batch.action, at, jobId, batchId: batch.batchId });
	}

	private newRun(batchId: string, send: boolean): Run {
		const run: Run = { batchId, stop: new AbortController(), closing: new AbortController(), sending: send, lost: false, authFailed: false };
		this.runs.set(batchId, run);
		this.wf.startHeartbeat();
		return run;
	}

	/** Whether every entry has ended and no job of the batch is unfinished (none left unlinked). */
	private ended(batchId: string, counts: BatchCounts): boolean {
		return batchDone(counts) && !this.wf.deps.store.jobsOf(batchId).some((j) => !j.outcome && !j.notFollowed);
	}

	/** Sends (when the run sends) and follows a batch under one progress, then reports it once. */
	private async run(run: Run): Promise<BatchCounts | undefined> {
		const { store, log } = this.wf.deps;
		const { batchId } = run;
		const batch = store.batch(batchId);
		if (!batch) {
			this.runs.delete(batchId);
			return undefined;
		}
		const counts = (): BatchCounts => {
			const b = store.batch(batchId) ?? batch;
			return batchCounts(b, (id) => store.get(id));
		};
		await this.ports.progress({ kind: 'batch', batchId, action: batch.action, counts, stop: () => this.stop(batchId), stopped: () => run.stop.signal.aborted || !!store.batch(batchId)?.stopped }, async (report) => {
			const sending = run.sending ? this.send(run, () => report('')).finally(() => (run.sending = false)) : Promise.resolve();
			await Promise.all([sending, this.follow(run, counts, () => report(''))]);
		});
		if (run.closing.signal.aborted || run.lost) {
			if (this.runs.get(batchId) === run) {
				this.runs.delete(batchId);
			}
			if (run.lost) {
				log.warn(`Batch ${batchId}: another window took it over; this window sends and reports nothing more.`);
			}
			return undefined; // the window closes (the batch is resumed next time), or another window has it
		}
		const end = counts();
		// Still held while its end is recorded, so the heartbeat does not take it up again.
		const first = this.ended(batchId, end) && (await store.finishBatch(batchId));
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
	 * allows one more at a time again, up to the limit. Stop (from any window), a lost lease or
	 * refused keys end sending; what is still queued is then marked not sent, with why.
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
		const halted = (): boolean => run.stop.signal.aborted || run.closing.signal.aborted || run.lost || run.authFailed;
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
		const stopped = run.stop.signal.aborted || !!store.batch(run.batchId)?.stopped;
		const left = store.batch(run.batchId)?.entries.filter((e) => e.state === 'queued').length ?? 0;
		if (left && !run.closing.signal.aborted && !run.lost && (stopped || run.authFailed)) {
			const error = run.authFailed ? UNSENT.authFailed : UNSENT.stopped;
			await store.writeBatches((batches) => batches.map((b) => (b.batchId !== run.batchId ? b : { ...b, stopped: stopped || b.stopped, entries: b.entries.map((e) => (e.state === 'queued' ? { ...e, state: 'unsent', error } : e)) })));
			log.info(`Batch ${run.batchId}: ${run.authFailed ? 'the keys were refused' : 'stopped'}; ${left} group(s) not sent.`);
		} else if (stopped) {
			await store.patchBatch(run.batchId, { stopped: true });
		}
		changed();
		run.wake?.();
	}

	/**
	 * One POST, once. Right before it, the group is read again (its status must still allow the
	 * action; that read is the `before` a lost answer is compared with) and the entry is moved to
	 * sending in one checked write (lease held, not stopped, nothing else in flight for the group).
	 * `throttled` means the gateway refused it and it may go again later.
	 */
	private async sendOne(run: Run, batch: StoredBatch, e: BatchEntry, throttles: Map<string, number>): Promise<'ok' | 'throttled' | 'other'> {
		const { store, log } = this.wf.deps;
		const client = this.wf.deps.clientFor(e.profile);
		if (!client) {
			await store.patchEntry(run.batchId, e.projectId, e.groupId, { state: 'unsent', error: PROFILE_REMOVED });
			return 'other';
		}
		const project = projectOf(e);
		let group: ProtectionGroup;
		try {
			group = await client.getGroup(project, e.groupId, run.closing.signal);
		} catch (err) {
			const error = toSdrsError(err);
			if (isAuthFailure(error)) {
				run.authFailed = true;
				await store.patchEntry(run.batchId, e.projectId, e.groupId, { state: 'unsent', error: UNSENT.authFailed });
				return 'other';
			}
			if (error.kind === 'aborted') {
				return 'other';
			}
			log.warn(`Batch ${run.batchId}: reading ${e.groupId} before its POST: ${error.toString()}; not sent.`);
			await store.patchEntry(run.batchId, e.projectId, e.groupId, { state: 'unsent', error: UNSENT.unreadable });
			return 'other';
		}
		const a = availability(group);
		if (a.blocked || a.action !== batch.action) {
			log.warn(`Batch ${run.batchId}: ${e.groupId} is now ${group.status}: not sent.`);
			await store.patchEntry(run.batchId, e.projectId, e.groupId, { state: 'unsent', error: UNSENT.statusChanged, before: { status: group.status, updatedAt: group.updatedAt } });
			return 'other';
		}
		const before = { status: group.status, updatedAt: group.updatedAt };
		const sentAt = this.ports.clock.now();
		// Recorded before the POST: if the window closes now, the group is reconciled, not sent again.
		const verdict = await store.markSending(run.batchId, e.projectId, e.groupId, { sentAt, before });
		if (verdict === 'lostLease') {
			run.lost = true;
			return 'other';
		}
		if (verdict === 'stopped') {
			run.stop.abort();
			return 'other';
		}
		if (verdict !== 'ok') {
			log.warn(`Batch ${run.batchId}: ${e.groupId} not sent (${verdict === 'conflict' ? 'another job or batch has it in flight' : 'no longer queued'}).`);
			return 'other';
		}
		const result = await sendActionOnce(client, project, group);
		if (result.kind === 'refused') {
			const times = (throttles.get(e.groupId) ?? 0) + 1;
			throttles.set(e.groupId, times);
			if (isThrottled(result.error) && times < MAX_THROTTLES && !run.stop.signal.aborted && !run.closing.signal.aborted) {
				await store.patchEntry(run.batchId, e.projectId, e.groupId, { state: 'queued', sentAt: undefined });
				return 'throttled';
			}
			if (isAuthFailure(result.error)) {
				run.authFailed = true;
			}
			log.error(`Batch ${run.batchId}: ${batch.action} on ${e.groupId} refused: ${result.error.toString()}`);
			await store.patchEntry(run.batchId, e.projectId, e.groupId, { state: 'refused', errorCode: result.error.code, error: result.error.message });
			return 'other';
		}
		const lost = result.kind === 'unanswered';
		const job = this.jobOf(batch, { ...e, before }, sentAt, result.kind === 'started' ? result.jobId : undefined);
		await store.recordSent(run.batchId, job);
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
			if (run.closing.signal.aborted || run.lost) {
				return;
			}
			if (!store.holdsBatch(run.batchId)) {
				// The heartbeat renews the lease; gone means another window took the batch over.
				run.lost = true;
				run.wake?.();
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
			if (!run.sending && this.ended(run.batchId, c)) {
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
		// Every job of the round at once: their writes go to the store together, as one write.
		await Promise.all(jobs.map((j) => this.read(run, client, project, j, listing.get(j.groupId), memo)));
	}

	/** What one job's group in the listing says, and the job's detail when the listing cannot tell. */
	private async read(run: Run, client: SdrsClient, project: Project, j: StoredJob, group: ProtectionGroup | undefined, memo: { seenMoving: Set<string>; lastAsked: Map<string, number> }): Promise<void> {
		const { store, log } = this.wf.deps;
		const clock = this.ports.clock;
		const verdict = readListing(j.action, j.before ?? { status: j.lastStatus ?? '' }, group, memo.seenMoving.has(j.jobId));
		if (group) {
			this.wf.announceGroup({ profileId: j.profile, projectId: j.projectId, group });
		}
		if (verdict === 'success') {
			if (await store.finish(j.jobId, { outcome: 'SUCCESS', lastStatus: 'SUCCESS' })) {
				log.info(`Batch ${run.batchId}: job ${j.jobId} succeeded (${j.action} on ${j.groupId}; the group is ${group?.status})`);
			}
			return;
		}
		if (verdict === 'moving') {
			memo.seenMoving.add(j.jobId);
			if (group && j.lastStatus !== 'RUNNING') {
				await store.patch(j.jobId, { lastStatus: 'RUNNING' });
			}
			return;
		}
		const since = memo.lastAsked.get(j.jobId) ?? j.startedAt;
		if (verdict === 'waiting' && clock.now() - since < Math.max(STALL_MS, nextPollDelay(clock.now() - j.startedAt))) {
			return;
		}
		memo.lastAsked.set(j.jobId, clock.now());
		await this.ask(run, client, project, j);
	}

	/** The job's detail: its end and, for a failure, the code and reason. */
	private async ask(run: Run, client: SdrsClient, project: Project, j: StoredJob): Promise<void> {
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
