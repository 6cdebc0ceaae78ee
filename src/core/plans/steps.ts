// One step of a plan's run, from its start to its end: a group step re-checked (fail closed) and
// sent as one batch (or, rehearsing, a DR drill per group), followed to its end; a wait; a prompt.
// Each writes its start and end to the run's record; the runner (run.ts) decides what comes next.
import { ACTIONS } from '../actions';
import { batchCounts } from '../batch/counts';
import type { PlanEntry } from '../batch/plan';
import type { Batches } from '../batch/batches';
import type { RunResult } from '../workflow';
import type { JobStore } from '../jobStore';
import type { Logger } from '../logger';
import type { ActionTarget, Ports } from '../ports';
import { resultOf, type StoredBatch, type StoredJob } from '../records';
import { groupEndOf } from './record';
import { checkStep, modeAction, skippedEnd, whyIneligible, type CheckDeps } from './prepare';
import type { PlanRunStore } from './runStore';
import type { PlanPorts } from './planPorts';
import { RUN_REASON, type GroupEnd, type PlanMode, type RunGroup, type RunStep, type StoredPlanRun } from './types';

export interface StepDeps {
	runs: PlanRunStore;
	store: JobStore;
	batches: Batches;
	check: CheckDeps;
	ports: Ports;
	log: Logger;
	/** A DR drill on one group, with no question and no message of its own; `alert` hears a refusal. */
	startDrill(target: ActionTarget, name: string, alert: Ports['alert']): Promise<RunResult>;
	clientFor: CheckDeps['clientFor'];
	maxConcurrentRequests?(): number;
}

/** How a step ended: the run goes on, halts (planned failover), or stops (the user, or the window closing). */
/** `haltUnknown`: a group's end is not known (it may still be moving): every mode halts there. */
export type StepEnd = 'ok' | 'failed' | 'halt' | 'haltUnknown' | 'stopped' | 'closing';

export interface StepControl {
	/** Stop: nothing more is started. */
	stop: AbortSignal;
	/** The window goes away: the run is left as recorded (resumed after the reload). */
	closing: AbortSignal;
}

export const targetOf = (g: RunGroup, targets: readonly ActionTarget[]): ActionTarget | undefined => targets.find((t) => t.project.id === g.projectId && t.group.id === g.groupId);

/** The end of a batch entry's group, with what the report needs. */
export function entryEnd(batch: StoredBatch, g: RunGroup, jobOf: (id: string) => StoredJob | undefined): Partial<RunGroup> {
	const e = batch.entries.find((x) => x.projectId === g.projectId && x.groupId === g.groupId);
	if (!e) {
		return { end: 'unsent', error: RUN_REASON.notInBatch };
	}
	if (e.state === 'refused') {
		return { end: 'refused', error: e.error, errorCode: e.errorCode };
	}
	if (e.state !== 'sent') {
		return { end: 'unsent', error: e.error };
	}
	const job = e.result ?? (e.jobId ? jobOf(e.jobId) : undefined);
	const end = groupEndOf(job);
	const result = job ? resultOf(job) : undefined;
	return { end, jobId: e.jobId, result };
}

/**
 * Resolves when the batch has ended (its end recorded once, by whichever window), 'gone' when its
 * record is gone (pruned, or the job history cleared: it counts as ended), or undefined when the
 * window closes.
 */
export function batchEnded(store: JobStore, batchId: string, closing: AbortSignal, onChange?: (b: StoredBatch) => void): Promise<StoredBatch | 'gone' | undefined> {
	return new Promise((resolve) => {
		const timer = setInterval(() => check(), 1000);
		const done = (b: StoredBatch | 'gone' | undefined): void => {
			clearInterval(timer);
			sub.dispose();
			closing.removeEventListener('abort', abort);
			resolve(b);
		};
		const abort = (): void => done(undefined);
		const check = (): void => {
			const b = store.batch(batchId);
			if (!b) {
				return done('gone');
			}
			onChange?.(b);
			if (b.endedAt) {
				done(b);
			}
		};
		closing.addEventListener('abort', abort);
		const sub = store.onDidChange(check);
		check();
	});
}

/** Sleeps, or less when Stop or the window closing comes first. */
export function sleepUnless(ports: Ports, ms: number, ...signals: AbortSignal[]): Promise<void> {
	return new Promise((resolve) => {
		const done = (): void => {
			signals.forEach((s) => s.removeEventListener('abort', done));
			resolve();
		};
		if (signals.some((s) => s.aborted)) {
			return resolve();
		}
		signals.forEach((s) => s.addEventListener('abort', done));
		void ports.clock.sleep(ms).then(done);
	});
}

