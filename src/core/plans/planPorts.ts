// How a plan's run reaches the editor (or a test, or the chaos run): the refusal, the typed
// confirmation with the plan shown in full, prompts, one progress, its end, and a run found
// interrupted after a reload. The UI words each; the engine only says what happened.
import type { PlanCheck } from './prepare';
import type { PlanMode, ResolvedPlan, StoredPlanRun } from './types';

/** How a run reaches the editor: the refusal, the confirmation, prompts, one progress, its end. */
export interface PlanPorts {
	/** The plan may not run (each failing group with its check is in `check`). */
	refused(r: { plan: ResolvedPlan; mode: PlanMode; check: PlanCheck }): PromiseLike<void>;
	/** The plan's groups in full by step with their checks, then `typed` typed: true to run. */
	confirm(q: { plan: ResolvedPlan; mode: PlanMode; check: PlanCheck; typed: string }): PromiseLike<boolean>;
	/** A prompt step: true to continue, false to stop the run. The run is paused meanwhile. */
	prompt(q: { run: StoredPlanRun; step: number; text: string }): PromiseLike<boolean>;
	/** One progress for the whole run (its record read on each report), with Stop. */
	progress<T>(what: { runId: string; run(): StoredPlanRun | undefined; stop(): void }, task: (report: () => void) => Promise<T>): PromiseLike<T>;
	/** The run ended (ended, halted or stopped): reported once. */
	ended(run: StoredPlanRun): void;
	/** After a reload, a run found unfinished is paused: Continue, Show Report or Abandon. */
	interrupted(run: StoredPlanRun): void;
}
