// The record of every job: what was started, by whom, how it is followed and how it ended. It lives
// in the editor's shared state (globalState: every window of this user sees it, nothing in it is
// secret), and this is the only place that writes it: one write path, then one change event that
// the views listen to. A lease (owner, until) says which window follows a job; the owner renews
// it while it follows, and any window may take a job whose lease expired.
import { randomUUID } from 'node:crypto';
import { Emitter } from './events';
import { LEASE_MS, UNSENT, inFlightElsewhere, keepRecent, linkSent, mirrorEnds, sameRecords, type BatchEntry, type StoredBatch, type StoredJob } from './records';
import { updateState, type SharedState } from './sharedState';

const JOBS_KEY = 'sdrs.jobs';
const BATCHES_KEY = 'sdrs.batches';
/** Finished jobs kept (a batch's report keeps its own copy of each end: EntryResult). */
const KEEP_FINISHED = 250;
const KEEP_FINISHED_BATCHES = 20;

export class JobStore {
	/** This window's identity for leases (a new one after every reload). */
	readonly owner = randomUUID();
	private readonly changed = new Emitter<void>();
	readonly onDidChange = this.changed.event;
	/** Writes one after another, so no write works from a list another has replaced. */
	private queue: Promise<void> = Promise.resolve();
	/** Changes waiting for the next write: those asked for together cost one write of each list. */
	private pending: { key: string; change: (items: never[]) => unknown[]; done: (e?: Error) => void }[] = [];

	/** A batch an unfinished recovery plan run still names: never pruned or cleared (set by the workflow). */
	pinned: (batch: StoredBatch) => boolean = () => false;

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

	/**
	 * A job, or what a batch entry kept of it once the job list pruned it: reports and views of a
	 * batch read jobs through this, so a batch's outcome never depends on pruning.
	 */
	jobOrResult(jobId: string): StoredJob | undefined {
		const job = this.get(jobId);
		if (job) {
			return job;
		}
		for (const b of this.batches()) {
			const e = b.entries.find((x) => x.jobId === jobId && x.result);
			if (e?.result) {
				return {
					...e.result,
					batchId: b.batchId,
					groupId: e.groupId,
					groupName: e.groupName,
					projectId: e.projectId,
					projectName: e.projectName,
					region: e.region,
					account: e.account,
					profile: e.profile,
					action: b.action,
				};
			}
		}
		return undefined;
	}

	/** Jobs a window should be following: unfinished, and not put aside as not followed. */
	followable(): StoredJob[] {
		return this.all().filter((j) => !j.outcome && !j.notFollowed);
	}

	/**
	 * The unfinished job on a group, from any profile: a project id names one project of one
	 * account, so two profiles of the same account see the same job.
	 */
	runningJobFor(projectId: string, groupId: string): string | undefined {
		return this.all().find((j) => j.projectId === projectId && j.groupId === groupId && !j.outcome)?.jobId;
	}

	/** Whether this window holds a live lease on the job. */
	follows(jobId: string): boolean {
		const lease = this.get(jobId)?.lease;
		return lease?.owner === this.owner && lease.until > this.now();
	}

	/**
	 * The one write path of the job list: `change` maps the current list to the new one; finished
	 * jobs beyond the last 250 or older than 7 days are dropped. Resolves once written; then the
	 * change event fires.
	 */
	write(change: (jobs: StoredJob[]) => StoredJob[]): Promise<void> {
		return this.enqueue(JOBS_KEY, change);
	}

	/** The batches' write path: the same queue and change event as the jobs'. */
	writeBatches(change: (batches: StoredBatch[]) => StoredBatch[]): Promise<void> {
		return this.enqueue(BATCHES_KEY, change);
	}

	private enqueue<T>(key: string, change: (items: T[]) => T[]): Promise<void> {
		return new Promise<void>((resolve, reject) => {
			const untyped = change as unknown as (items: never[]) => unknown[];
			this.pending.push({ key, change: untyped, done: (e) => (e === undefined ? resolve() : reject(e)) });
			if (this.pending.length === 1) {
				this.queue = this.queue.then(() => this.flush());
			}
		});
	}