/** A group's end when its batch's record is gone: from its job (or what is kept of it), if any. */
function goneEnd(store: JobStore, batchId: string, g: RunGroup): Partial<RunGroup> {
	const jobId = g.jobId ?? store.jobsOf(batchId).find((j) => j.projectId === g.projectId && j.groupId === g.groupId)?.jobId;
	const job = jobId ? store.jobOrResult(jobId) : undefined;
	return job ? { end: groupEndOf(job), jobId, result: resultOf(job) } : { end: 'notFollowed', error: RUN_REASON.batchGone };
}

/** Whether a group's end counts as a failure (for a planned failover: the run halts). */
export const failedEnd = (end: GroupEnd | undefined): boolean => end !== undefined && end !== 'succeeded' && end !== 'skipped';

/**
 * A group step: its groups checked again at its start (a planned failover halts when one now fails
 * a check; the other modes skip it), then sent as one batch and followed to its end. A step resumed
 * after a reload waits for its batch (the batches resume it) and sends nothing.
 */
export async function runGroupStep(deps: StepDeps, runId: string, index: number, mode: PlanMode, targets: readonly ActionTarget[], ctl: StepControl): Promise<StepEnd> {
	const { runs, store, batches, log } = deps;
	let run = runs.get(runId)!;
	let step = run.steps[index];
	const action = modeAction(mode);
	if (!action) {
		throw new Error('a rehearsal runs its steps with runDrillStep');
	}
	// A batch of this run no step names: recorded just before the window went away.
	const orphan = !step.batchId && step.state === 'running' ? store.batches().find((b) => b.planRunId === runId && !run.steps.some((s) => s.batchId === b.batchId)) : undefined;
	let batchId = step.batchId ?? orphan?.batchId;
	if (orphan) {
		await runs.patchStep(runId, index, { batchId });
	}
	if (!batchId) {
		await runs.patchStep(runId, index, { state: 'running', startedAt: deps.ports.clock.now() });
		const live = (step.groups ?? []).filter((g) => !g.end);
		const entries: PlanEntry[] = await checkStep(
			deps.check,
			mode,
			live.flatMap((g) => targetOf(g, targets) ?? []),
			undefined,
			ctl.closing,
		);
		if (ctl.closing.aborted) {
			return 'closing';
		}
		// A group whose production moved since the run was confirmed (someone switched it over
		// meanwhile) is not sent: the user confirmed the other direction.
		const moved = (e: PlanEntry): boolean => {
			const before = live.find((g) => g.projectId === e.target.project.id && g.groupId === e.group.id)?.before;
			return ACTIONS[action].flips && before?.priorityStation !== undefined && e.group.priorityStation !== before.priorityStation;
		};
		const checked = entries.map((e) =>
			e.eligible && moved(e)
				? {
						...e,
						eligible: false,
						checks: [
							...e.checks,
							{
								id: 'status' as const,
								ok: false,
								facts: { status: e.group.status, movedTo: e.group.priorityStation },
								detail: `production moved to the ${e.group.priorityStation} site since the plan was confirmed`,
							},
						],
					}
				: e,
		);
		const failed = checked.filter((e) => !e.eligible);
		const skip = (g: RunGroup): RunGroup => {
			const e = failed.find((x) => x.target.project.id === g.projectId && x.target.group.id === g.groupId);
			return e ? { ...g, ...skippedEnd(e) } : g;
		};
		await runs.patchStep(runId, index, { groups: step.groups?.map(skip) });
		if (failed.length) {
			log.warn(`Plan run ${runId}, step ${index + 1}: ${failed.length} group(s) now fail a check: ${failed.map((e) => `${e.group.name} (${whyIneligible(e)})`).join('; ')}`);
		}
		// A group another job, batch or run has in flight: skipping it would break the plan's order
		// (the next step would start while it still moves), so every mode halts.
		if (failed.length && (mode === 'plannedFailover' || failed.some((e) => e.checks.some((c) => c.id === 'noJobInFlight' && !c.ok)))) {
			await runs.patchStep(runId, index, { state: 'halted', endedAt: deps.ports.clock.now() });
			return 'halt';
		}
		const send = checked.filter((e) => e.eligible);
		if (!send.length) {
			await runs.patchStep(runId, index, { state: 'skipped', endedAt: deps.ports.clock.now() });
			return 'ok';
		}
		if (ctl.stop.aborted || runs.get(runId)?.stopRequested) {
			return 'stopped';
		}
		if (!runs.holds(runId)) {
			return 'closing'; // another window took the run
		}
		const started = await batches.start(send, action, runId);
		batchId = started.batch.batchId;
		if (ctl.stop.aborted) {
			batches.stop(batchId); // Stop came while it was recorded: nothing of it is sent
		}
		await runs.patchStep(runId, index, { batchId });
	}
	const id = batchId;
	const stopOnFailure = (b: StoredBatch): void => {
		// Stop pressed in another window reaches this one through the run's record (read on every
		// change and every second): nothing more of the step is sent.
		if (!b.endedAt && runs.get(runId)?.stopRequested && batches.stop(id)) {
			log.warn(`Plan run ${runId}: Stop was pressed (in another window); nothing more of step ${index + 1} is sent.`);
		}
		// Planned failover: the first failure halts the run, and nothing more of the step is sent.
		const c = batchCounts(b, (j) => store.jobOrResult(j));
		if (mode === 'plannedFailover' && !b.endedAt && c.failed + c.refused + c.notApplied + c.notFollowed + c.unsent > 0 && batches.stop(id)) {
			log.warn(`Plan run ${runId}: a group of step ${index + 1} failed; nothing more is sent.`);
		}
	};
	const onStop = (): void => void batches.stop(id);
	ctl.stop.addEventListener('abort', onStop);
	if (ctl.stop.aborted) {
		onStop();
	}
	const ended = await batchEnded(store, id, ctl.closing, stopOnFailure).finally(() => ctl.stop.removeEventListener('abort', onStop));
	if (!ended) {
		return 'closing';
	}
	run = runs.get(runId)!;
	step = run.steps[index];
	const groups = (step.groups ?? []).map((g) => (g.end === 'skipped' ? g : { ...g, ...(ended === 'gone' ? goneEnd(store, id, g) : entryEnd(ended, g, (j) => store.jobOrResult(j))) }));
	const ends = groups.flatMap((g) => (g.result?.endedAt !== undefined && g.end !== 'skipped' ? [g.result.endedAt] : []));
	const bad = groups.some((g) => failedEnd(g.end));
	// A group whose end is not known (its job timed out, its lost answer could not be settled, it
	// could not be read): it may still be moving, so the next step must not start, in any mode.
	const unknown = groups.some((g) => g.end === 'notFollowed');
	const stopped = ended !== 'gone' && !!ended.stopped && groups.some((g) => g.end === 'unsent');
	// The user's Stop (its groups left unsent count as failed) ends the run stopped, not halted.
	const userStop = ctl.stop.aborted || !!runs.get(runId)?.stopRequested;
	const state: RunStep['state'] = bad ? (mode === 'plannedFailover' || unknown ? 'halted' : 'failed') : 'done';
	await runs.patchStep(runId, index, { groups, state, endedAt: (ended !== 'gone' && ended.endedAt) || deps.ports.clock.now(), ...(ends.length ? { lastGroupEndAt: Math.max(...ends) } : {}) });
	if (userStop) {
		return 'stopped';
	}
	if (bad && mode === 'plannedFailover') {
		return 'halt';
	}
	if (unknown && !stopped && !ctl.stop.aborted) {
		return 'haltUnknown';
	}
	return stopped || ctl.stop.aborted ? 'stopped' : bad ? 'failed' : 'ok';
}

