// Check Plan (issue 23): a resolved plan's readiness, read and never sent. For each step and each
// of its groups: the group as read now, the actions its status allows (allowedActions, the tree's
// rule), and for each mode a plan runs in whether the group would go and, if not, what blocks it
// (the same pre-flight checks a run makes: runPreflight re-reads the group live; a DR drill needs
// the statuses of the drill row and nothing in flight). Only GETs: the plan is hostile input and
// checking it is allowed in a restricted workspace.
import { allowedActions, drillAllowed, type ActionKind, type BlockReason } from '../actions';
import { drillChecks, runPreflight, type CheckResult, type InFlight } from '../checks';
import type { SdrsClient } from '../client';
import { SdrsError, toSdrsError } from '../errors';
import type { ProtectionGroup } from '../model';
import type { ActionTarget } from '../ports';
import { Semaphore } from '../semaphore';
import type { PlanMode, ResolvedPlan, ResolvedStep } from './types';

/** The modes a plan is checked for, in the order the report shows them. */
export const CHECK_MODES: readonly PlanMode[] = ['plannedFailover', 'failover', 'enableAgain', 'drill'];

export interface CheckPlanDeps {
	clientFor(profileId: string): SdrsClient | undefined;
	/** What the extension has in flight for a group (a job of ours, a place in an unfinished batch). */
	inFlight(projectId: string, groupId: string): InFlight;
	/** How many groups are read at once (each is a few GETs per mode); default 4. */
	concurrency?: number;
	clock?: () => number;
}

/** Whether one group would go in one mode, and the checks that say why (or why not). */
export interface ModeReadiness {
	mode: PlanMode;
	ok: boolean;
	checks: CheckResult[];
	/** The checks could not run (the group could not be read). */
	error?: SdrsError;
}

export interface GroupReadiness {
	target: ActionTarget;
	/** The group as read now (the resolved one when it could not be read). */
	group: ProtectionGroup;
	/** The group could not be read: every mode is blocked by this. */
	error?: SdrsError;
	/** The actions its status allows now (the tree's menus), and why none when none. */
	allowed: ActionKind[];
	blocked?: BlockReason;
	/** A DR drill may be started now. */
	drillAllowed: boolean;
	modes: ModeReadiness[];
}

export type StepReadiness = { kind: 'groups'; label?: string; groups: GroupReadiness[] } | { kind: 'wait'; label?: string; seconds: number } | { kind: 'prompt'; label?: string; text: string };

/** A mode over the whole plan: it would go when every group of every step would. */
export interface ModeSummary {
	mode: PlanMode;
	ready: boolean;
	/** Groups that would go, and all groups of the plan. */
	goes: number;
	total: number;
}

export interface PlanReadiness {
	plan: ResolvedPlan;
	checkedAt: number;
	steps: StepReadiness[];
	modes: ModeSummary[];
}

/** Reads every group of the plan and runs every mode's checks; sends nothing. */
export async function checkPlan(deps: CheckPlanDeps, plan: ResolvedPlan, signal?: AbortSignal): Promise<PlanReadiness> {
	const sem = new Semaphore(Math.max(1, deps.concurrency ?? 4));
	const readGroup = async (target: ActionTarget): Promise<GroupReadiness> => {
		await sem.acquire();
		try {
			return await checkGroup(deps, target, signal);
		} finally {
			sem.release();
		}
	};
	const steps = await Promise.all(
		plan.steps.map(async (step: ResolvedStep): Promise<StepReadiness> =>
			step.kind === 'groups' ? { kind: 'groups', label: step.label, groups: await Promise.all(step.targets.map(readGroup)) } : step,
		),
	);
	const all = steps.flatMap((s) => (s.kind === 'groups' ? s.groups : []));
	const modes = CHECK_MODES.map((mode): ModeSummary => {
		const goes = all.filter((g) => g.modes.find((m) => m.mode === mode)?.ok).length;
		return { mode, ready: all.length > 0 && goes === all.length, goes, total: all.length };
	});
	return { plan, checkedAt: (deps.clock ?? Date.now)(), steps, modes };
}

async function checkGroup(deps: CheckPlanDeps, target: ActionTarget, signal?: AbortSignal): Promise<GroupReadiness> {
	const blockedBy = (error: SdrsError): GroupReadiness => ({
		target,
		group: target.group,
		error,
		allowed: [],
		drillAllowed: false,
		modes: CHECK_MODES.map((mode) => ({ mode, ok: false, checks: [], error })),
	});
	if (signal?.aborted) {
		throw new SdrsError('Stopped checking', 'aborted');
	}
	const client = deps.clientFor(target.profileId);
	if (!client) {
		return blockedBy(new SdrsError('The profile of the plan no longer exists.', 'config'));
	}
	const inFlight = deps.inFlight(target.project.id, target.group.id);
	const modes: ModeReadiness[] = [];
	let group: ProtectionGroup | undefined;
	for (const mode of CHECK_MODES) {
		if (mode === 'drill') {
			continue;
		}
		try {
			const p = await runPreflight(client, target.project, target.group.id, mode, inFlight, signal);
			group = p.group;
			modes.push({ mode, ok: p.ok, checks: p.checks });
		} catch (e) {
			const error = toSdrsError(e);
			if (error.kind === 'aborted' || signal?.aborted) {
				throw error;
			}
			if (!group) {
				// The first read failed: nothing of this group can be said (not "blocked by its status").
				return blockedBy(error);
			}
			modes.push({ mode, ok: false, checks: [], error });
		}
	}
	const now = group ?? target.group;
	const checks = drillChecks(now, inFlight);
	modes.push({ mode: 'drill', ok: checks.every((c) => c.ok), checks });
	const { actions, blocked } = allowedActions(now, inFlight.jobId);
	return { target, group: now, allowed: actions, blocked, drillAllowed: drillAllowed(now, inFlight.jobId) && !inFlight.inBatch, modes };
}