	/**
	 * Applies every waiting change in order, then writes each list that changed once. A batch job
	 * that ends (or is put aside, or followed again) has its end copied into its batch entry in the
	 * same write. Keeps every unfinished item and the last finished ones of the past 7 days.
	 */
	private async flush(): Promise<void> {
		const changes = this.pending.splice(0);
		const before = this.all();
		let jobs = before;
		let batches = this.batches();
		const failed = new Map<number, Error>();
		changes.forEach((c, i) => {
			try {
				if (c.key === JOBS_KEY) {
					jobs = c.change(jobs as never[]) as StoredJob[];
				} else {
					batches = c.change(batches as never[]) as StoredBatch[];
				}
			} catch (e) {
				failed.set(i, e instanceof Error ? e : new Error(String(e)));
			}
		});
		const wroteJobs = changes.some((c, i) => c.key === JOBS_KEY && !failed.has(i));
		let wroteBatches = changes.some((c, i) => c.key === BATCHES_KEY && !failed.has(i));
		if (wroteJobs) {
			const mirrored = mirrorEnds(before, jobs, batches);
			if (mirrored !== batches) {
				batches = mirrored;
				wroteBatches = true;
			}
		}
		const nextJobs = wroteJobs ? keepRecent(this.now(), jobs, (j) => (j.outcome ? (j.endedAt ?? this.now()) : undefined), KEEP_FINISHED) : undefined;
		const nextBatches = wroteBatches ? keepRecent(this.now(), batches, (b) => (this.pinned(b) ? undefined : b.endedAt), KEEP_FINISHED_BATCHES) : undefined;
		// A list that did not change is not written: an idle window's heartbeat (nothing to renew)
		// never writes its copy over one another window has just changed (the editor has no
		// compare-and-set between windows).
		const jobsChanged = nextJobs !== undefined && !sameRecords(before, nextJobs);
		const batchesChanged = nextBatches !== undefined && !sameRecords(this.batches(), nextBatches);
		try {
			// Both lists are set before either write is awaited: no other window's write comes between.
			await Promise.all([jobsChanged && updateState(this.state, JOBS_KEY, nextJobs), batchesChanged && updateState(this.state, BATCHES_KEY, nextBatches)]);
		} catch (e) {
			changes.forEach((c) => c.done(e instanceof Error ? e : new Error(String(e))));
			return;
		}
		changes.forEach((c, i) => c.done(failed.get(i)));
		if (jobsChanged || batchesChanged) {
			this.changed.fire();
		}
	}

	/** Every unfinished item and the last `keep` finished ones of the past 7 days. */
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

	/**
	 * Records a one-group request before it is sent (a placeholder naming the group, `sending`, held
	 * by this window), in one checked write: 'conflict' (nothing written) when the group already has
	 * an unfinished job. From then on the group is guarded, in every window.
	 */
	async recordSending(job: StoredJob): Promise<'ok' | 'conflict'> {
		let verdict: 'ok' | 'conflict' = 'conflict';
		await this.write((jobs) => {
			if (jobs.some((j) => j.projectId === job.projectId && j.groupId === job.groupId && !j.outcome)) {
				return jobs;
			}
			verdict = 'ok';
			return [...jobs, { ...job, sending: true, lease: { owner: this.owner, until: this.now() + LEASE_MS } }];
		});
		return verdict;
	}

