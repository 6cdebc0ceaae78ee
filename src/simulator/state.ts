// The simulated account: its projects, groups, servers and jobs, the options it runs with and the
// counts tests read, with the programmatic controls tests and the admin API use. No I/O here.
import { addGroup, hexId, seedDemo, uuidFrom, type SeedData, type SimGroup } from './seed';
import type { FaultRule } from './faults';
import { IamState, seedPartner } from './iam';
import { jobStatus, settleJobs, type SimJob } from './jobs';

export interface SimulatorOptions {
	port?: number;
	/** 'demo' seeds the demo account; 'empty' has projects but no groups. */
	seed?: 'demo' | 'empty';
	/** How long a job runs, in ms (default 6000). */
	jobDurationMs?: number;
	/** The simulator's clock minus the real clock, in ms (for clock-skew tests). */
	clockOffsetMs?: number;
	/** Added before every answer, in ms. */
	latencyMs?: number;
	faults?: FaultRule[];
	randomSeed?: number;
	/** Temporary credentials: AK → { sk, token, expiresAt }. */
	temporaryCredentials?: Record<string, { secretKey: string; securityToken: string; expiresAt: number }>;
	/** Stops by itself after this long (ms); default 4 hours. Bounded even if nobody stops it. */
	lifetimeMs?: number;
	/** What `count` in list answers means (UNCONFIRMED in the docs): all matches, or this page. */
	countMode?: 'total' | 'page';
	/** How long after an accepted action the group's status changes (0: at once). */
	transitionDelayMs?: number;
	/** What list calls do with offset and limit: honour them (default), or ignore the offset (every page is the first), or both (every page is the whole list), as a broken server might. */
	paging?: 'honoured' | 'ignoreOffset' | 'ignoreOffsetAndLimit';
	/** Open connections at most; more are closed as they arrive (default 256). */
	maxConnections?: number;
}

export interface SimulatorStats {
	requests: number;
	/** POST /action calls received per group (including rejected ones and lost responses). */
	actionPosts: Record<string, number>;
	/** POST /action calls per group that a 429 fault refused (the gateway's throttling: never applied). */
	actionPostsThrottled: Record<string, number>;
	/** Accepted POST /action calls per group (jobs created). */
	jobsCreated: Record<string, number>;
	faults: Record<string, number>;
	authFailures: number;
	byRoute: Record<string, number>;
	/** Query strings received on list calls, newest last (for filter tests). */
	listQueries: string[];
}

