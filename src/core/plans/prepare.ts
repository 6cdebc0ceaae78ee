// Before a plan's first POST: every group's pre-flight checks, step by step, with the mode's action
// (a rehearsal: the DR drill's rule), and what the run may do with what they found. A Planned
// Failover is refused as a whole when any group fails a check; the other modes skip the groups that
// fail (each named, with its check) and are refused only when no group is left.
import type { ActionKind } from '../actions';
import type { BatchDeps } from '../batch/deps';
import { planBatch, type PlanEntry } from '../batch/plan';
import { drillChecks } from '../checks';
import { SdrsError, toSdrsError } from '../errors';
import type { ActionTarget } from '../ports';
import { Semaphore } from '../semaphore';
import type { PlanMode, ResolvedPlan, SkippedBy } from './types';

export type CheckDeps = Pick<BatchDeps, 'store' | 'clientFor' | 'announce' | 'maxConcurrentRequests'>;

/** What the pre-flight checks found for a plan: per step, each group (undefined for a wait or a prompt). */
export interface PlanCheck {
	mode: PlanMode;
	steps: (PlanEntry[] | undefined)[];
	/** Groups that may be sent. */
	eligible: number;
	/** Groups a check refused (each with its failing checks). */
	ineligible: PlanEntry[];
	/** Why the run may not start: a planned failover with a group that fails a check, no group left, or another run has its groups. */
	refusal?: 'planRefused' | 'noneEligible' | 'otherRun';
	/** otherRun: the plan name of the unfinished run that has some of the same groups. */
	otherRun?: string;
}

/** The action a mode sends for each group (a rehearsal: none; its drills have their own rule). */
export const modeAction = (mode: PlanMode): ActionKind | undefined => (mode === 'drill' ? undefined : mode);

/** A DR drill's pre-flight: the group read again, a status that takes a drill, nothing in flight. */
async function drillEntries(deps: CheckDeps, targets: readonly ActionTarget[], onChecked?: () => void, signal?: AbortSignal): Promise<PlanEntry[]> {
	const sem = new Semaphore(Math.max(1, Math.min(4, deps.maxConcurrentRequests?.() ?? 4)));
	return Promise.all(
		targets.map(async (target): Promise<PlanEntry> => {
			await sem.acquire();
			try {
				if (signal?.aborted) {
					throw new SdrsError('Stopped waiting', 'aborted');
				}
				const client = deps.clientFor(target.profileId);
				if (!client) {
					throw new SdrsError('The profile of this protection group no longer exists.', 'config');
				}
				const group = await client.getGroup(target.project, target.group.id, signal);
				deps.announce({ profileId: target.profileId, projectId: target.project.id, group });
				const jobId = deps.store.runningJobFor(target.project.id, group.id);
				const checks = drillChecks(group, { jobId, inBatch: !jobId && deps.store.queuedInBatch(target.project.id, group.id) });
				return { target: { ...target, group }, group, eligible: checks.every((c) => c.ok), checks };
			} catch (e) {
				return { target, group: target.group, eligible: false, checks: [], error: toSdrsError(e) };
			} finally {
				sem.release();
				onChecked?.();
			}
		}),
	);
}

/** The pre-flight checks of one group step (the mode's action, or a drill's). */
export function checkStep(deps: CheckDeps, mode: PlanMode, targets: readonly ActionTarget[], onChecked?: () => void, signal?: AbortSignal): Promise<PlanEntry[]> {
	const action = modeAction(mode);
	return action ? planBatch(deps, targets, action, onChecked, signal) : drillEntries(deps, targets, onChecked, signal);
}

/** Every group's pre-flight checks, step by step; nothing is sent. */
export async function checkPlan(deps: CheckDeps, plan: ResolvedPlan, mode: PlanMode, onChecked?: (done: number, total: number) => void, signal?: AbortSignal): Promise<PlanCheck> {
	const total = plan.steps.reduce((n, s) => n + (s.kind === 'groups' ? s.targets.length : 0), 0);
	let done = 0;
	const steps: (PlanEntry[] | undefined)[] = [];
	for (const step of plan.steps) {
		steps.push(step.kind === 'groups' ? await checkStep(deps, mode, step.targets, () => onChecked?.(++done, total), signal) : undefined);
	}
	const all = steps.flatMap((s) => s ?? []);
	const ineligible = all.filter((e) => !e.eligible);
	const eligible = all.length - ineligible.length;
	const refusal = mode === 'plannedFailover' && ineligible.length ? 'planRefused' : eligible === 0 ? 'noneEligible' : undefined;
	return { mode, steps, eligible, ineligible, ...(refusal ? { refusal } : {}) };
}

/** Why a group's checks refused it, in English for the log and the run's record. */
/** The same as facts for the report (words in the user's language). */
export function skippedBy(e: PlanEntry): SkippedBy {
	if (e.error) {
		return { readError: e.error.message };
	}
	if (e.overLimit) {
		return { overLimit: true };
	}
	return { checks: e.checks.filter((c) => !c.ok) };
}

/** A group that is not sent: skipped, with why in English (the log) and as facts (the report). */
export const skippedEnd = (e: PlanEntry): { end: 'skipped'; skipped: string; skippedBy: SkippedBy } => ({ end: 'skipped', skipped: whyIneligible(e), skippedBy: skippedBy(e) });

export function whyIneligible(e: PlanEntry): string {
	if (e.error) {
		return `could not be checked: ${e.error.message}`;
	}
	if (e.overLimit) {
		return 'past the most groups one batch sends';
	}
	return e.checks
		.filter((c) => !c.ok)
		.map((c) => `${c.id}: ${c.detail}`)
		.join('; ');
}

/** What the user types to confirm: a Failover plan's name (the most dangerous), else the number of groups. */
export function typedConfirmation(plan: ResolvedPlan, mode: PlanMode, check: PlanCheck): string {
	return mode === 'failover' ? plan.name : String(check.eligible);
}
