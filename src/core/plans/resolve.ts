// A parsed plan matched against what the user's profiles see: the profile by its name (or the
// default), the project by name or id, and every group by id or name, read from the service. An
// unknown or ambiguous name is a problem at its place in the file, found before anything runs.
import { toSdrsError } from '../errors';
import type { Project, ProtectionGroup } from '../model';
import { parsePlan, problem } from './parse';
import type { Plan, PlanProblem, ResolvedPlan, ResolvedStep } from './types';

/** What a plan is resolved against: the user's profiles and what they see. */
export interface PlanDirectory {
	profiles(): { id: string; name: string }[];
	defaultProfileId(): string | undefined;
	projects(profileId: string, signal?: AbortSignal): Promise<Project[]>;
	groups(profileId: string, project: Project, signal?: AbortSignal): Promise<ProtectionGroup[]>;
}

export interface Resolution {
	resolved?: ResolvedPlan;
	problems: PlanProblem[];
}

/** Finds the plan's profile, project and groups; every name not found is a problem where it is written. */
export async function resolvePlan(plan: Plan, source: string, dir: PlanDirectory, signal?: AbortSignal): Promise<Resolution> {
	const problems: PlanProblem[] = [];
	const profiles = dir.profiles();
	const profileId = plan.profile ? profiles.find((p) => p.name === plan.profile!.value)?.id : dir.defaultProfileId();
	if (!profileId) {
		const at = plan.profile?.span ?? plan.project.span;
		return { problems: [problem('unknownProfile', at, { name: plan.profile?.value ?? '(default)' })] };
	}
	let projects: Project[];
	try {
		projects = await dir.projects(profileId, signal);
	} catch (e) {
		return { problems: [problem('unreadable', plan.project.span, { what: 'projects', detail: toSdrsError(e).message }, 'warning')] };
	}
	const wanted = plan.project.value;
	const project = projects.find((p) => p.id === wanted) ?? projects.find((p) => p.name === wanted);
	if (!project) {
		return { problems: [problem('unknownProject', plan.project.span, { name: wanted })] };
	}
	let groups: ProtectionGroup[];
	try {
		groups = await dir.groups(profileId, project, signal);
	} catch (e) {
		return { problems: [problem('unreadable', plan.project.span, { what: 'groups', detail: toSdrsError(e).message }, 'warning')] };
	}
	const byId = new Map(groups.map((g) => [g.id, g]));
	const byName = new Map<string, ProtectionGroup[]>();
	for (const g of groups) {
		byName.set(g.name, [...(byName.get(g.name) ?? []), g]);
	}
	const placed = new Map<string, number>();
	const steps: ResolvedStep[] = plan.steps.map((step, i): ResolvedStep => {
		if (step.kind !== 'groups') {
			return step.kind === 'wait'
				? { kind: 'wait', seconds: step.seconds, ...(step.label ? { label: step.label } : {}) }
				: { kind: 'prompt', text: step.text, ...(step.label ? { label: step.label } : {}) };
		}
		const targets = [];
		for (const named of step.groups) {
			const named_ = byName.get(named.value) ?? [];
			const group = byId.get(named.value) ?? (named_.length === 1 ? named_[0] : undefined);
			if (!group) {
				problems.push(
					named_.length > 1
						? problem('ambiguousGroup', named.span, { name: named.value, count: named_.length, project: project.name })
						: problem('unknownGroup', named.span, { name: named.value, project: project.name }),
				);
				continue;
			}
			const earlier = placed.get(group.id);
			if (earlier !== undefined) {
				problems.push(problem('duplicateGroup', named.span, { name: named.value, step: earlier }));
				continue;
			}
			placed.set(group.id, i + 1);
			targets.push({ profileId, project, group });
		}
		return { kind: 'groups', ...(step.label ? { label: step.label } : {}), targets };
	});
	if (problems.length) {
		return { problems };
	}
	return { resolved: { name: plan.name, source, profileId, project, steps }, problems };
}

/** Parses and resolves a plan file's text: the plan, or every problem found. */
export async function loadPlan(text: string, source: string, dir: PlanDirectory, signal?: AbortSignal): Promise<Resolution> {
	const parsed = parsePlan(text);
	if (!parsed.plan) {
		return { problems: parsed.problems };
	}
	const r = await resolvePlan(parsed.plan, source, dir, signal);
	return { ...r, problems: [...parsed.problems, ...r.problems] };
}
