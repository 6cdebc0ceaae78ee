// Typed calls to IAM, SDRS and ECS. Every request goes through HttpPipeline (signing, retries,
// timeouts); this file only builds URLs and parses bodies leniently (see model.ts).
import { SdrsError } from './errors';
import { endpointFor, type EndpointOverrides, type Service } from './endpoints';
import type { HttpPipeline } from './http';
import { readAllPages, type Page } from './paging';
import {
	isObject,
	list,
	str,
	toGroup,
	toInstance,
	toJob,
	toReplication,
	toServer,
	toDrill,
	toVpc,
	type Drill,
	type Job,
	type Project,
	type ProtectedInstance,
	type ProtectionGroup,
	type Replication,
	type Server,
	type Vpc,
} from './model';
import { buildUrl, encodePath as p } from './signer';

export interface GroupFilter {
	status?: string;
	name?: string;
	queryType?: 'status_abnormal' | 'stop_protected' | 'period_no_dr_drill' | 'general';
	availabilityZone?: string;
}

type Query = Record<string, string | number | undefined>;

function parseJson(body: string): Record<string, unknown> {
	if (body.trim() === '') {
		throw new Error('the body is empty');
	}
	let value: unknown;
	try {
		value = JSON.parse(body);
	} catch {
		throw new Error('the body is not valid JSON');
	}
	if (!isObject(value)) {
		throw new Error('the body is not a JSON object');
	}
	return value;
}

/** Page size for listings: the documented maximum, so 10,000 groups take 10 requests. */
export const PAGE_SIZE = 1000;

/** VPCs a page (marker/limit), and at most this many pages: 10,000 VPCs, more than a project's quota. */
export const VPC_PAGE_SIZE = 200;
export const VPC_MAX_PAGES = 50;

/** A drill to create: the group, its name, and an existing VPC (none: the service creates one). */
export interface DrillSpec {
	serverGroupId: string;
	name: string;
	drillVpcId?: string;
}

const jobIdOf = (body: string): string => {
	const jobId = str(parseJson(body).job_id, 128);
	if (!jobId) {
		throw new Error('the answer has no job_id');
	}
	return jobId;
};

export class SdrsClient {
	/** The IAM projects route that answered (see listProjects). */
	private projectsRoute?: 'auth' | 'projects';

	constructor(
		private readonly http: HttpPipeline,
		private readonly endpoints: EndpointOverrides = {},
		/** Region used for the global IAM call when an override template needs one. */
		private readonly homeRegion = 'cn-north-4',
	) {}

	private base(service: Service, region: string): string {
		return endpointFor(service, region, this.endpoints);
	}

	private async get(service: Service, region: string, path: string, query: Query | undefined, projectId: string | undefined, signal?: AbortSignal): Promise<Record<string, unknown>> {
		const headers: Record<string, string> = { 'Content-Type': 'application/json' };
		if (projectId) {
			headers['X-Project-Id'] = projectId;
		}
		const res = await this.http.send({ method: 'GET', url: buildUrl(this.base(service, region), path, query), headers, idempotent: true, signal }, parseJson);
		return res.data;
	}

	/**
	 * Projects the credentials can use, as region projects and their sub-projects; `MOS` (OBS's
	 * built-in project) and disabled projects are skipped. Tries `/v3/auth/projects`, then
	 * `/v3/projects` (the SDKs' AK/SK route) when the first is refused.
	 */
	async listProjects(signal?: AbortSignal): Promise<Project[]> {
		// AK/SK support on /v3/auth/projects is unconfirmed (sdrs-api.md); the route that answered
		// is remembered for this client (one per profile), so later loads make one call.
		let body: Record<string, unknown> | undefined;
		if (this.projectsRoute !== 'projects') {
			try {
				body = await this.get('iam', this.homeRegion, p('v3', 'auth', 'projects'), undefined, undefined, signal);
				this.projectsRoute = 'auth';
			} catch (e) {
				if (this.projectsRoute === 'auth' || !(e instanceof SdrsError) || e.kind !== 'http' || ![401, 403, 404].includes(e.status ?? 0)) {
					throw e;
				}
			}
		}
		if (!body) {
			body = await this.get('iam', this.homeRegion, p('v3', 'projects'), undefined, undefined, signal);
			this.projectsRoute = 'projects';
		}
		const raw = list(body.projects).filter((p) => p.enabled !== false && str(p.name) !== 'MOS' && str(p.id) !== '');
		const byId = new Map(raw.map((p) => [str(p.id), p]));
		const projects: Project[] = raw.map((p) => {
			const parent = byId.get(str(p.parent_id));
			// A sub-project's parent is another project (not the account); its region is the parent's
			// name, or, when the parent is not listed, the part of its own name before "_".
			const isSub = str(p.parent_id) !== '' && str(p.parent_id) !== str(p.domain_id) && (parent !== undefined || str(p.name).includes('_'));
			return {
				id: str(p.id, 128),
				name: str(p.name, 128),
				region: isSub ? (parent ? str(parent.name, 64) : str(p.name, 64).split('_')[0]) : str(p.name, 64),
				isSubProject: isSub,
				domainId: str(p.domain_id, 128) || undefined,
			};
		});
		return projects.sort((a, b) => a.region.localeCompare(b.region) || Number(a.isSubProject) - Number(b.isSubProject) || a.name.localeCompare(b.name));
	}

