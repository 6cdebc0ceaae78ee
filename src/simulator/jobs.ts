// Jobs of the simulated SDRS: INIT → RUNNING → SUCCESS/FAIL on the clock, what they change when
// they end (rules.ts for groups, drills.ts for drills), the Task Center record a failure leaves,
// and the job detail as GET /v1/{project_id}/jobs/{job_id} answers it.
import { ACTION_RULES, type ActionKey } from './rules';
import { hexId, uuidFrom, type SimGroup } from './seed';
import type { SimState } from './state';
import { sdrsError } from './wire';

export interface SimJob {
	id: string;
	projectId: string;
	groupId: string;
	type: string;
	createdAt: number;
	durationMs: number;
	outcome: 'success' | 'fail';
	settled: boolean;
	/** A group action's rule; absent for drill jobs. */
	action?: ActionKey;
	/** Drill jobs: the drill, and why the job fails (the code behind SDRS.1922 / 1923). */
	drillId?: string;
	failDetail?: string;
}

export function jobStatus(sim: SimState, j: SimJob): string {
	const elapsed = sim.now() - j.createdAt;
	if (elapsed < Math.min(300, j.durationMs / 10)) {
		return 'INIT';
	}
	if (elapsed < j.durationMs) {
		return 'RUNNING';
	}
	return j.outcome === 'fail' ? 'FAIL' : 'SUCCESS';
}

/** The job's error_code and fail_reason on FAIL. */
function failure(j: SimJob): { code: string; reason: string } {
	if (j.action) {
		return { code: ACTION_RULES[j.action].failCode, reason: ACTION_RULES[j.action].failReason };
	}
	const create = j.type === 'createDisasterRecoveryDrill';
	return { code: create ? 'SDRS.1922' : 'SDRS.1923', reason: `${create ? 'Failed to create the DR drill' : 'Failed to delete the DR drill'}${j.failDetail ? `: ${j.failDetail}` : '.'}` };
}

const iso = (t: number): string => new Date(t).toISOString().replace('Z', '+0000');

/** Applies the transitions of finished jobs, and the progress of running group jobs. */
export function settleJobs(sim: SimState): void {
	for (const j of sim.jobs.values()) {
		if (j.settled) {
			continue;
		}
		const g = sim.data.groups.find((x) => x.id === j.groupId);
		const status = jobStatus(sim, j);
		if (!g) {
			continue;
		}
		if (status !== 'SUCCESS' && status !== 'FAIL') {
			if (j.action) {
				g.progress = Math.min(99, Math.floor(((sim.now() - j.createdAt) / j.durationMs) * 100));
			}
			continue;
		}
		j.settled = true;
		const endedAt = new Date(j.createdAt + j.durationMs).toISOString();
		if (j.action) {
			endGroupJob(g, ACTION_RULES[j.action], status === 'SUCCESS', endedAt);
		} else {
			endDrillJob(sim, g, j, status === 'SUCCESS', endedAt);
		}
		if (status === 'FAIL') {
			recordFailure(sim, g, j);
		}
	}
}

function endGroupJob(g: SimGroup, rule: (typeof ACTION_RULES)[ActionKey], ok: boolean, endedAt: string): void {
	g.status = ok ? rule.success : rule.failure;
	// Protected means synchronised; after a stop or a failover replication has stopped.
	g.progress = ok && rule.success === 'protected' ? 100 : 0;
	if (ok && rule.flips) {
		g.priority_station = g.priority_station === 'source' ? 'target' : 'source';
		// The old production disks are no longer read: their fault no longer blocks anything.
		g.faultLevels = undefined;
	}
	g.updated_at = endedAt;
}

function endDrillJob(sim: SimState, g: SimGroup, j: SimJob, ok: boolean, endedAt: string): void {
	const d = sim.data.drills.find((x) => x.id === j.drillId);
	if (!d) {
		return;
	}
	const at = endedAt.replace('T', ' ').replace('Z', '');
	d.updated_at = at;
	if (j.type === 'createDisasterRecoveryDrill') {
		d.status = ok ? 'available' : 'error';
		if (!ok) {
			// The drill servers built so far are removed again.
			const gone = new Set(d.drill_servers.map((s) => s.drill_server_id));
			sim.data.servers = sim.data.servers.filter((s) => !gone.has(s.id));
			d.drill_servers = [];
		}
		return;
	}
	if (!ok) {
		d.status = 'error-deleting';
		d.failDelete = undefined;
		return;
	}
	// Deleted with its servers (and their disks and NICs); the drill VPC stays.
	const gone = new Set(d.drill_servers.map((s) => s.drill_server_id));
	sim.data.servers = sim.data.servers.filter((s) => !gone.has(s.id));
	sim.data.drills = sim.data.drills.filter((x) => x.id !== d.id);
	g.disaster_recovery_drill_num = sim.data.drills.filter((x) => x.groupId === g.id).length;
}

/** A failed job leaves a Task Center record (until it is deleted there). */
function recordFailure(sim: SimState, g: SimGroup, j: SimJob): void {
	const { code, reason } = failure(j);
	const drill = j.drillId ? sim.data.drills.find((x) => x.id === j.drillId) : undefined;
	sim.data.failureJobs.push({
		projectId: j.projectId,
		serverGroupId: g.id,
		job_id: j.id,
		job_type: j.type,
		job_status: 'FAIL',
		failure_status: j.action ? ACTION_RULES[j.action].failureStatus : j.type === 'createDisasterRecoveryDrill' ? 'createFail' : 'deleteFail',
		resource_id: drill?.id ?? g.id,
		resource_name: drill?.name ?? g.name,
		resource_type: j.action ? 'server_groups' : 'disaster_recovery_drills',
		error_code: code,
		fail_reason: reason,
		begin_time: new Date(j.createdAt).toISOString(),
	});
}

export function jobView(sim: SimState, projectId: string, jobId: string): unknown {
	const j = sim.jobs.get(jobId);
	if (!j || j.projectId !== projectId) {
		throw sdrsError(400, 'SDRS.0401', 'The job does not exist.', 'itemNotFound');
	}
	const status = jobStatus(sim, j);
	const done = status === 'SUCCESS' || status === 'FAIL';
	const failed = status === 'FAIL';
	const { code, reason } = failure(j);
	const head = {
		status,
		job_id: j.id,
		job_type: j.type,
		begin_time: iso(j.createdAt),
		end_time: done ? iso(j.createdAt + j.durationMs) : '',
		error_code: failed ? code : null,
		fail_reason: failed ? reason : null,
	};
	if (!j.action) {
		return { ...head, entities: { server_group_id: j.groupId, disaster_recovery_drill_id: j.drillId, sub_jobs: [] } };
	}
	const rule = ACTION_RULES[j.action];
	const sub = (n: number, subFailed: boolean): unknown => ({
		status: subFailed ? 'FAIL' : done ? 'SUCCESS' : status,
		job_id: hexId(`${j.id}:sub:${n}`),
		job_type: rule.subJobType,
		begin_time: iso(j.createdAt),
		end_time: done ? iso(j.createdAt + j.durationMs) : '',
		error_code: subFailed ? code : null,
		fail_reason: subFailed ? 'Replication pair sync failed: the storage link to the DR site is unavailable (simulated).' : null,
		entities: { server_group_id: j.groupId, replication_pair_id: uuidFrom(`rep:${j.groupId}:${n}`) },
	});
	return { ...head, entities: { server_group_id: j.groupId, sub_jobs: [sub(0, failed), sub(1, false)] } };
}