/** A wait (Stop cuts it short) or a prompt (the run is paused until the person answers). */
export async function runPause(deps: Pick<StepDeps, 'runs' | 'ports'>, ui: Pick<PlanPorts, 'prompt'>, run: StoredPlanRun, i: number, ctl: StepControl): Promise<StepEnd> {
	const { runs, ports } = deps;
	const step = run.steps[i];
	const startedAt = step.state === 'running' && step.startedAt !== undefined ? step.startedAt : ports.clock.now();
	await runs.patchStep(run.runId, i, { state: 'running', startedAt });
	if (step.kind === 'wait') {
		const left = startedAt + (step.seconds ?? 0) * 1000 - ports.clock.now();
		await sleepUnless(ports, Math.max(0, left), ctl.stop, ctl.closing);
		if (ctl.closing.aborted || !runs.holds(run.runId)) {
			return 'closing';
		}
		const stopped = ctl.stop.aborted || !!runs.get(run.runId)?.stopRequested;
		await runs.patchStep(run.runId, i, { state: stopped ? 'halted' : 'done', endedAt: ports.clock.now() });
		return stopped ? 'stopped' : 'ok';
	}
	// A prompt: the run is paused until the person answers.
	await runs.patch(run.runId, { state: 'paused' });
	const go = await Promise.race([
		Promise.resolve(ui.prompt({ run: runs.get(run.runId) ?? run, step: i, text: step.text ?? '' })),
		new Promise<false>((resolve) => ctl.stop.addEventListener('abort', () => resolve(false))),
		new Promise<'closing'>((resolve) => ctl.closing.addEventListener('abort', () => resolve('closing'))),
	]);
	if (go === 'closing') {
		return 'closing';
	}
	await runs.patch(run.runId, { state: 'running' });
	await runs.patchStep(run.runId, i, { state: go ? 'done' : 'halted', endedAt: ports.clock.now() });
	return go && !ctl.stop.aborted ? 'ok' : 'stopped';
}
