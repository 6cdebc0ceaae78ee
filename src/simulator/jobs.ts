// Jobs of the simulated SDRS: INIT → RUNNING → SUCCESS/FAIL on the clock, the group transitions
// they cause, and the job detail as GET /v1/{project_id}/jobs/{job_id} answers it.
import { hexId, uuidFrom } from './seed';
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

/** Applies the group transitions of finished jobs, and progress of running ones. */
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
		if (status === 'SUCCESS' || status === 'FAIL') {
			j.settled = true;
			const enable = j.type.startsWith('start');
			g.status = status === 'SUCCESS' ? 'protected' : enable ? 'error-starting' : 'error-reprotecting';
			g.progress = status === 'SUCCESS' ? 100 : 0;
			g.updated_at = new Date(j.createdAt + j.durationMs).toISOString();
		} else {
			g.progress = Math.min(99, Math.floor(((sim.now() - j.createdAt) / j.durationMs) * 100));
		}
	}
}

export function jobView(sim: SimState, projectId: string, jobId: string): unknown {
	const j = sim.jobs.get(jobId);
	if (!j || j.projectId !== projectId) {
		throw sdrsError(400, 'SDRS.0401', 'The job does not exist.', 'itemNotFound');
	}
	const status = jobStatus(sim, j);
	const iso = (t: number): string => new Date(t).toISOString().replace('Z', '+0000');
	const done = status === 'SUCCESS' || status === 'FAIL';
	const enable = j.type.startsWith('start');
	const failCode = enable ? 'SDRS.1027' : 'SDRS.1032';
	const sub = (n: number, failed: boolean): unknown => ({
		status: failed ? 'FAIL' : done ? 'SUCCESS' : status,
		job_id: hexId(`${j.id}:sub:${n}`),
		job_type: enable ? 'startProtectionGroupRepNoCG' : 'reprotectProtectionGroupRepNoCG',
		begin_time: iso(j.createdAt),
		end_time: done ? iso(j.createdAt + j.durationMs) : '',
		error_code: failed ? failCode : null,
		fail_reason: failed ? 'Replication pair sync failed: the storage link to the DR site is unavailable (simulated).' : null,
		entities: { server_group_id: j.groupId, replication_pair_id: uuidFrom(`rep:${j.groupId}:${n}`) },
	});
	const failed = status === 'FAIL';
	return {
		status,
		job_id: j.id,
		job_type: j.type,
		begin_time: iso(j.createdAt),
		end_time: done ? iso(j.createdAt + j.durationMs) : '',
		error_code: failed ? failCode : null,
		fail_reason: failed ? (enable ? 'Failed to enable protection.' : 'Failed to enable protection again.') : null,
		entities: { server_group_id: j.groupId, sub_jobs: [sub(0, failed), sub(1, false)] },
	};
}

