// The life of a batch: recorded before anything is sent, run under one progress (sending and
// following at once), taken over by another window when its lease runs out, and ended once across
// windows, when every entry has ended and no job of it runs. Planning, sending and following live
// beside it (plan.ts, send.ts, follow.ts); this file decides when each runs.
import { randomUUID } from 'node:crypto';
import { beforeOf, type ActionKind } from '../actions';
import type { ActionTarget } from '../ports';
import { LEASE_MS, UNSENT, type BatchEntry, type StoredBatch } from '../records';
import { batchCounts, batchDone, type BatchCounts } from './counts';
import type { BatchDeps, Run } from './deps';
import { followBatch } from './follow';
import { MAX_BATCH, groupKey, planBatch, type PlanEntry } from './plan';
import { entryRecord, sendBatch } from './send';

/**
 * A batch whose lease expired (its window stalled: asleep, blocked) is declared abandoned only after
 * this many heartbeats more: the window may wake, find the lease gone and stop, and a POST it had on
 * the wire is recorded by it meanwhile.
 */
export const TAKEOVER_GRACE_BEATS = 3;

export class Batches {
	private readonly runs = new Map<string, Run>();

	constructor(private readonly deps: BatchDeps) {}

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
		const batch = this.deps.store.batch(batchId);
		if (!batch || batch.endedAt || batch.stopped || !batch.entries.some((e) => e.state === 'queued')) {
			return false;
		}
		void this.deps.store.patchBatch(batchId, { stopped: true });
		run?.stop.abort();
		run?.wake?.();
		return true;
	}

	/** The window goes away: stop sending and following, and give up the leases. */
	async suspend(): Promise<void> {
		const held = this.held();
		for (const run of this.runs.values()) {
			run.closing.abort();
			run.wake?.();
		}
		this.runs.clear();
		if (held.length) {
			await this.deps.store.leaseBatches(held, true);
		}
	}

	/** Every pre-flight check for every group, before anything is sent (plan.ts). */
	plan(targets: readonly ActionTarget[], action: ActionKind, onChecked?: (done: number, total: number) => void, signal?: AbortSignal): Promise<PlanEntry[]> {
		return planBatch(this.deps, targets, action, onChecked, signal);
	}

	/**
	 * Records a batch of the chosen entries (ineligible ones are dropped here too: they are never
	 * sent; one planned a while ago that another window or batch has in flight by now is recorded as
	 * not sent), then sends and follows it. Resolves once recorded; `done` settles when it has ended.
	 */
	async start(chosen: readonly PlanEntry[], action: ActionKind, planRunId?: string): Promise<{ batch: StoredBatch; done: Promise<BatchCounts | undefined> }> {
		const { store, ports } = this.deps;
		const seen = new Set<string>();
		const entries: BatchEntry[] = chosen
			.filter((p) => p.eligible && !seen.has(groupKey(p.target.project.id, p.group.id)) && seen.add(groupKey(p.target.project.id, p.group.id)))
			.slice(0, MAX_BATCH)
			.map((p): BatchEntry => {
				const busy = store.runningJobFor(p.target.project.id, p.group.id) || store.queuedInBatch(p.target.project.id, p.group.id);
				return {
					profile: p.target.profileId,
					projectId: p.target.project.id,
					projectName: p.target.project.name,
					region: p.target.project.region,
					account: p.target.project.domainId,
					groupId: p.group.id,
					groupName: p.group.name,
					before: beforeOf(p.group),
					...(busy ? { state: 'unsent', error: UNSENT.inFlight } : { state: 'queued' }),
				};
			});
		const batch: StoredBatch = {
			batchId: `batch-${randomUUID()}`,
			action,
			startedAt: ports.clock.now(),
			entries,
			lease: { owner: store.owner, until: ports.clock.now() + LEASE_MS },
			...(planRunId ? { planRunId } : {}),
		};
		await store.saveBatch(batch);
		this.deps.log.info(`Batch ${batch.batchId}: ${action} for ${entries.length} group(s)`);
		return { batch, done: this.run(this.newRun(batch.batchId, true)) };
	}

	/** Takes over every unfinished batch whose lease is free or expired; returns how many. */
	resumeAll(): number {
		const { store, ports } = this.deps;
		const now = ports.clock.now();
		let taken = 0;
		for (const b of store.batches().filter((x) => !x.endedAt && !this.runs.has(x.batchId))) {
			if (!b.lease || b.lease.owner === store.owner || b.lease.until <= now) {
				taken++;
				void this.resume(b.batchId);
			}
		}
		return taken;
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
		const { store, log } = this.deps;
		const held = store.batch(batchId)?.lease;
		if (this.runs.has(batchId) || !(await store.claimBatch(batchId))) {
			return false;
		}
		const run = this.newRun(batchId, false);
		if (held && held.owner !== store.owner) {
			log.info(`Batch ${batchId}: its window stopped renewing its lease; waiting before taking it over`);
			await this.deps.ports.clock.sleep(TAKEOVER_GRACE_BEATS * this.deps.heartbeat.everyMs);
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
				await store.patchEntry(batchId, e.projectId, e.groupId, 'queued', { state: 'unsent', error: batch.stopped ? UNSENT.stopped : UNSENT.windowClosed });
			} else if (e.state === 'sending') {
				const job = store.jobsOf(batchId).find((j) => j.groupId === e.groupId && j.projectId === e.projectId);
				// The POST may have been on the wire when the window went: only the group can tell.
				await store.recordSent(batchId, job ?? entryRecord(this.deps, batch, e, e.sentAt ?? batch.startedAt, undefined, this.deps.ports.clock.now()));
			}
		}
		log.info(`Resuming batch ${batchId}`);
		void this.run(run);
		return true;
	}

	private newRun(batchId: string, send: boolean): Run {
		const run: Run = { batchId, stop: new AbortController(), closing: new AbortController(), sending: send, lost: false, authFailed: false };
		this.runs.set(batchId, run);
		this.deps.heartbeat.start();
		return run;
	}

	/** Whether every entry has ended and no job of the batch is unfinished (none left unlinked). */
	private ended(batchId: string, counts: BatchCounts): boolean {
		return batchDone(counts) && !this.deps.store.jobsOf(batchId).some((j) => !j.outcome && !j.notFollowed);
	}

	/** Sends (when the run sends) and follows a batch under one progress, then reports it once. */
	private async run(run: Run): Promise<BatchCounts | undefined> {
		const { store, log, ports } = this.deps;
		const { batchId } = run;
		const batch = store.batch(batchId);
		if (!batch) {
			this.runs.delete(batchId);
			return undefined;
		}
		const counts = (): BatchCounts => batchCounts(store.batch(batchId) ?? batch, (id) => store.get(id));
		const stopped = (): boolean => run.stop.signal.aborted || !!store.batch(batchId)?.stopped;
		await ports.progress({ kind: 'batch', batchId, action: batch.action, counts, stop: () => this.stop(batchId), stopped, planRunId: batch.planRunId }, async (report) => {
			const sending = run.sending ? sendBatch(this.deps, run, () => report('')).finally(() => (run.sending = false)) : Promise.resolve();
			await Promise.all([
				sending,
				followBatch(
					this.deps,
					run,
					counts,
					(id, c) => this.ended(id, c),
					() => report(''),
				),
			]);
		});
		if (this.runs.get(batchId) === run && (run.closing.signal.aborted || run.lost)) {
			this.runs.delete(batchId);
		}
		if (run.closing.signal.aborted || run.lost) {
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
			ports.notify({ kind: 'batchEnded', batch: ended, counts: end });
		}
		return end;
	}
}
