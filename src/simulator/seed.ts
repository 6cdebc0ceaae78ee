// Seeded demo data for the simulator: several regions, a sub-project, OBS's MOS project, and
// protection groups in every documented status, with DR-site servers both running and stopped.
import { createHash } from 'node:crypto';

export interface SimProject {
	id: string;
	name: string;
	domain_id: string;
	parent_id: string;
	enabled: boolean;
}

export interface SimServer {
	id: string;
	name: string;
	status: string;
	az: string;
	projectId: string;
}

export interface SimInstance {
	id: string;
	name: string;
	groupId: string;
	sourceServer: string;
	targetServer: string;
}

export interface SimGroup {
	id: string;
	projectId: string;
	name: string;
	description: string | null;
	status: string;
	progress: number;
	source_availability_zone: string;
	target_availability_zone: string;
	priority_station: 'source' | 'target';
	replication_num: number;
	protected_instance_num: number;
	disaster_recovery_drill_num: number;
	last_drill_at?: number;
	created_at: string;
	updated_at: string;
	/** Simulator only: the outcome of the next job on this group. */
	nextOutcome?: 'success' | 'fail';
	/** Simulator only: how long a job on this group runs (default: the simulator's jobDurationMs). */
	jobDurationMs?: number;
	/** The group's VPC (source and target: dr_type migration is within one VPC); absent: a derived id outside the VPC list. */
	vpcId?: string;
	/** fault_level of each replication pair, by index (absent: 0, or 5 for a group in `error`). */
	faultLevels?: number[];
}

/** A VPC of the project (the VPC service's v1 model), with the CIDR blocks of its subnets. */
export interface SimVpc {
	id: string;
	projectId: string;
	name: string;
	cidr: string;
	status: string;
	subnets: string[];
	created_at: string;
}

export interface SimDrill {
	id: string;
	projectId: string;
	groupId: string;
	name: string;
	status: string;
	drill_vpc_id: string;
	/** protected instance → drill server. */
	drill_servers: { protected_instance: string; drill_server_id: string }[];
	created_at: string;
	updated_at: string;
	/** Simulator only: the next delete job on this drill fails. */
	failDelete?: boolean;
}

/** A Task Center record of a failed job (FailureJobParams), with the group it belongs to. */
export interface SimFailureJob {
	projectId: string;
	serverGroupId: string;
	job_id: string;
	job_type: string;
	job_status: 'FAIL';
	failure_status: string;
	resource_id: string;
	resource_name: string;
	resource_type: string;
	error_code: string;
	fail_reason: string;
	begin_time: string;
}

export interface SeedData {
	projects: SimProject[];
	groups: SimGroup[];
	instances: SimInstance[];
	servers: SimServer[];
	vpcs: SimVpc[];
	drills: SimDrill[];
	failureJobs: SimFailureJob[];
}

export const DEMO_DOMAIN_ID = '0f3c7d4e5a6b4c8d9e0f1a2b3c4d5e6f';

/** A stable 32-hex id from a label, so seeded ids are the same on every run. */
export function hexId(label: string): string {
	return createHash('sha256').update(label).digest('hex').slice(0, 32);
}

