// The SDRS, ECS and VPC calls, with the documented parameters, preconditions and error codes (IAM,
// and the caller's account, are checked first in iamRoutes.ts): lists and reads here; group
// actions in groupActions.ts, drills in drills.ts, the Task Center in taskCenter.ts, VPCs in vpcs.ts.
import { parseQuery } from '../core/signer';
import { drillRoutes } from './drills';
import { action, faultLevel } from './groupActions';
import { jobView, settleJobs } from './jobs';
import { hexId, uuidFrom, type SeedData, type SimGroup } from './seed';
import type { SimState } from './state';
import { taskCenterRoutes } from './taskCenter';
import { listVpcs } from './vpcs';
import { HttpError, sdrsError } from './wire';

const NOT_FOUND = (): HttpError => new HttpError(404, { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published in the environment' });
const GROUP_STATUSES = new Set([
	'creating',
	'available',
	'protected',
	'deleting',
	'error-deleting',
	'error',
	'starting',
	'error-starting',
	'reprotecting',
	'error-reprotecting',
	'stopping',
	'error-stopping',
	'reversing',
	'error-reversing',
	'failing-over',
	'failed-over',
	'error-failing-over',
]);

export function route(sim: SimState, method: string, path: string, search: string, body: Buffer): unknown {
	const seg = path.split('/').map((s) => {
		try {
			return decodeURIComponent(s);
		} catch {
			return s;
		}
	});
	const query = new Map<string, string>(parseQuery(search));
	if (seg[1] !== 'v1' || seg.length < 4) {
		throw NOT_FOUND();
	}
	const projectId = seg[2];
	if (!sim.data.projects.some((p) => p.id === projectId)) {
		throw sdrsError(400, 'SDRS.0001', 'Invalid tenant ID.');
	}
	settleJobs(sim);
	const resource = seg.slice(3).join('/');
	if (method === 'GET' && resource === 'server-groups') {
		return listGroups(sim, projectId, query, search);
	}
	if (seg[3] === 'server-groups' && seg.length === 5 && method === 'GET') {
		return { server_group: groupView(requireGroup(sim, projectId, seg[4])) };
	}
	if (seg[3] === 'server-groups' && seg.length === 6 && seg[5] === 'action' && method === 'POST') {
		return action(sim, projectId, seg[4], body);
	}
	if (seg[3] === 'jobs' && seg.length === 5 && method === 'GET') {
		return jobView(sim, projectId, seg[4]);
	}
	if (method === 'GET' && resource === 'protected-instances') {
		const gid = query.get('server_group_id');
		const items = sim.data.instances.filter((i) => (!gid || i.groupId === gid) && sim.data.groups.some((g) => g.id === i.groupId && g.projectId === projectId));
		return { protected_instances: pageOf(sim, query, items).map((i) => instanceView(sim, i)), count: items.length };
	}
	if (method === 'GET' && resource === 'replications') {
		const gid = query.get('server_group_id');
		const groups = sim.data.groups.filter((g) => g.projectId === projectId && (!gid || g.id === gid));
		const reps = groups.flatMap((g) => Array.from({ length: g.replication_num }, (_, n) => replicationView(sim, g, n)));
		return { replications: pageOf(sim, query, reps), count: reps.length };
	}
	if (seg[3] === 'disaster-recovery-drills') {
		const answer = drillRoutes(sim, method, projectId, seg, query, body, (q, items) => pageOf(sim, q, items));
		if (answer !== undefined) {
			return answer;
		}
	}
	if (seg[3] === 'task-center') {
		const answer = taskCenterRoutes(sim, method, projectId, seg.slice(3), query, (q, items) => pageOf(sim, q, items));
		if (answer !== undefined) {
			return answer;
		}
	}
	if (method === 'GET' && resource === 'vpcs') {
		return listVpcs(sim, projectId, query);
	}
	if (method === 'GET' && resource === 'cloudservers/detail') {
		const ids = new Set((query.get('server_id') ?? '').split(',').filter(Boolean));
		const servers = sim.data.servers.filter((s) => s.projectId === projectId && (ids.size === 0 || ids.has(s.id)));
		return { servers: servers.map((s) => ({ id: s.id, name: s.name, status: s.status, 'OS-EXT-AZ:availability_zone': s.az })), count: servers.length };
	}
	throw NOT_FOUND();
}

export function listGroups(sim: SimState, projectId: string, query: Map<string, string>, search: string): unknown {
	sim.stats.listQueries.push(search);
	if (sim.stats.listQueries.length > 200) {
		sim.stats.listQueries.shift();
	}
	pageBounds(query); // the paging parameters are checked first
	const status = query.get('status');
	if (status && !GROUP_STATUSES.has(status)) {
		throw sdrsError(400, 'SDRS.0209', 'Incorrect status.');
	}
	const name = query.get('name');
	const az = query.get('availability_zone');
	const qt = query.get('query_type');
	const threeMonths = 90 * 86_400_000;
	const matches = sim.data.groups.filter(
		(g) =>
			g.projectId === projectId &&
			(!status || g.status === status) &&
			(!name || g.name.includes(name)) &&
			(!az || (g.priority_station === 'source' ? g.source_availability_zone : g.target_availability_zone) === az) &&
			(!qt ||
				qt === 'general' ||
				(qt === 'status_abnormal' && g.status.startsWith('error')) ||
				(qt === 'stop_protected' && ['available', 'failed-over'].includes(g.status)) ||
				(qt === 'period_no_dr_drill' && (g.last_drill_at === undefined || sim.now() - g.last_drill_at > threeMonths))),
	);
	const page = pageOf(sim, query, matches);
	return { server_groups: page.map((g) => groupView(g)), count: sim.options.countMode === 'page' ? page.length : matches.length };
}

export function requireGroup(sim: SimState, projectId: string, id: string): SimGroup {
	const g = sim.data.groups.find((x) => x.id === id && x.projectId === projectId);
	if (!g) {
		throw sdrsError(400, 'SDRS.1013', 'Protection group not found.');
	}
	return g;
}

export function groupView(g: SimGroup): Record<string, unknown> {
	return {
		id: g.id,
		name: g.name,
		description: g.description,
		status: g.status,
		progress: g.progress,
		source_availability_zone: g.source_availability_zone,
		target_availability_zone: g.target_availability_zone,
		domain_id: null,
		domain_name: null,
		priority_station: g.priority_station,
		protected_instance_num: g.protected_instance_num,
		replication_num: g.replication_num,
		disaster_recovery_drill_num: g.disaster_recovery_drill_num,
		protected_status: null,
		replication_status: null,
		health_status: null,
		source_vpc_id: g.vpcId ?? hexId(`vpc:${g.id}:s`),
		target_vpc_id: g.vpcId ?? hexId(`vpc:${g.id}:t`),
		test_vpc_id: null,
		dr_type: 'migration',
		protection_type: 'replication-pair',
		replication_model: null,
		server_type: 'ECS',
		created_at: g.created_at,
		updated_at: g.updated_at,
	};
}

/** The documented paging parameters: limit 1–1000 (default 1000), offset ≥ 0. */
function pageBounds(query: Map<string, string>): { limit: number; offset: number } {
	const limit = query.has('limit') ? Number(query.get('limit')) : 1000;
	const offset = query.has('offset') ? Number(query.get('offset')) : 0;
	if (!Number.isInteger(limit) || limit <= 0 || limit > 1000) {
		throw sdrsError(400, 'SDRS.0221', 'The limit value must be greater than 0 or less than 1000.');
	}
	if (!Number.isInteger(offset) || offset < 0) {
		throw sdrsError(400, 'SDRS.0222', 'The offset value cannot be negative, and must be an integer.');
	}
	return { limit, offset };
}

/** One page of a list, as the simulator's paging mode serves it (a broken server ignores offset, or both). */
function pageOf<T>(sim: SimState, query: Map<string, string>, items: T[]): T[] {
	const { limit, offset } = pageBounds(query);
	const mode = sim.options.paging;
	return mode === 'ignoreOffsetAndLimit' ? items.slice() : mode === 'ignoreOffset' ? items.slice(0, limit) : items.slice(offset, offset + limit);
}

function replicationView(sim: SimState, g: SimGroup, n: number): Record<string, unknown> {
	const instance = sim.data.instances.filter((i) => i.groupId === g.id)[n];
	return {
		id: uuidFrom(`rep:${g.id}:${n}`),
		name: `${g.name}-rep${n + 1}`,
		status: g.status,
		server_group_id: g.id,
		replication_model: 'hypermetro',
		volume_ids: `${uuidFrom(`vol:${g.id}:${n}:s`)},${uuidFrom(`vol:${g.id}:${n}:t`)}`,
		progress: g.progress,
		// Synchronised, still copying, stopped by a failover, or not replicating.
		replication_status: g.status === 'protected' ? (g.progress < 100 ? 'copying' : 'active') : g.status === 'failed-over' ? 'active-stopped' : 'inactive',
		priority_station: g.priority_station,
		fault_level: String(faultLevel(g, n)),
		attachment: instance ? [{ protected_instance: instance.id, device: '/dev/vda' }] : [],
		record_metadata: { multiattach: false, bootable: n === 0, volume_size: 40 + 10 * n, volume_type: 'SSD' },
		created_at: g.created_at,
		updated_at: g.updated_at,
	};
}

export function instanceView(sim: SimState, i: SeedData['instances'][number]): Record<string, unknown> {
	const g = sim.data.groups.find((x) => x.id === i.groupId);
	return {
		id: i.id,
		name: i.name,
		server_group_id: i.groupId,
		status: g?.status ?? 'available',
		source_server: i.sourceServer,
		target_server: i.targetServer,
		priority_station: g?.priority_station ?? 'source',
		// The official ProtectedInstance model carries the instance's synchronisation progress.
		progress: g?.progress ?? 0,
	};
}
