// A DR drill started or deleted from start to end, with the same engine as a group action: the
// group (or drill) re-read live and checked, the user's answers, one request (never sent again), a
// lost answer reconciled from the group's drills, the job recorded, followed and reported once.
import { DRILL, drillDeletable } from './actions';
import { drillChecks, inFlightResult, type CheckResult } from './checks';
import type { DrillSpec, SdrsClient } from './client';
import { drillNameProblem } from './drills';
import { SdrsError, toSdrsError } from './errors';
import type { JobFollower } from './follower';
import type { Heartbeat } from './heartbeat';
import type { Drill, ProtectionGroup } from './model';
import type { ActionTarget, GroupRead } from './ports';
import { sendOnce } from './sendAction';
import type { RunResult, WorkflowDeps } from './workflow';

/** What the editor asks for a drill: its name and VPC (undefined: the user stopped), and the delete's confirmation. */
export interface DrillQuestions {
	/** The name and drill VPC (none: the service creates one); `group` as just read. */
	spec(group: ProtectionGroup): PromiseLike<Omit<DrillSpec, 'serverGroupId'> | undefined>;
}

export interface DrillEngine {
	deps: WorkflowDeps;
	follower: JobFollower;
	heartbeat: Heartbeat;
	announce(read: GroupRead): void;
}

function inFlightCheck(engine: DrillEngine, target: ActionTarget): CheckResult {
	const { store } = engine.deps;
	const jobId = store.runningJobFor(target.project.id, target.group.id);
	return inFlightResult({ jobId, inBatch: !jobId && store.queuedInBatch(target.project.id, target.group.id) });
}

/** The guard every drill request passes first: no job recorded or queued for the group, and a client. */
function precheck(engine: DrillEngine, target: ActionTarget): SdrsClient | undefined {
	const { store, ports } = engine.deps;
	const running = store.runningJobFor(target.project.id, target.group.id);
	if (running) {
		ports.notify({ kind: 'jobRunning', group: target.group, jobId: running });
		return undefined;
	}
	if (store.queuedInBatch(target.project.id, target.group.id)) {
		ports.notify({ kind: 'busy', group: target.group });
		return undefined;
	}
	const client = engine.deps.clientFor(target.profileId);
	if (!client) {
		throw new SdrsError('The profile of this protection group no longer exists; nothing was sent.', 'config');
	}
	return client;
}

/** Start DR Drill: the group re-read and checked, name and VPC asked, the POST sent once, the job followed. */
export async function startDrill(engine: DrillEngine, target: ActionTarget, questions: DrillQuestions): Promise<RunResult> {
	const { ports, log } = engine.deps;
	const client = precheck(engine, target);
	if (!client) {
		return { kind: 'refused' };
	}
	const { project } = target;
	const group = await ports.progress({ kind: 'checking', action: 'createDrill', group: target.group }, () => client.getGroup(project, target.group.id));
	engine.announce({ profileId: target.profileId, projectId: project.id, group });
	const jobId = engine.deps.store.runningJobFor(project.id, group.id);
	const checks = drillChecks(group, { jobId, inBatch: !jobId && engine.deps.store.queuedInBatch(project.id, group.id) });
	log.info(`Pre-flight for createDrill on ${group.id}: ${checks.map((c) => `${c.id}=${c.ok ? 'ok' : 'FAIL'}`).join(', ')}`);
	if (checks.some((c) => !c.ok)) {
		await ports.alert({ kind: 'preflightFailed', action: 'createDrill', group, checks });
		return { kind: 'refused' };
	}
	const spec = await questions.spec(group);
	if (!spec) {
		return { kind: 'cancelled' };
	}
	const problem = drillNameProblem(spec.name);
	if (problem) {
		throw new SdrsError(`The DR drill name “${spec.name}” is not valid (${problem}); nothing was sent.`, 'config');
	}
	if (inFlightCheck(engine, target).ok === false) {
		ports.notify({ kind: 'jobRunning', group });
		return { kind: 'refused' };
	}
	// Drills of that name already there are no evidence that this one was created.
	let priorIds: string[];
	try {
		priorIds = (await client.listDrills(project, group.id)).filter((d) => d.name === spec.name).map((d) => d.id);
	} catch (e) {
		await ports.alert({ kind: 'refused', action: 'createDrill', group, error: toSdrsError(e) });
		return { kind: 'failed' };
	}
	const sent = { profile: target.profileId, project, group, before: group, action: 'createDrill' as const, at: ports.clock.now(), drill: { name: spec.name, vpcId: spec.drillVpcId, priorIds } };
	return engine.follower.sendAndFollow(sent, () => sendOnce(() => client.createDrill(project, { serverGroupId: group.id, name: spec.name, drillVpcId: spec.drillVpcId })), ports);
}

/** Delete DR Drill: the drill re-read and checked, the user's confirmation, the DELETE sent once, the job followed. */
export async function deleteDrill(engine: DrillEngine, target: ActionTarget, drill: Drill, confirm: (group: ProtectionGroup, drill: Drill) => PromiseLike<boolean>): Promise<RunResult> {
	const { ports, log } = engine.deps;
	const client = precheck(engine, target);
	if (!client) {
		return { kind: 'refused' };
	}
	const { project } = target;
	let live: Drill;
	let group: ProtectionGroup;
	try {
		[live, group] = await ports.progress({ kind: 'checking', action: 'deleteDrill', group: target.group }, () =>
			Promise.all([client.getDrill(project, drill.id), client.getGroup(project, target.group.id)]),
		);
	} catch (e) {
		await ports.alert({ kind: 'refused', action: 'deleteDrill', group: target.group, error: toSdrsError(e) });
		return { kind: 'failed' };
	}
	engine.announce({ profileId: target.profileId, projectId: project.id, group });
	const ok = drillDeletable(live.status);
	const checks: CheckResult[] = [
		{
			id: 'status',
			ok,
			facts: { status: live.status, needs: DRILL.deletableFrom, ofDrill: true },
			detail: ok ? `the drill is ${live.status}` : `the drill is ${live.status}; deleting needs ${DRILL.deletableFrom.join(' or ')}`,
		},
		inFlightCheck(engine, target),
	];
	log.info(`Pre-flight for deleteDrill ${live.id} on ${group.id}: ${checks.map((c) => `${c.id}=${c.ok ? 'ok' : 'FAIL'}`).join(', ')}`);
	if (checks.some((c) => !c.ok)) {
		await ports.alert({ kind: 'preflightFailed', action: 'deleteDrill', group, checks });
		return { kind: 'refused' };
	}
	if (!(await confirm(group, live))) {
		return { kind: 'cancelled' };
	}
	if (inFlightCheck(engine, target).ok === false) {
		ports.notify({ kind: 'jobRunning', group });
		return { kind: 'refused' };
	}
	const sent = {
		profile: target.profileId,
		project,
		group,
		before: group,
		action: 'deleteDrill' as const,
		at: ports.clock.now(),
		drill: { name: live.name, id: live.id, vpcId: live.drillVpcId, status: live.status },
	};
	return engine.follower.sendAndFollow(sent, () => sendOnce(() => client.deleteDrill(project, live.id)), ports);
}