	/**
	 * Every protection group of a project matching the filter, all pages (readAllPages: pages
	 * planned from `count` read at once, then on until a short page or one with no new id, capped;
	 * one entry per id). `count` plans pages but never ends the list (it is not trusted, §1.1).
	 */
	listGroups(project: Project, filter: GroupFilter = {}, signal?: AbortSignal): Promise<ProtectionGroup[]> {
		const q: Query = { status: filter.status, name: filter.name, query_type: filter.queryType, availability_zone: filter.availabilityZone };
		return this.listAll(project, 'server-groups', 'server_groups', q, toGroup, signal);
	}

	async getGroup(project: Project, groupId: string, signal?: AbortSignal): Promise<ProtectionGroup> {
		const body = await this.get('sdrs', project.region, p('v1', project.id, 'server-groups', groupId), undefined, project.id, signal);
		const group = isObject(body.server_group) ? toGroup(body.server_group) : undefined;
		if (!group) {
			throw new SdrsError('The service returned a protection group without an id', 'parse');
		}
		return group;
	}

	/**
	 * Enable Protection / Enable Protection Again (the service picks which from the group's
	 * status). Sent exactly once, never retried: a lost answer must be reconciled by reading
	 * the group, not by posting again. Returns the job id.
	 */
	startProtectionGroup(project: Project, groupId: string, signal?: AbortSignal): Promise<{ jobId: string; requestId?: string }> {
		return this.groupAction(project, groupId, { 'start-server-group': {} }, signal);
	}