export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class SimState {
	data: SeedData;
	readonly jobs = new Map<string, SimJob>();
	random: () => number;
	readonly options: Required<Omit<SimulatorOptions, 'temporaryCredentials' | 'faults'>> & {
		faults: FaultRule[];
		temporaryCredentials: NonNullable<SimulatorOptions['temporaryCredentials']>;
	};
	stats: SimulatorStats = SimState.emptyStats();
	/** Accounts, agencies and the temporary keys issued through them (iam.ts). */
	iam = new IamState();

	constructor(options: SimulatorOptions = {}) {
		this.options = {
			port: options.port ?? 0,
			seed: options.seed ?? 'demo',
			jobDurationMs: options.jobDurationMs ?? 6000,
			clockOffsetMs: options.clockOffsetMs ?? 0,
			latencyMs: options.latencyMs ?? 0,
			faults: options.faults ?? [],
			randomSeed: options.randomSeed ?? 42,
			temporaryCredentials: options.temporaryCredentials ?? {},
			lifetimeMs: options.lifetimeMs ?? 4 * 3_600_000,
			countMode: options.countMode ?? 'total',
			transitionDelayMs: options.transitionDelayMs ?? 0,
			paging: options.paging ?? 'honoured',
			maxConnections: options.maxConnections ?? 256,
		};
		this.random = mulberry32(this.options.randomSeed);
		this.data = this.freshData();
	}

	private static emptyStats(): SimulatorStats {
		return { requests: 0, actionPosts: {}, actionPostsThrottled: {}, jobsCreated: {}, faults: {}, authFailures: 0, byRoute: {}, listQueries: [] };
	}

	private freshData(): SeedData {
		const d = seedDemo();
		seedPartner(d);
		if (this.options.seed === 'empty') {
			d.groups = [];
			d.instances = [];
			d.servers = [];
			d.drills = [];
		}
		return d;
	}

	now(): number {
		return Date.now() + this.options.clockOffsetMs;
	}

	// ---- programmatic control (also reachable over /__admin/) ----

	reset(): void {
		this.data = this.freshData();
		this.jobs.clear();
		this.stats = SimState.emptyStats();
		this.iam = new IamState();
		this.options.faults = [];
		this.random = mulberry32(this.options.randomSeed);
	}

	configure(patch: Partial<Pick<SimulatorOptions, 'jobDurationMs' | 'clockOffsetMs' | 'latencyMs' | 'faults' | 'randomSeed' | 'countMode' | 'transitionDelayMs' | 'paging'>>): void {
		if (patch.paging !== undefined) {
			this.options.paging = patch.paging;
		}
		if (patch.transitionDelayMs !== undefined) {
			this.options.transitionDelayMs = patch.transitionDelayMs;
		}
		if (patch.countMode !== undefined) {
			this.options.countMode = patch.countMode;
		}
		if (patch.jobDurationMs !== undefined) {
			this.options.jobDurationMs = patch.jobDurationMs;
		}
		if (patch.clockOffsetMs !== undefined) {
			this.options.clockOffsetMs = patch.clockOffsetMs;
		}
		if (patch.latencyMs !== undefined) {
			this.options.latencyMs = patch.latencyMs;
		}
		if (patch.faults !== undefined) {
			this.options.faults = patch.faults.map((f) => ({ ...f }));
		}
		if (patch.randomSeed !== undefined) {
			this.random = mulberry32(patch.randomSeed);
		}
	}

	projects(): SeedData['projects'] {
		return this.data.projects;
	}

	groups(projectId?: string): SimGroup[] {
		settleJobs(this);
		return this.data.groups.filter((g) => projectId === undefined || g.projectId === projectId);
	}

	group(id: string): SimGroup | undefined {
		settleJobs(this);
		return this.data.groups.find((g) => g.id === id);
	}

	findGroup(name: string): SimGroup {
		const g = this.groups().find((x) => x.name === name);
		if (!g) {
			throw new Error(`no simulated group named ${name}`);
		}
		return g;
	}

	patchGroup(id: string, patch: Partial<SimGroup>): SimGroup {
		const g = this.group(id);
		if (!g) {
			throw new Error(`no simulated group ${id}`);
		}
		Object.assign(g, patch, { updated_at: new Date(this.now()).toISOString() });
		return g;
	}

	/** Changes a protected instance: its name, or which servers it names (a server id that no longer exists, say). */
	patchInstance(id: string, patch: { name?: string; sourceServer?: string; targetServer?: string }): SeedData['instances'][number] {
		const i = this.data.instances.find((x) => x.id === id);
		if (!i) {
			throw new Error(`no simulated protected instance ${id}`);
		}
		for (const key of ['name', 'sourceServer', 'targetServer'] as const) {
			if (patch[key] !== undefined) {
				i[key] = String(patch[key]).slice(0, 255);
			}
		}
		return i;
	}

	/** The protected instances of a group. */
	instancesOf(groupId: string): SeedData['instances'] {
		return this.data.instances.filter((i) => i.groupId === groupId);
	}

	/** Servers of a group, with the AZ each is in. */
	serversOf(groupId: string): SeedData['servers'] {
		const ids = new Set(this.data.instances.filter((i) => i.groupId === groupId).flatMap((i) => [i.sourceServer, i.targetServer]));
		return this.data.servers.filter((s) => ids.has(s.id));
	}

	setServerStatus(id: string, status: string): void {
		const s = this.data.servers.find((x) => x.id === id);
		if (!s) {
			throw new Error(`no simulated server ${id}`);
		}
		s.status = status;
	}

	/** Stops (SHUTOFF) every server of the group in its current DR AZ. */
	stopDrServers(groupId: string): void {
		const g = this.group(groupId);
		if (!g) {
			throw new Error(`no simulated group ${groupId}`);
		}
		const drAz = g.priority_station === 'source' ? g.target_availability_zone : g.source_availability_zone;
		for (const s of this.serversOf(groupId)) {
			if (s.az === drAz) {
				s.status = 'SHUTOFF';
			}
		}
	}

	/** Adds `count` groups to a project (bulk data for paging tests and benchmarks). */
	bulkAddGroups(projectId: string, count: number, status = 'protected'): void {
		const project = this.data.projects.find((p) => p.id === projectId);
		if (!project) {
			throw new Error(`no simulated project ${projectId}`);
		}
		const region = project.parent_id === project.domain_id ? project.name : (this.data.projects.find((p) => p.id === project.parent_id)?.name ?? project.name);
		const start = this.data.groups.filter((g) => g.projectId === projectId).length;
		for (let i = 0; i < count; i++) {
			const n = start + i;
			addGroup(this.data, { name: `bulk-${String(n).padStart(5, '0')}`, status, region, projectId, id: uuidFrom(`bulk:${projectId}:${n}`), instances: 0, pairs: 1 });
		}
	}

	/** Adds a project (region project when `parentRegion` is absent). */
	addProject(name: string): string {
		const id = hexId(`project:${name}:${this.data.projects.length}`);
		this.data.projects.push({ id, name, domain_id: this.data.projects[0].domain_id, parent_id: this.data.projects[0].domain_id, enabled: true });
		return id;
	}

	jobState(jobId: string): { status: string; groupId: string } | undefined {
		const j = this.jobs.get(jobId);
		return j ? { status: jobStatus(this, j), groupId: j.groupId } : undefined;
	}
}