/** A stable UUID-shaped id from a label. */
export function uuidFrom(label: string): string {
	const h = hexId(label);
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface GroupSpec {
	name: string;
	status: string;
	region: string;
	sub?: boolean;
	pairs?: number;
	drRunning?: number;
	priority?: 'source' | 'target';
	fail?: boolean;
	progress?: number;
	drills?: number;
	description?: string;
	jobDurationMs?: number;
	/** Production-site servers stopped (SHUTOFF), except the first `prodRunning`. */
	prodStopped?: boolean;
	prodRunning?: number;
	faultLevels?: number[];
	/** The name of the project's VPC the group is in (LIFECYCLE_VPCS). */
	vpc?: string;
}

const SPECS: GroupSpec[] = [
	{ name: 'erp-prod', status: 'protected', region: 'cn-north-4', progress: 100, drills: 2 },
	{ name: 'crm-web', status: 'available', region: 'cn-north-4', progress: 0 },
	{ name: 'billing-db', status: 'available', region: 'cn-north-4', progress: 0, fail: true },
	{ name: 'hr-portal', status: 'available', region: 'cn-north-4', pairs: 0 },
	{ name: 'payments-core', status: 'failed-over', region: 'cn-north-4', priority: 'target' },
	{ name: 'inventory-api', status: 'failed-over', region: 'cn-north-4', priority: 'target', drRunning: 1 },
	{ name: 'reporting', status: 'error-starting', region: 'cn-north-4' },
	{ name: 'search-cluster', status: 'error-reprotecting', region: 'cn-north-4', priority: 'target' },
	{ name: 'mail-relay', status: 'starting', region: 'cn-north-4', progress: 35 },
	{ name: 'wiki', status: 'reprotecting', region: 'cn-north-4', priority: 'target', progress: 60 },
	{ name: 'legacy-ftp', status: 'error', region: 'cn-north-4' },
	{ name: 'dev-sandbox', status: 'available', region: 'cn-north-4', sub: true },
	{ name: 'dev-ci-runners', status: 'protected', region: 'cn-north-4', sub: true, progress: 100 },
	{ name: 'shop-frontend', status: 'protected', region: 'ap-southeast-3', progress: 100, drills: 1 },
	{ name: 'shop-orders', status: 'creating', region: 'ap-southeast-3' },
	{ name: 'shop-catalog', status: 'deleting', region: 'ap-southeast-3' },
	{ name: 'shop-cache', status: 'error-deleting', region: 'ap-southeast-3' },
	{ name: 'logistics', status: 'stopping', region: 'ap-southeast-3' },
	{ name: 'analytics', status: 'error-stopping', region: 'ap-southeast-3' },
	{ name: 'gateway-a', status: 'reversing', region: 'ap-southeast-3' },
	{ name: 'gateway-b', status: 'error-reversing', region: 'ap-southeast-3' },
	{ name: 'vpn-hub', status: 'failing-over', region: 'ap-southeast-3' },
	{ name: 'vpn-spoke', status: 'error-failing-over', region: 'ap-southeast-3' },
	{ name: 'cms', status: 'failed-over', region: 'ap-southeast-3', priority: 'target', drRunning: 2 },
	{ name: 'media-transcode', status: 'available', region: 'ap-southeast-3' },
	{ name: 'tickets', status: 'protected', region: 'cn-east-3', progress: 100 },
	{ name: 'chat', status: 'available', region: 'cn-east-3' },
	{ name: 'identity', status: 'failed-over', region: 'cn-east-3', priority: 'target' },
	{ name: 'metrics', status: 'error-starting', region: 'cn-east-3', fail: true },
	{ name: 'backup-catalog', status: 'error-reprotecting', region: 'cn-east-3', priority: 'target', drRunning: 1 },
	{ name: 'archive', status: 'protected', region: 'cn-east-3', progress: 72 },
	{ name: '数据仓库', status: 'available', region: 'cn-east-3' },
];

/** The project of the day after a failover (FAILOVER_SPECS): every group failed over at once. */
export const FAILOVER_REGION = 'cn-south-1';
export const FAILOVER_GROUPS = 44;

/**
 * cn-south-1 the day after its production availability zone failed: 44 groups failed over to
 * the DR site. Deterministic: groups 07, 19, 31 and 40 still have DR-site servers running, 12,
 * 27 and 38 have no replication pairs, and the jobs of 15 and 33 fail. Jobs run 2–10 s, so a
 * batch takes about as long as the slowest of them.
 */
export function failoverSpecs(): GroupSpec[] {
	const tiers = ['web', 'api', 'db', 'cache', 'mq', 'batch'];
	return Array.from({ length: FAILOVER_GROUPS }, (_, i) => {
		const n = i + 1;
		const tag = String(n).padStart(2, '0');
		return {
			name: `gz-${tiers[i % tiers.length]}-${tag}`,
			status: 'failed-over',
			region: FAILOVER_REGION,
			priority: 'target' as const,
			progress: 0,
			description: 'Failed over to the DR site after the cn-south-1a outage (simulated)',
			drRunning: [7, 19, 31, 40].includes(n) ? 1 : 0,
			pairs: [12, 27, 38].includes(n) ? 0 : 2,
			fail: [15, 33].includes(n),
			jobDurationMs: 2000 + ((n * 7919) % 9) * 1000,
		};
	});
}

/** The project where the rest of the DR lifecycle is tried (LIFECYCLE_SPECS). */
export const LIFECYCLE_REGION = 'la-south-2';

/** la-south-2's VPCs: the groups' own, a drill VPC that fits, one lacking the groups' subnet, one with no subnet. */
export const LIFECYCLE_VPCS: { name: string; cidr: string; subnets: string[] }[] = [
	{ name: 'vpc-santiago-prod', cidr: '192.168.0.0/16', subnets: ['192.168.1.0/24'] },
	{ name: 'vpc-santiago-drill', cidr: '192.168.0.0/16', subnets: ['192.168.1.0/24'] },
	{ name: 'vpc-santiago-legacy', cidr: '10.9.0.0/16', subnets: ['10.9.1.0/24'] },
	{ name: 'vpc-santiago-empty', cidr: '172.16.0.0/16', subnets: [] },
];

/**
 * la-south-2's demo application, which the demo's recovery plan (shop.sdrs-plan.json) switches
 * tier by tier: 3 database groups, 3 service groups and 2 web groups, all protected with every
 * server stopped at both sites, so a planned failover passes its checks and, since a switchover
 * starts no server, passes them again the other way.
 */
export const SHOP_TIERS: { tier: 'db' | 'app' | 'web'; count: number }[] = [
	{ tier: 'db', count: 3 },
	{ tier: 'app', count: 3 },
	{ tier: 'web', count: 2 },
];

/**
 * la-south-2: one group for each step of the lifecycle. A planned failover is ready on
 * dr-switchover-ready (production servers stopped) and refused on dr-switchover-blocked (one
 * still running); a failover works on dr-failover-degraded (a pair at fault level 2) and is
 * refused on dr-failover-broken (level 5); dr-syncing is still synchronising; dr-drill-ready
 * takes a drill and keeps one that failed on vpc-santiago-legacy. Then the demo shop's groups (SHOP_TIERS).
 */
const LIFECYCLE_SPECS: GroupSpec[] = [
	{ name: 'dr-switchover-ready', status: 'protected', region: LIFECYCLE_REGION, prodStopped: true, vpc: 'vpc-santiago-prod' },
	{ name: 'dr-switchover-blocked', status: 'protected', region: LIFECYCLE_REGION, prodStopped: true, prodRunning: 1, vpc: 'vpc-santiago-prod' },
	{ name: 'dr-failover-degraded', status: 'protected', region: LIFECYCLE_REGION, faultLevels: [2, 0], vpc: 'vpc-santiago-prod' },
	{ name: 'dr-failover-broken', status: 'protected', region: LIFECYCLE_REGION, faultLevels: [5, 0], vpc: 'vpc-santiago-prod' },
	{ name: 'dr-syncing', status: 'protected', region: LIFECYCLE_REGION, progress: 45, vpc: 'vpc-santiago-prod' },
	{ name: 'dr-drill-ready', status: 'protected', region: LIFECYCLE_REGION, drills: 1, vpc: 'vpc-santiago-prod' },
	...SHOP_TIERS.flatMap(({ tier, count }) =>
		Array.from({ length: count }, (_, i): GroupSpec => ({
			name: `shop-${tier}-${i + 1}`,
			status: 'protected',
			region: LIFECYCLE_REGION,
			prodStopped: true,
			vpc: 'vpc-santiago-prod',
			description: `The demo shop's ${tier} tier (recovery plan demo)`,
		})),
	),
];

const REGIONS = ['cn-north-4', 'ap-southeast-3', 'cn-east-3', LIFECYCLE_REGION, FAILOVER_REGION];

export function projectIdFor(region: string, sub = false): string {
	return hexId(`project:${region}${sub ? ':dev' : ''}`);
}

export function seedDemo(): SeedData {
	const projects: SimProject[] = REGIONS.map((r) => ({ id: projectIdFor(r), name: r, domain_id: DEMO_DOMAIN_ID, parent_id: DEMO_DOMAIN_ID, enabled: true }));
	projects.push({ id: projectIdFor('cn-north-4', true), name: 'cn-north-4_dev', domain_id: DEMO_DOMAIN_ID, parent_id: projectIdFor('cn-north-4'), enabled: true });
	projects.push({ id: hexId('project:MOS'), name: 'MOS', domain_id: DEMO_DOMAIN_ID, parent_id: DEMO_DOMAIN_ID, enabled: true });
	const data: SeedData = { projects, groups: [], instances: [], servers: [], vpcs: [], drills: [], failureJobs: [] };
	const base = Date.UTC(2026, 9, 1, 8, 0, 0);
	const lifecycle = projectIdFor(LIFECYCLE_REGION);
	for (const v of LIFECYCLE_VPCS) {
		data.vpcs.push({ id: uuidFrom(`vpc:${lifecycle}:${v.name}`), projectId: lifecycle, name: v.name, cidr: v.cidr, status: 'OK', subnets: [...v.subnets], created_at: new Date(base).toISOString() });
	}
	[...SPECS, ...failoverSpecs(), ...LIFECYCLE_SPECS].forEach((spec, i) => {
		addGroup(data, {
			...spec,
			projectId: projectIdFor(spec.region, spec.sub),
			createdAt: new Date(base + i * 3_600_000).toISOString(),
		});
	});
	return data;
}

/** The seed's drills: the newest available, older ones in error; dr-drill-ready's failed on vpc-santiago-legacy. */
function seedDrills(data: SeedData, g: SimGroup, count: number): void {
	const legacy = data.vpcs.find((v) => v.projectId === g.projectId && v.name === 'vpc-santiago-legacy');
	const drillVpc = legacy?.id ?? uuidFrom(`drill-vpc:${g.id}`);
	if (!legacy && !data.vpcs.some((v) => v.id === drillVpc)) {
		data.vpcs.push({ id: drillVpc, projectId: g.projectId, name: `${g.name}-drill-vpc`, cidr: '192.168.0.0/16', status: 'OK', subnets: ['192.168.0.0/24'], created_at: g.created_at });
	}
	const drAz = g.priority_station === 'source' ? g.target_availability_zone : g.source_availability_zone;
	for (let n = 0; n < count; n++) {
		const at = new Date((g.last_drill_at ?? Date.now()) - n * 30 * 86_400_000).toISOString().replace('T', ' ').replace('Z', '');
		const ok = n === 0 && !legacy;
		const id = uuidFrom(`drill:${g.id}:${n}`);
		const instances = data.instances.filter((i) => i.groupId === g.id);
		const drillServers = ok ? instances.map((i) => ({ protected_instance: i.id, drill_server_id: uuidFrom(`drill-server:${id}:${i.id}`) })) : [];
		// The drill servers run in the DR AZ, built from the DR-site servers' disks.
		drillServers.forEach((s, k) => data.servers.push({ id: s.drill_server_id, name: `${g.name}-drill-${n + 1}-vm${k + 1}`, status: 'ACTIVE', az: drAz, projectId: g.projectId }));
		data.drills.push({
			id,
			projectId: g.projectId,
			groupId: g.id,
			name: `${g.name}-drill-${n + 1}`,
			status: ok ? 'available' : 'error',
			drill_vpc_id: drillVpc,
			drill_servers: drillServers,
			created_at: at,
			updated_at: at,
		});
	}
}

export function addGroup(data: SeedData, spec: GroupSpec & { projectId: string; createdAt?: string; id?: string; instances?: number }): SimGroup {
	const id = spec.id ?? uuidFrom(`group:${spec.projectId}:${spec.name}`);
	const srcAz = `${spec.region}a`;
	const tgtAz = `${spec.region}b`;
	const priority = spec.priority ?? 'source';
	const pairs = spec.pairs ?? 2;
	const instanceCount = spec.instances ?? (pairs === 0 ? 0 : Math.min(2, pairs));
	const created = spec.createdAt ?? new Date().toISOString();
	const group: SimGroup = {
		id,
		projectId: spec.projectId,
		name: spec.name,
		description: spec.description ?? null,
		status: spec.status,
		progress: spec.progress ?? (spec.status === 'protected' ? 100 : 0),
		source_availability_zone: srcAz,
		target_availability_zone: tgtAz,
		priority_station: priority,
		replication_num: pairs,
		protected_instance_num: instanceCount,
		disaster_recovery_drill_num: spec.drills ?? 0,
		last_drill_at: spec.drills ? Date.now() - 20 * 86_400_000 : undefined,
		created_at: created,
		updated_at: created,
		nextOutcome: spec.fail ? 'fail' : undefined,
		jobDurationMs: spec.jobDurationMs,
		vpcId: spec.vpc ? data.vpcs.find((v) => v.projectId === spec.projectId && v.name === spec.vpc)?.id : undefined,
		faultLevels: spec.faultLevels ? [...spec.faultLevels] : undefined,
	};
	data.groups.push(group);
	const drAz = priority === 'source' ? tgtAz : srcAz;
	let running = spec.drRunning ?? 0;
	for (let n = 1; n <= instanceCount; n++) {
		const src: SimServer = { id: uuidFrom(`server:${id}:${n}:src`), name: `${spec.name}-vm${n}`, status: 'ACTIVE', az: srcAz, projectId: spec.projectId };
		const tgt: SimServer = { id: uuidFrom(`server:${id}:${n}:tgt`), name: `${spec.name}-vm${n}-dr`, status: 'ACTIVE', az: tgtAz, projectId: spec.projectId };
		for (const s of [src, tgt]) {
			if (s.az === drAz) {
				s.status = running > 0 ? 'ACTIVE' : 'SHUTOFF';
				if (running > 0) {
					running--;
				}
			} else if (spec.prodStopped) {
				s.status = n <= (spec.prodRunning ?? 0) ? 'ACTIVE' : 'SHUTOFF';
			}
		}
		data.servers.push(src, tgt);
		data.instances.push({ id: uuidFrom(`instance:${id}:${n}`), name: `${spec.name}-vm${n}`, groupId: id, sourceServer: src.id, targetServer: tgt.id });
	}
	if (spec.drills) {
		seedDrills(data, group, spec.drills);
	}
	return group;
}