	/** POSTs one action body (ACTIONS[kind].body) to the group's `/action`, once (never retried). */
	groupAction(project: Project, groupId: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<{ jobId: string; requestId?: string }> {
		return this.sendOnce('POST', project, p('v1', project.id, 'server-groups', groupId, 'action'), body, signal);
	}

	/**
	 * Creates a DR drill (`POST …/disaster-recovery-drills`), once, never retried: a lost answer is
	 * reconciled by listing the group's drills, never by sending again. Returns the job id.
	 */
	createDrill(project: Project, spec: DrillSpec, signal?: AbortSignal): Promise<{ jobId: string; requestId?: string }> {
		const drill: Record<string, string> = { server_group_id: spec.serverGroupId, name: spec.name };
		if (spec.drillVpcId) {
			drill.drill_vpc_id = spec.drillVpcId;
		}
		return this.sendOnce('POST', project, p('v1', project.id, 'disaster-recovery-drills'), { disaster_recovery_drill: drill }, signal);
	}

	/** Deletes a DR drill (its drill servers, their disks and NICs), once, never retried. Returns the job id. */
	deleteDrill(project: Project, drillId: string, signal?: AbortSignal): Promise<{ jobId: string; requestId?: string }> {
		return this.sendOnce('DELETE', project, p('v1', project.id, 'disaster-recovery-drills', drillId), undefined, signal);
	}

	async getDrill(project: Pick<Project, 'id' | 'region'>, drillId: string, signal?: AbortSignal): Promise<Drill> {
		const body = await this.get('sdrs', project.region, p('v1', project.id, 'disaster-recovery-drills', drillId), undefined, project.id, signal);
		const drill = isObject(body.disaster_recovery_drill) ? toDrill(body.disaster_recovery_drill) : undefined;
		if (!drill) {
			throw new SdrsError('The service returned a DR drill without an id', 'parse');
		}
		return drill;
	}

	/** A request that starts a job, sent once (never retried); its answer's `job_id`. */
	private async sendOnce(method: 'POST' | 'DELETE', project: Project, path: string, body: Record<string, unknown> | undefined, signal?: AbortSignal): Promise<{ jobId: string; requestId?: string }> {
		const res = await this.http.send(
			{
				method,
				url: buildUrl(this.base('sdrs', project.region), path),
				headers: { 'Content-Type': 'application/json;charset=UTF-8', 'X-Project-Id': project.id },
				body: body === undefined ? undefined : JSON.stringify(body),
				idempotent: false,
				signal,
			},
			jobIdOf,
		);
		return { jobId: res.data, requestId: res.requestId };
	}

	/**
	 * Every VPC of the project (`GET /v1/{project_id}/vpcs` on the VPC endpoint), page after page
	 * by `marker` (the last id of the page before): a short page, or one with no new id, ends it;
	 * past VPC_MAX_PAGES full pages the list is refused as too large rather than shown cut.
	 */
	async listVpcs(project: Project, signal?: AbortSignal): Promise<Vpc[]> {
		const seen = new Map<string, Vpc>();
		let marker: string | undefined;
		for (let page = 0; ; page++) {
			if (page >= VPC_MAX_PAGES) {
				throw new SdrsError(`The VPC list did not end after ${page} pages of ${VPC_PAGE_SIZE}; it was not read to its end`, 'too-large');
			}
			const body = await this.get('vpc', project.region, p('v1', project.id, 'vpcs'), { limit: VPC_PAGE_SIZE, marker }, project.id, signal);
			const raw = list(body.vpcs);
			let fresh = 0;
			for (const v of raw.map(toVpc)) {
				if (v && !seen.has(v.id)) {
					seen.set(v.id, v);
					fresh++;
				}
			}
			const last = raw.length ? str(raw[raw.length - 1].id, 128) : '';
			if (raw.length < VPC_PAGE_SIZE || fresh === 0 || !last) {
				return [...seen.values()];
			}
			marker = last;
		}
	}

	async getJob(project: Pick<Project, 'id' | 'region'>, jobId: string, signal?: AbortSignal): Promise<Job> {
		const body = await this.get('sdrs', project.region, p('v1', project.id, 'jobs', jobId), undefined, project.id, signal);
		return toJob(body, jobId);
	}

	/** Every item of a paged SDRS list, read by the one paging helper (paging.ts). */
	private listAll<T extends { id: string }>(project: Project, resource: string, key: string, query: Query, map: (o: Record<string, unknown>) => T | undefined, signal?: AbortSignal): Promise<T[]> {
		const path = p('v1', project.id, resource);
		return readAllPages(
			async (offset): Promise<Page<T>> => {
				const body = await this.get('sdrs', project.region, path, { ...query, limit: PAGE_SIZE, offset }, project.id, signal);
				const items = list(body[key]);
				const count = Number(body.count);
				return { items: items.map(map).filter((x): x is T => x !== undefined), size: items.length, count: Number.isSafeInteger(count) && count >= 0 ? count : undefined };
			},
			{ pageSize: PAGE_SIZE, signal },
		);
	}

	listProtectedInstances(project: Project, groupId: string, signal?: AbortSignal): Promise<ProtectedInstance[]> {
		return this.listAll(project, 'protected-instances', 'protected_instances', { server_group_id: groupId }, toInstance, signal);
	}

	listReplications(project: Project, groupId: string, signal?: AbortSignal): Promise<Replication[]> {
		return this.listAll(project, 'replications', 'replications', { server_group_id: groupId }, toReplication, signal);
	}

	listDrills(project: Project, groupId: string, signal?: AbortSignal): Promise<Drill[]> {
		return this.listAll(project, 'disaster-recovery-drills', 'disaster_recovery_drills', { server_group_id: groupId }, toDrill, signal);
	}

	/** ECS details of the given servers, 100 ids a request. */
	async listServers(project: Project, ids: readonly string[], signal?: AbortSignal): Promise<Server[]> {
		const out: Server[] = [];
		for (let i = 0; i < ids.length; i += 100) {
			const chunk = ids.slice(i, i + 100);
			const body = await this.get('ecs', project.region, p('v1', project.id, 'cloudservers', 'detail'), { server_id: chunk.join(','), limit: 100 }, project.id, signal);
			// Only the servers asked for, whatever else the answer holds.
			const asked = new Set(chunk);
			out.push(
				...list(body.servers)
					.map(toServer)
					.filter((s): s is Server => s !== undefined && asked.has(s.id)),
			);
		}
		return out;
	}
}
