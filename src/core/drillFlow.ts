// A DR drill started or deleted from start to end, with the same engine as a group action: the
// group (or drill) re-read live and checked, the user's answers, one request (never sent again), a
// lost answer reconciled from the group's drills, the job recorded, followed and reported once.
import { DRILL, drillDeletable } from './actions';
import { drillChecks, inFlightResult, type CheckResult } from './checks';
import type { DrillSpec, SdrsClient } from './client';
import { drillNameProblem } from './drills';
import { SdrsError, toSdrsError } from './errors';
import { RECONCILE_MS, type JobFollower } from './follower';
import type { Heartbeat } from './heartbeat';
import type { Drill, ProtectionGroup } from './model';
import type { ActionTarget, GroupRead } from './ports';
import { recordOf, type DrillRef, type Sent } from './records';
import { sendOnce, type StartResult } from './sendAction';
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

/**
 * Sends the request once with its job recorded first (follower.sendRecorded: a reload meanwhile
 * reconciles it from the group's drills), then follows the job (or, when the answer was lost, the drill).
 */
async function sendAndFollow(
	engine: DrillEngine,
	target: ActionTarget,
	group: ProtectionGroup,
	kind: 'createDrill' | 'deleteDrill',
	drill: DrillRef,
	send: () => Promise<StartResult>,
): Promise<RunResult> {
	const { log, ports } = engine.deps;
	const reconcileMs = engine.deps.reconcileMs ?? RECONCILE_MS;
	const sent: Sent = { profile: target.profileId, project: target.project, group, before: group, action: kind, at: ports.clock.now(), drill };
	const sending = await engine.follower.sendRecorded(recordOf(sent, reconcileMs), send, (r) =>
		r.kind === 'refused' ? undefined : recordOf({ ...sent, lostAt: ports.clock.now(), jobId: r.kind === 'started' ? r.jobId : undefined }, reconcileMs),
	);
	if (sending === 'closed') {
		return { kind: 'failed' }; // the window goes away: the window that takes the job up finds out
	}
	if (sending === 'conflict') {
		ports.notify({ kind: 'jobRunning', group });
		return { kind: 'refused' };
	}
	const { result, job } = sending;
	if (result.kind === 'refused') {
		log.error(`${kind} on ${group.id} refused: ${result.error.toString()}`);
		await ports.alert({ kind: 'refused', action: kind, group, error: result.error });
		return { kind: 'failed' };
	}
	if (!job) {
		return { kind: 'failed' }; // not reached: every answer but a refusal is recorded
	}
	if (result.kind === 'unanswered') {
		log.warn(`${kind} on ${group.id}: no answer (${result.error.toString()}); not sent again; reading the group's drills to find out whether it was applied.`);
		ports.notify({ kind: 'noAnswer', action: kind, group, error: result.error, windowMs: reconcileMs });
	} else {
		log.info(`Started ${kind} on ${group.id} (drill “${drill.name}”): job ${result.jobId}`);
	}
	engine.heartbeat.start();
	return { kind: 'started', job, followed: engine.follower.follow(job, job.startedAt, ports) };
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
	return sendAndFollow(engine, target, group, 'createDrill', { name: spec.name, vpcId: spec.drillVpcId, priorIds }, () =>
		sendOnce(() => client.createDrill(project, { serverGroupId: group.id, name: spec.name, drillVpcId: spec.drillVpcId })),
	);
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
	return sendAndFollow(engine, target, group, 'deleteDrill', { name: live.name, id: live.id, vpcId: live.drillVpcId, status: live.status }, () => sendOnce(() => client.deleteDrill(project, live.id)));
}
