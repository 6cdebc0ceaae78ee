// Sending a batch: each queued group once, a few at a time (AdaptiveLimit), each POST preceded by a
// fresh read of its group and one checked write to the store (lease held, not stopped, nothing else
// in flight). Stop from any window, a lost lease or refused keys end sending; what is still queued
// is then marked not sent, with why.
import { ACTIONS, availability, beforeOf } from '../actions';
import { isAuthFailure, isThrottled, toSdrsError } from '../errors';
import type { SdrsClient } from '../client';
import type { Project, ProtectionGroup } from '../model';
import { PROFILE_REMOVED, UNSENT, projectOf, type BatchEntry, type StoredBatch, type StoredJob } from '../records';
import { sendActionOnce } from '../sendAction';
import type { BatchDeps, Run } from './deps';
import { AdaptiveLimit } from './limit';

/** A POST throttled this many times is given up (refused). */
const MAX_THROTTLES = 6;

/** Reads a group right before its POST: a read is safe to repeat, so a failed one is tried twice more. */
async function readBeforeSending(deps: BatchDeps, client: SdrsClient, project: Project, groupId: string, signal: AbortSignal): Promise<ProtectionGroup> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await client.getGroup(project, groupId, signal);
		} catch (err) {
			const error = toSdrsError(err);
			if (attempt >= 3 || isAuthFailure(error) || error.kind === 'aborted') {
				throw error;
			}
			await deps.ports.clock.sleep(250 * attempt);
		}
	}
}

/** The record of an entry's POST: its job, or (no `jobId`) a lost answer to reconcile. */
export function entryRecord(deps: Pick<BatchDeps, 'record'>, batch: StoredBatch, e: BatchEntry, at: number, jobId: string | undefined, lostAt: number): StoredJob {
	return deps.record({ profile: e.profile, project: projectOf(e), group: { id: e.groupId, name: e.groupName }, before: e.before, action: batch.action, at, lostAt, jobId, batchId: batch.batchId });
}

/**
 * Sends the queued entries, each once, at most `sdrs.maxConcurrentRequests` at a time. After a
 * throttled POST (429 / APIGW.0308, which the gateway refused, so nothing was applied) fewer go
 * at once and none for 2–5 s; the group goes back to the front of the queue. Each success
 * allows one more at a time again, up to the limit. Stop (from any window), a lost lease or
 * refused keys end sending; what is still queued is then marked not sent, with why.
 */
