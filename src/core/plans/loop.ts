// The steps of a run from its current one, one after another: each ended before the next becomes
// current; the run leaves off when Stop comes, the window goes away, or another window took it
// (its lease is no longer this window's: nothing more is sent or written here).
import { runDrillStep } from './drillStep';
import type { PlanPorts } from './planPorts';
import { runEnded } from './runStore';
import { runGroupStep, runPause, type StepControl, type StepDeps, type StepEnd } from './steps';
import { RUN_REASON, type StoredPlanRun } from './types';
import type { ActionTarget } from '../ports';

export interface LoopDeps extends StepDeps {
	ui: Pick<PlanPorts, 'prompt'>;
	/** The targets of the run's plan. */
	targets: readonly ActionTarget[];
}

/** How a run left off: the window closes (or lost the run), or it ended. */
export type RunOutcome = 'closing' | { state: 'ended' | 'halted' | 'stopped'; reason?: string; halt?: StoredPlanRun['halt'] };

export async function runSteps(deps: LoopDeps, runId: string, ctl: StepControl): Promise<RunOutcome> {
	const { runs } = deps;
	for (;;) {
		const run = runs.get(runId);
		if (!run || runEnded(run)) {
			return 'closing';
		}
		if (ctl.closing.aborted || !runs.holds(runId)) {
			return 'closing'; // the window goes away, or another window took the run
		}
		if (run.stopRequested || ctl.stop.aborted) {
			return { state: 'stopped', reason: RUN_REASON.stoppedByUser };
		}
		const i = run.current;
		if (i >= run.steps.length) {
			return { state: 'ended' };
		}
		const end = await runStep(deps, run, i, ctl);
		if (end === 'closing') {
			return 'closing';
		}
		if (end === 'halt') {
			return {
				state: 'halted',
				reason: run.mode === 'plannedFailover' ? `step ${i + 1} failed: a planned failover halts at the first failure` : `step ${i + 1} halted: a group is in flight in another job, batch or run`,
				halt: { step: i + 1, why: run.mode === 'plannedFailover' ? 'firstFailure' : 'inFlight' },
			};
		}
		if (end === 'haltUnknown') {
			return { state: 'halted', reason: `step ${i + 1} halted: the end of a group is not known (it may still be moving)`, halt: { step: i + 1, why: 'endUnknown' } };
		}
		if (end === 'stopped') {
			return { state: 'stopped', reason: RUN_REASON.stoppedByUser };
		}
		if (!runs.holds(runId)) {
			return 'closing';
		}
		// Only now, with the step ended, does the next one become current.
		await runs.patch(runId, { current: i + 1 });
	}
}

function runStep(deps: LoopDeps, run: StoredPlanRun, i: number, ctl: StepControl): Promise<StepEnd> {
	const step = run.steps[i];
	if (step.kind === 'groups') {
		return run.mode === 'drill' ? runDrillStep(deps, run.runId, i, deps.targets, ctl) : runGroupStep(deps, run.runId, i, run.mode, deps.targets, ctl);
	}
	return runPause(deps, deps.ui, run, i, ctl);
}