	/** The request's answer: its placeholder becomes `job` (held by this window), or goes when it was refused. */
	settleSending(placeholderId: string, job: StoredJob | undefined): Promise<void> {
		return this.write((jobs) => {
			const rest = jobs.filter((j) => j.jobId !== placeholderId);
			return job ? [...rest.filter((j) => j.jobId !== job.jobId), { ...job, sending: undefined, lease: { owner: this.owner, until: this.now() + LEASE_MS } }] : rest;
		});
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
		await Promise.all([this.writeBatches((batches) => batches.filter((b) => this.pinned(b) || (!everything && !b.endedAt))), this.write((jobs) => (everything ? [] : jobs.filter((j) => !j.outcome)))]);
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

	saveBatch(batch: StoredBatch): Promise<void> {
		return this.writeBatches((batches) => [...batches.filter((b) => b.batchId !== batch.batchId), batch]);
	}

	/**
	 * Changes one entry of a batch (by project and group), only while it is still in the state the
	 * caller saw (`from`): a window that lost the batch cannot undo what the window that took it
	 * over wrote. Nothing when the batch has ended.
	 */
	patchEntry(batchId: string, projectId: string, groupId: string, from: BatchEntry['state'], fields: Partial<BatchEntry>): Promise<void> {
		return this.writeBatches((batches) =>
			batches.map((b) =>
				b.batchId !== batchId || b.endedAt ? b : { ...b, entries: b.entries.map((e) => (e.projectId === projectId && e.groupId === groupId && e.state === from ? { ...e, ...fields } : e)) },
			),
		);
	}

	patchBatch(batchId: string, fields: Partial<StoredBatch>): Promise<void> {
		return this.writeBatches((batches) => batches.map((b) => (b.batchId === batchId ? { ...b, ...fields } : b)));
	}

	/**
	 * Moves an entry from queued to sending, in one write that checks everything a POST needs:
	 * this window holds the batch's lease, nobody stopped the batch, the entry is still queued, and
	 * no job or other batch has the group in flight (from any profile). Anything else: the POST
	 * must not go, and the answer says why ('conflict' has marked the entry not sent).
	 */
	async markSending(batchId: string, projectId: string, groupId: string, fields: Partial<BatchEntry>): Promise<'ok' | 'lostLease' | 'stopped' | 'notQueued' | 'conflict'> {
		let verdict: 'ok' | 'lostLease' | 'stopped' | 'notQueued' | 'conflict' = 'notQueued';
		await this.writeBatches((batches) => {
			const b = batches.find((x) => x.batchId === batchId);
			const e = b?.entries.find((x) => x.projectId === projectId && x.groupId === groupId);
			if (!b || !e || b.endedAt) {
				return batches;
			}
			// Ownership, not the clock: a lease of ours that ran out while nobody took it is still ours.
			if (b.lease?.owner !== this.owner) {
				verdict = 'lostLease';
			} else if (b.stopped) {
				verdict = 'stopped';
			} else if (e.state !== 'queued') {
				verdict = 'notQueued';
			} else if (this.runningJobFor(projectId, groupId) || inFlightElsewhere(batches, batchId, projectId, groupId, (id) => this.get(id), b.startedAt)) {
				verdict = 'conflict';
			} else {
				verdict = 'ok';
			}
			const next: Partial<BatchEntry> | undefined = verdict === 'ok' ? { ...fields, state: 'sending' } : verdict === 'conflict' ? { state: 'unsent', error: UNSENT.inFlight } : undefined;
			const lease = verdict === 'ok' ? { owner: this.owner, until: Math.max(b.lease!.until, this.now() + LEASE_MS) } : b.lease;
			return next ? batches.map((x) => (x !== b ? x : { ...x, lease, entries: x.entries.map((y) => (y === e ? { ...y, ...next } : y)) })) : batches;
		});
		return verdict;
	}

	/**
	 * Records what a POST of a batch answered: its job (or a lost answer's placeholder) saved, and
	 * the entry linked to it, in one write. A window that lost the batch while its POST was on the
	 * wire still records the truth: its job replaces the placeholder the new owner made meanwhile.
	 */
	async recordSent(batchId: string, job: StoredJob): Promise<void> {
		let replaced: string | undefined;
		let already = false;
		const link = this.writeBatches((batches) => {
			const linked = linkSent(batches, batchId, job);
			({ replaced, already } = linked);
			return linked.batches;
		});
		const save = this.write((jobs) => {
			if (already) {
				return jobs;
			}
			const stored = jobs.find((j) => j.jobId === job.jobId);
			return [...jobs.filter((j) => j.jobId !== job.jobId && j.jobId !== replaced), { ...stored, ...job, lease: job.lease ?? stored?.lease }];
		});
		await Promise.all([link, save]);
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

	/** Whether the batch's lease is this window's (expired or not: nobody else has taken it). */
	holdsBatch(batchId: string): boolean {
		return this.batch(batchId)?.lease?.owner === this.owner;
	}

	/** Renews (or, with `release`, gives up) this window's leases on these batches. */
	leaseBatches(batchIds: readonly string[], release = false): Promise<void> {
		const until = this.now() + LEASE_MS;
		return this.writeBatches((batches) =>
			batches.map((b) => (batchIds.includes(b.batchId) && b.lease?.owner === this.owner ? { ...b, lease: release ? undefined : { owner: this.owner, until } } : b)),
		);
	}

	/** Whether a group waits in, or is being sent by, an unfinished batch (from any profile). */
	queuedInBatch(projectId: string, groupId: string): boolean {
		return this.batches().some((b) => !b.endedAt && b.entries.some((e) => e.projectId === projectId && e.groupId === groupId && (e.state === 'queued' || e.state === 'sending')));
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
