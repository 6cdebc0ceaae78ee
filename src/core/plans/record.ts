// A plan's run as recorded before anything is sent (from the plan and what its checks found), and
// back: its groups as targets, rebuilt from the record after a reload.
import { randomUUID } from 'node:crypto';
import type { ProtectionGroup } from '../model';
import type { ActionTarget } from '../ports';
import { LEASE_MS, projectOf, type StoredJob } from '../records';
import { skippedEnd, type PlanCheck } from './prepare';
import { runEnded } from './runStore';
import type { GroupEnd, PlanMode, ResolvedPlan, RunStep, StoredPlanRun } from './types';

/** The record of a run just confirmed: every step pending, ineligible groups skipped with why, held by this window. */
export function newRunRecord(plan: ResolvedPlan, mode: PlanMode, check: PlanCheck, now: number, owner: string): StoredPlanRun {
	const steps: RunStep[] = plan.steps.map((s, i) => {
		if (s.kind !== 'groups') {
			return { kind: s.kind, label: s.label, state: 'pending', ...(s.kind === 'wait' ? { seconds: s.seconds } : { text: s.text }) };
		}
		return {
			kind: 'groups',
			label: s.label,
			state: 'pending',
			groups: (check.steps[i] ?? []).map((e) => ({
				projectId: e.target.project.id,
				groupId: e.group.id,
				groupName: e.group.name,
				before: { status: e.group.status, priorityStation: e.group.priorityStation, updatedAt: e.group.updatedAt },
				...(e.eligible ? {} : skippedEnd(e)),
			})),
		};
	});
	const run: StoredPlanRun = {
		runId: `plan-${randomUUID()}`,
		planName: plan.name,
		source: plan.source,
		mode,
		profile: plan.profileId,
		projectId: plan.project.id,
		projectName: plan.project.name,
		region: plan.project.region,
		account: plan.project.domainId,
		confirmedAt: now,
		steps,
		current: 0,
		state: 'running',
		lease: { owner, until: now + LEASE_MS },
	};
	return run;
}

/** A run's groups as targets, from its record (the checks read each again before a POST). */
export function targetsOf(run: StoredPlanRun): ActionTarget[] {
	const project = projectOf({ projectId: run.projectId, projectName: run.projectName, region: run.region, account: run.account });
	return run.steps.flatMap((s) =>
		(s.groups ?? []).map((g) => ({
			profileId: run.profile,
			project,
			group: { id: g.groupId, name: g.groupName, status: g.before?.status ?? '', priorityStation: g.before?.priorityStation, updatedAt: g.before?.updatedAt } as ProtectionGroup,
		})),
	);
}

/** A group's end from its job's outcome (no job, or none yet: not followed). */
export const groupEndOf = (job: Pick<StoredJob, 'outcome'> | undefined): GroupEnd =>
	job?.outcome === 'SUCCESS' ? 'succeeded' : job?.outcome === 'FAIL' ? 'failed' : job?.outcome === 'NOT_APPLIED' ? 'notApplied' : 'notFollowed';

/** An unfinished run that has any of the plan's groups (one run at a time per group). */
export function overlappingRun(all: readonly StoredPlanRun[], plan: ResolvedPlan): StoredPlanRun | undefined {
	const mine = new Set(plan.steps.flatMap((st) => (st.kind === 'groups' ? st.targets.map((t) => `${t.project.id}/${t.group.id}`) : [])));
	return all.find((r) => !runEnded(r) && r.steps.some((st) => st.groups?.some((g) => mine.has(`${g.projectId}/${g.groupId}`))));
}