export async function sendBatch(deps: BatchDeps, run: Run, changed: () => void): Promise<void> {
	const { store, log } = deps;
	const clock = deps.ports.clock;
	const limit = Math.max(1, deps.maxConcurrentRequests?.() ?? 4);
	const batch = store.batch(run.batchId)!;
	const queue = batch.entries.filter((e) => e.state === 'queued');
	const throttles = new Map<string, number>();
	const pace = new AdaptiveLimit(limit, deps.random);
	let active = 0;
	const halted = (): boolean => run.stop.signal.aborted || run.closing.signal.aborted || run.lost || run.authFailed;
	const worker = async (): Promise<void> => {
		for (;;) {
			while (!halted() && queue.length && (active >= pace.allowed || clock.now() < pace.pauseUntil)) {
				await clock.sleep(Math.max(20, Math.min(200, pace.pauseUntil - clock.now())));
			}
			const entry = halted() ? undefined : queue.shift();
			if (!entry) {
				return;
			}
			active++;
			let result: 'ok' | 'throttled' | 'other';
			try {
				result = await sendOne(deps, run, batch, entry, throttles);
			} finally {
				active--;
			}
			if (result === 'throttled') {
				queue.unshift(entry);
				pace.throttled(clock.now());
				log.warn(`Batch ${run.batchId}: throttled by the API gateway; ${pace.allowed} at a time from now, after a pause.`);
			} else if (result === 'ok') {
				pace.succeeded();
			}
			changed();
		}
	};
	await Promise.all(Array.from({ length: limit }, () => worker()));
	const stopped = run.stop.signal.aborted || !!store.batch(run.batchId)?.stopped;
	const left = store.batch(run.batchId)?.entries.filter((e) => e.state === 'queued').length ?? 0;
	if (left && !run.closing.signal.aborted && !run.lost && (stopped || run.authFailed)) {
		const error = run.authFailed ? UNSENT.authFailed : UNSENT.stopped;
		await store.writeBatches((batches) =>
			batches.map((b) => (b.batchId !== run.batchId ? b : { ...b, stopped: stopped || b.stopped, entries: b.entries.map((e) => (e.state === 'queued' ? { ...e, state: 'unsent', error } : e)) })),
		);
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
async function sendOne(deps: BatchDeps, run: Run, batch: StoredBatch, e: BatchEntry, throttles: Map<string, number>): Promise<'ok' | 'throttled' | 'other'> {
	const { store, log } = deps;
	const client = deps.clientFor(e.profile);
	if (!client) {
		await store.patchEntry(run.batchId, e.projectId, e.groupId, 'queued', { state: 'unsent', error: PROFILE_REMOVED });
		return 'other';
	}
	const project = projectOf(e);
	let group: ProtectionGroup;
	try {
		group = await readBeforeSending(deps, client, project, e.groupId, run.closing.signal);
	} catch (err) {
		const error = toSdrsError(err);
		if (isAuthFailure(error)) {
			run.authFailed = true;
			await store.patchEntry(run.batchId, e.projectId, e.groupId, 'queued', { state: 'unsent', error: UNSENT.authFailed });
			return 'other';
		}
		if (error.kind === 'aborted') {
			return 'other';
		}
		log.warn(`Batch ${run.batchId}: reading ${e.groupId} before its POST: ${error.toString()}; not sent.`);
		await store.patchEntry(run.batchId, e.projectId, e.groupId, 'queued', { state: 'unsent', error: UNSENT.unreadable });
		return 'other';
	}
	// Still as planned: a status that moved since (another window's action, a job that failed) was
	// not what the user confirmed.
	// For an action that moves production, so was production moving elsewhere (its body is built
	// from the group read now): the direction confirmed is the one sent.
	const moved = ACTIONS[batch.action].flips && e.before.priorityStation !== undefined && group.priorityStation !== e.before.priorityStation;
	if (!availability(group, batch.action).ok || group.status !== e.before.status || moved) {
		log.warn(`Batch ${run.batchId}: ${e.groupId} is now ${group.status}${moved ? ` with production at ${group.priorityStation}` : ''}: not sent.`);
		await store.patchEntry(run.batchId, e.projectId, e.groupId, 'queued', { state: 'unsent', error: UNSENT.statusChanged, before: { status: group.status, updatedAt: group.updatedAt } });
		return 'other';
	}
	const before = beforeOf(group);
	const sentAt = deps.ports.clock.now();
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
	const result = await sendActionOnce(client, project, group, batch.action);
	if (result.kind === 'refused') {
		const times = (throttles.get(e.groupId) ?? 0) + 1;
		throttles.set(e.groupId, times);
		if (isThrottled(result.error) && times < MAX_THROTTLES && !run.stop.signal.aborted && !run.closing.signal.aborted) {
			await store.patchEntry(run.batchId, e.projectId, e.groupId, 'sending', { state: 'queued', sentAt: undefined });
			return 'throttled';
		}
		if (isAuthFailure(result.error)) {
			run.authFailed = true;
		}
		log.error(`Batch ${run.batchId}: ${batch.action} on ${e.groupId} refused: ${result.error.toString()}`);
		await store.patchEntry(run.batchId, e.projectId, e.groupId, 'sending', { state: 'refused', errorCode: result.error.code, error: result.error.message });
		return 'other';
	}
	const lost = result.kind === 'unanswered';
	const job = entryRecord(deps, batch, { ...e, before }, sentAt, result.kind === 'started' ? result.jobId : undefined, deps.ports.clock.now());
	await store.recordSent(run.batchId, job);
	if (lost) {
		log.warn(`Batch ${run.batchId}: ${batch.action} on ${e.groupId}: no answer (${result.error.toString()}); not sent again; reading the group to find out whether it was applied.`);
	} else {
		log.info(`Batch ${run.batchId}: started ${batch.action} on ${e.groupId}: job ${job.jobId}`);
	}
	return 'ok';
}
