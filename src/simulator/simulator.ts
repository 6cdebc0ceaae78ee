// A simulated Huawei Cloud (IAM, SDRS and ECS on one port) that speaks the real wire protocol:
// it verifies SDK-HMAC-SHA256 signatures and the 15-minute date window, enforces the
// documented preconditions with the documented error codes, runs jobs through
// INIT → RUNNING → SUCCESS/FAIL with the group transitions, and injects faults on request.
// It listens on 127.0.0.1 only. Admin calls (unsigned) live under /__admin/.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { canonicalRequest, parseAuthorization, parseQuery, parseSdkDate, sha256Hex, signatureFor } from '../core/signer';
import { addGroup, hexId, seedDemo, uuidFrom, type SeedData, type SimGroup } from './seed';

/** The seeded demo account's keys (simulator only; not a real credential). */
export const DEMO_CREDENTIALS = { accessKey: 'SIMDEMOAK0000000SDRS', secretKey: 'SimulatorDemoSecretKeyNotARealKey0000000' };

export type FaultKind =
	| '500'
	| '502'
	| '503'
	| '504'
	| '429'
	| 'reset' // the connection is destroyed before any answer
	| 'hang' // no answer at all (until the client gives up or the server stops)
	| 'malformed' // 200 with a body that is not JSON
	| 'truncated' // 200 whose body stops half-way
	| 'html502' // a proxy's HTML error page
	| 'empty200' // 200 with an empty body
	| 'lost-response' // the request IS applied, then the connection drops (POST: the job exists)
	| 'respond' // a fixed answer: `status`, `body`, `headers`
	| 'drip'; // 200 whose body arrives a byte every 200 ms (ends after 30 s or when the client leaves)

export interface FaultRule {
	/** Matched against `METHOD /path` (no query), e.g. `^POST .*\/action$`. */
	match: string;
	kind: FaultKind;
	/** Probability per matching request (seeded PRNG). */
	rate?: number;
	/** Applies to the next N matching requests, then expires. */
	count?: number;
	status?: number;
	body?: string;
	headers?: Record<string, string>;
}

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
}

interface SimJob {
	id: string;
	projectId: string;
	groupId: string;
	type: string;
	createdAt: number;
	durationMs: number;
	outcome: 'success' | 'fail';
	settled: boolean;
}

export interface SimulatorStats {
	requests: number;
	/** POST /action calls received per group (including rejected ones and lost responses). */
	actionPosts: Record<string, number>;
	/** Accepted POST /action calls per group (jobs created). */
	jobsCreated: Record<string, number>;
	faults: Record<string, number>;
	authFailures: number;
	byRoute: Record<string, number>;
	/** Query strings received on list calls, newest last (for filter tests). */
	listQueries: string[];
}

function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: unknown,
	) {
		super(JSON.stringify(body));
	}
}

const sdrsError = (status: number, code: string, message: string, wrapper = 'error'): HttpError => new HttpError(status, { [wrapper]: { code, message } });
const gatewayError = (status: number, code: string, message: string): HttpError => new HttpError(status, { error_code: code, error_msg: message, request_id: '' });

const ENABLE = new Set(['available', 'error-starting']);
const ENABLE_AGAIN = new Set(['failed-over', 'error-reprotecting']);
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
const DATE_WINDOW_MS = 15 * 60_000;

export class Simulator {
	private server?: Server;
	private readonly sockets = new Set<Socket>();
	private data: SeedData;
	private readonly jobs = new Map<string, SimJob>();
	private random: () => number;
	private lifetimeTimer?: NodeJS.Timeout;
	readonly options: Required<Omit<SimulatorOptions, 'temporaryCredentials' | 'faults'>> & {
		faults: FaultRule[];
		temporaryCredentials: NonNullable<SimulatorOptions['temporaryCredentials']>;
	};
	stats: SimulatorStats = Simulator.emptyStats();
	/** `http://127.0.0.1:PORT` once started. */
	url = '';

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
		};
		this.random = mulberry32(this.options.randomSeed);
		this.data = this.freshData();
	}

	private static emptyStats(): SimulatorStats {
		return { requests: 0, actionPosts: {}, jobsCreated: {}, faults: {}, authFailures: 0, byRoute: {}, listQueries: [] };
	}

	private freshData(): SeedData {
		const d = seedDemo();
		if (this.options.seed === 'empty') {
			d.groups = [];
			d.instances = [];
			d.servers = [];
		}
		return d;
	}

	now(): number {
		return Date.now() + this.options.clockOffsetMs;
	}

	async start(): Promise<string> {
		this.server = createServer((req, res) => void this.handle(req, res));
		this.server.keepAliveTimeout = 5000;
		this.server.on('connection', (s) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
		await new Promise<void>((resolve, reject) => {
			this.server?.once('error', reject);
			this.server?.listen(this.options.port, '127.0.0.1', () => resolve());
		});
		const addr = this.server.address();
		const port = typeof addr === 'object' && addr ? addr.port : 0;
		this.url = `http://127.0.0.1:${port}`;
		this.lifetimeTimer = setTimeout(() => void this.stop(), this.options.lifetimeMs);
		this.lifetimeTimer.unref();
		return this.url;
	}

	async stop(): Promise<void> {
		clearTimeout(this.lifetimeTimer);
		const server = this.server;
		this.server = undefined;
		for (const s of this.sockets) {
			s.destroy();
		}
		if (server) {
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	}

	// ---- programmatic control (also reachable over /__admin/) ----

	reset(): void {
		this.data = this.freshData();
		this.jobs.clear();
		this.stats = Simulator.emptyStats();
		this.options.faults = [];
		this.random = mulberry32(this.options.randomSeed);
	}

	configure(patch: Partial<Pick<SimulatorOptions, 'jobDurationMs' | 'clockOffsetMs' | 'latencyMs' | 'faults' | 'randomSeed' | 'countMode'>>): void {
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
		this.settleJobs();
		return this.data.groups.filter((g) => projectId === undefined || g.projectId === projectId);
	}

	group(id: string): SimGroup | undefined {
		this.settleJobs();
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
		return j ? { status: this.jobStatus(j), groupId: j.groupId } : undefined;
	}

	// ---- request handling ----

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const requestId = randomBytes(16).toString('hex');
		const chunks: Buffer[] = [];
		let size = 0;
		try {
			for await (const c of req) {
				size += (c as Buffer).length;
				if (size > 12 * 1024 * 1024) {
					throw new HttpError(413, { error_code: 'APIGW.0401', error_msg: 'Request body too large' });
				}
				chunks.push(c as Buffer);
			}
		} catch (e) {
			if (!(e instanceof HttpError)) {
				return;
			}
		}
		const body = Buffer.concat(chunks);
		const url = req.url ?? '/';
		const qIndex = url.indexOf('?');
		const path = qIndex < 0 ? url : url.slice(0, qIndex);
		const search = qIndex < 0 ? '' : url.slice(qIndex);
		const method = (req.method ?? 'GET').toUpperCase();
		const route = `${method} ${path}`;

		if (path.startsWith('/__admin/')) {
			await this.respond(res, requestId, () => this.admin(method, path, body));
			return;
		}
		this.stats.requests++;
		const routeKey = route.replace(/[0-9a-f]{32}|[0-9a-f-]{36}/g, '{id}');
		this.stats.byRoute[routeKey] = (this.stats.byRoute[routeKey] ?? 0) + 1;
		const isAction = method === 'POST' && /\/server-groups\/[^/]+\/action$/.test(path);
		if (isAction) {
			const gid = decodeURIComponent(path.split('/')[4] ?? '');
			this.stats.actionPosts[gid] = (this.stats.actionPosts[gid] ?? 0) + 1;
		}
		const fault = this.pickFault(route);
		if (fault) {
			this.stats.faults[fault.kind] = (this.stats.faults[fault.kind] ?? 0) + 1;
		}
		if (fault && (fault.kind === 'reset' || fault.kind === 'hang')) {
			await this.delay();
			if (fault.kind === 'reset') {
				req.socket.destroy();
			}
			return; // a hang: the socket is destroyed when the client gives up or on stop()
		}
		if (fault && ['500', '502', '503', '504', '429', 'html502', 'respond', 'drip'].includes(fault.kind)) {
			await this.delay();
			this.sendFault(res, fault, requestId);
			return;
		}
		await this.respond(
			res,
			requestId,
			() => {
				this.verify(req, method, path, search, body);
				return this.route(method, path, search, body);
			},
			fault?.kind,
		);
	}

	private pickFault(route: string): FaultRule | undefined {
		for (const rule of this.options.faults) {
			if (!new RegExp(rule.match).test(route)) {
				continue;
			}
			if (rule.count !== undefined) {
				if (rule.count <= 0) {
					continue;
				}
				rule.count--;
				return rule;
			}
			if (this.random() < (rule.rate ?? 0)) {
				return rule;
			}
		}
		return undefined;
	}

	private delay(): Promise<void> {
		return this.options.latencyMs > 0 ? new Promise((r) => setTimeout(r, this.options.latencyMs)) : Promise.resolve();
	}

	private baseHeaders(requestId: string): Record<string, string> {
		return { 'Content-Type': 'application/json', 'X-Request-Id': requestId, Date: new Date(this.now()).toUTCString() };
	}

	private sendFault(res: ServerResponse, fault: FaultRule, requestId: string): void {
		const headers = this.baseHeaders(requestId);
		if (fault.kind === 'drip') {
			res.writeHead(200, headers);
			const timer = setInterval(() => res.write(' '), 200);
			const end = setTimeout(() => {
				clearInterval(timer);
				res.end('{}');
			}, 30_000);
			res.on('close', () => {
				clearInterval(timer);
				clearTimeout(end);
			});
		} else if (fault.kind === 'html502') {
			res.writeHead(502, { ...headers, 'Content-Type': 'text/html' });
			res.end('<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>');
		} else if (fault.kind === 'respond') {
			res.writeHead(fault.status ?? 200, { ...headers, ...fault.headers });
			res.end(fault.body ?? '');
		} else if (fault.kind === '429') {
			res.writeHead(429, { ...headers, 'Retry-After': '1' });
			res.end(JSON.stringify({ error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached: policy user over ratelimit, limit:20, time:1 second', request_id: requestId }));
		} else {
			res.writeHead(Number(fault.kind), headers);
			res.end(JSON.stringify({ error: { code: 'SDRS.0016', message: 'Internal error (simulated fault)' } }));
		}
	}

	private async respond(res: ServerResponse, requestId: string, work: () => unknown, fault?: FaultKind): Promise<void> {
		let status = 200;
		let payload: unknown;
		try {
			payload = work();
		} catch (e) {
			if (e instanceof HttpError) {
				status = e.status;
				payload = e.body;
				if (isObject(payload) && 'request_id' in payload) {
					payload = { ...payload, request_id: requestId };
				}
			} else {
				status = 500;
				payload = { error: { code: 'SDRS.0016', message: `Simulator error: ${String(e)}` } };
			}
		}
		let text = JSON.stringify(payload);
		await this.delay();
		if (fault === 'lost-response') {
			res.socket?.destroy();
			return;
		}
		if (status === 200 && fault === 'malformed') {
			text = '{"server_groups": [ {"id": "oops", ' + '<<not json>>';
		} else if (status === 200 && fault === 'empty200') {
			text = '';
		}
		const headers = this.baseHeaders(requestId);
		if (status === 200 && fault === 'truncated') {
			res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(text)) });
			res.write(text.slice(0, Math.floor(text.length / 2)));
			setTimeout(() => res.socket?.destroy(), 5);
			return;
		}
		res.writeHead(status, headers);
		res.end(text);
	}

	private verify(req: IncomingMessage, method: string, path: string, search: string, body: Buffer): void {
		const fail = (code: string, message: string): never => {
			this.stats.authFailures++;
			throw gatewayError(401, code, message);
		};
		const auth = parseAuthorization(String(req.headers.authorization ?? ''));
		if (!auth) {
			return fail('APIGW.0301', 'Incorrect IAM authentication information: Authorization header missing or not SDK-HMAC-SHA256');
		}
		const temp = this.options.temporaryCredentials[auth.accessKey];
		const secret = auth.accessKey === DEMO_CREDENTIALS.accessKey ? DEMO_CREDENTIALS.secretKey : temp?.secretKey;
		if (!secret) {
			return fail('APIGW.0301', 'Incorrect IAM authentication information: ak not found');
		}
		const signed = new Set(auth.signedHeaders);
		const sdkDate = String(req.headers['x-sdk-date'] ?? '');
		if (!signed.has('x-sdk-date') || !signed.has('host')) {
			return fail('APIGW.0301', 'Incorrect IAM authentication information: host and x-sdk-date must be signed');
		}
		const date = parseSdkDate(sdkDate);
		if (!date) {
			return fail('APIGW.0301', 'Incorrect IAM authentication information: x-sdk-date is malformed');
		}
		if (Math.abs(date.getTime() - this.now()) > DATE_WINDOW_MS) {
			return fail('APIGW.0201', 'Request expired: x-sdk-date is more than 15 minutes from the server time');
		}
		if (temp) {
			if (String(req.headers['x-security-token'] ?? '') !== temp.securityToken || !signed.has('x-security-token')) {
				return fail('APIGW.0301', 'Incorrect IAM authentication information: invalid or unsigned security token');
			}
			if (temp.expiresAt < this.now()) {
				return fail('APIGW.0301', 'Incorrect IAM authentication information: the security token has expired');
			}
		}
		const headers: Record<string, string> = {};
		for (const name of signed) {
			const v = req.headers[name];
			if (v === undefined) {
				return fail('APIGW.0301', `Incorrect IAM authentication information: signed header ${name} is missing`);
			}
			headers[name] = Array.isArray(v) ? v.join(',') : v;
		}
		const payloadHash = headers['x-sdk-content-sha256'] ?? sha256Hex(body);
		const canonical = canonicalRequest(method, path, search, headers, [...signed], payloadHash);
		if (signatureFor(canonical, sdkDate, secret) !== auth.signature) {
			return fail('APIGW.0301', `Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest: ${canonical.replace(/\n/g, '|')}`);
		}
	}

	private route(method: string, path: string, search: string, body: Buffer): unknown {
		const seg = path.split('/').map((s) => {
			try {
				return decodeURIComponent(s);
			} catch {
				return s;
			}
		});
		const query = new Map<string, string>(parseQuery(search));
		if (method === 'GET' && (path === '/v3/auth/projects' || path === '/v3/projects')) {
			const name = query.get('name');
			return { projects: this.data.projects.filter((p) => !name || p.name === name).map((p) => ({ ...p, is_domain: false, description: '' })), links: { self: path, next: null, previous: null } };
		}
		if (seg[1] !== 'v1' || seg.length < 4) {
			throw new HttpError(404, { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published in the environment' });
		}
		const projectId = seg[2];
		if (!this.data.projects.some((p) => p.id === projectId)) {
			throw sdrsError(400, 'SDRS.0001', 'Invalid tenant ID.');
		}
		this.settleJobs();
		const resource = seg.slice(3).join('/');
		if (method === 'GET' && resource === 'server-groups') {
			return this.listGroups(projectId, query, search);
		}
		if (seg[3] === 'server-groups' && seg.length === 5 && method === 'GET') {
			return { server_group: this.groupView(this.requireGroup(projectId, seg[4])) };
		}
		if (seg[3] === 'server-groups' && seg.length === 6 && seg[5] === 'action' && method === 'POST') {
			return this.action(projectId, seg[4], body);
		}
		if (seg[3] === 'jobs' && seg.length === 5 && method === 'GET') {
			return this.jobView(projectId, seg[4]);
		}
		if (method === 'GET' && resource === 'protected-instances') {
			const gid = query.get('server_group_id');
			const items = this.data.instances.filter((i) => (!gid || i.groupId === gid) && this.data.groups.some((g) => g.id === i.groupId && g.projectId === projectId));
			return { protected_instances: items.map((i) => this.instanceView(i)), count: items.length };
		}
		if (method === 'GET' && resource === 'replications') {
			const gid = query.get('server_group_id');
			const groups = this.data.groups.filter((g) => g.projectId === projectId && (!gid || g.id === gid));
			const reps = groups.flatMap((g) =>
				Array.from({ length: g.replication_num }, (_, n) => ({ id: uuidFrom(`rep:${g.id}:${n}`), name: `${g.name}-rep${n + 1}`, status: g.status, server_group_id: g.id, replication_model: 'hypermetro' })),
			);
			return { replications: reps, count: reps.length };
		}
		if (method === 'GET' && resource === 'cloudservers/detail') {
			const ids = new Set((query.get('server_id') ?? '').split(',').filter(Boolean));
			const servers = this.data.servers.filter((s) => s.projectId === projectId && (ids.size === 0 || ids.has(s.id)));
			return { servers: servers.map((s) => ({ id: s.id, name: s.name, status: s.status, 'OS-EXT-AZ:availability_zone': s.az })), count: servers.length };
		}
		throw new HttpError(404, { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published in the environment' });
	}

	private listGroups(projectId: string, query: Map<string, string>, search: string): unknown {
		this.stats.listQueries.push(search);
		if (this.stats.listQueries.length > 200) {
			this.stats.listQueries.shift();
		}
		const limitRaw = query.get('limit');
		const offsetRaw = query.get('offset');
		const limit = limitRaw === undefined ? 1000 : Number(limitRaw);
		const offset = offsetRaw === undefined ? 0 : Number(offsetRaw);
		if (!Number.isInteger(limit) || limit <= 0 || limit > 1000) {
			throw sdrsError(400, 'SDRS.0221', 'The limit value must be greater than 0 or less than 1000.');
		}
		if (!Number.isInteger(offset) || offset < 0) {
			throw sdrsError(400, 'SDRS.0222', 'The offset value cannot be negative, and must be an integer.');
		}
		const status = query.get('status');
		if (status && !GROUP_STATUSES.has(status)) {
			throw sdrsError(400, 'SDRS.0209', 'Incorrect status.');
		}
		const name = query.get('name');
		const az = query.get('availability_zone');
		const qt = query.get('query_type');
		const threeMonths = 90 * 86_400_000;
		const matches = this.data.groups.filter(
			(g) =>
				g.projectId === projectId &&
				(!status || g.status === status) &&
				(!name || g.name.includes(name)) &&
				(!az || (g.priority_station === 'source' ? g.source_availability_zone : g.target_availability_zone) === az) &&
				(!qt ||
					qt === 'general' ||
					(qt === 'status_abnormal' && g.status.startsWith('error')) ||
					(qt === 'stop_protected' && ['available', 'failed-over'].includes(g.status)) ||
					(qt === 'period_no_dr_drill' && (g.last_drill_at === undefined || this.now() - g.last_drill_at > threeMonths))),
		);
		const page = matches.slice(offset, offset + limit);
		return { server_groups: page.map((g) => this.groupView(g)), count: this.options.countMode === 'page' ? page.length : matches.length };
	}

	private requireGroup(projectId: string, id: string): SimGroup {
		const g = this.data.groups.find((x) => x.id === id && x.projectId === projectId);
		if (!g) {
			throw sdrsError(400, 'SDRS.1013', 'Protection group not found.');
		}
		return g;
	}

	private groupView(g: SimGroup): Record<string, unknown> {
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
			source_vpc_id: hexId(`vpc:${g.id}:s`),
			target_vpc_id: hexId(`vpc:${g.id}:t`),
			test_vpc_id: null,
			dr_type: 'migration',
			protection_type: 'replication-pair',
			replication_model: null,
			server_type: 'ECS',
			created_at: g.created_at,
			updated_at: g.updated_at,
		};
	}

	private instanceView(i: SeedData['instances'][number]): Record<string, unknown> {
		const g = this.data.groups.find((x) => x.id === i.groupId);
		return {
			id: i.id,
			name: i.name,
			server_group_id: i.groupId,
			status: g?.status ?? 'available',
			source_server: i.sourceServer,
			target_server: i.targetServer,
			priority_station: g?.priority_station ?? 'source',
		};
	}

	private action(projectId: string, groupId: string, body: Buffer): unknown {
		let parsed: unknown;
		try {
			parsed = JSON.parse(body.toString('utf8'));
		} catch {
			throw sdrsError(400, 'SDRS.0201', 'Invalid request parameters: the body is not JSON.', 'badrequest');
		}
		if (!isObject(parsed) || Object.keys(parsed).length !== 1) {
			throw sdrsError(400, 'SDRS.0201', 'Invalid request parameters.', 'badrequest');
		}
		if (!('start-server-group' in parsed)) {
			throw sdrsError(400, 'SDRS.0206', 'Invalid action.', 'badrequest');
		}
		const g = this.requireGroup(projectId, groupId);
		let type: string;
		if (ENABLE.has(g.status)) {
			if (g.replication_num <= 0) {
				throw sdrsError(400, 'SDRS.1002', 'Operation not allowed for the protection group in the current state: the group has no replication pairs.', 'badrequest');
			}
			type = 'startProtectionGroupNoCG';
		} else if (ENABLE_AGAIN.has(g.status)) {
			const drAz = g.priority_station === 'source' ? g.target_availability_zone : g.source_availability_zone;
			if (this.serversOf(g.id).some((s) => s.az === drAz && s.status !== 'SHUTOFF')) {
				throw sdrsError(400, 'SDRS.1342', 'Current DR site server is not stopped.', 'badrequest');
			}
			type = 'reprotectProtectionGroupNoCG';
		} else {
			throw sdrsError(400, 'SDRS.1002', 'Operation not allowed for the protection group in the current state.', 'badrequest');
		}
		const job: SimJob = {
			id: randomBytes(16).toString('hex'),
			projectId,
			groupId: g.id,
			type,
			createdAt: this.now(),
			durationMs: this.options.jobDurationMs,
			outcome: g.nextOutcome ?? 'success',
			settled: false,
		};
		this.jobs.set(job.id, job);
		this.stats.jobsCreated[g.id] = (this.stats.jobsCreated[g.id] ?? 0) + 1;
		g.status = type.startsWith('start') ? 'starting' : 'reprotecting';
		g.progress = 0;
		g.updated_at = new Date(this.now()).toISOString();
		return { job_id: job.id };
	}

	private jobStatus(j: SimJob): string {
		const elapsed = this.now() - j.createdAt;
		if (elapsed < Math.min(300, j.durationMs / 10)) {
			return 'INIT';
		}
		if (elapsed < j.durationMs) {
			return 'RUNNING';
		}
		return j.outcome === 'fail' ? 'FAIL' : 'SUCCESS';
	}

	/** Applies the group transitions of finished jobs, and progress of running ones. */
	private settleJobs(): void {
		for (const j of this.jobs.values()) {
			if (j.settled) {
				continue;
			}
			const g = this.data.groups.find((x) => x.id === j.groupId);
			const status = this.jobStatus(j);
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
				g.progress = Math.min(99, Math.floor(((this.now() - j.createdAt) / j.durationMs) * 100));
			}
		}
	}

	private jobView(projectId: string, jobId: string): unknown {
		const j = this.jobs.get(jobId);
		if (!j || j.projectId !== projectId) {
			throw sdrsError(400, 'SDRS.0401', 'The job does not exist.', 'itemNotFound');
		}
		const status = this.jobStatus(j);
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

	private admin(method: string, path: string, body: Buffer): unknown {
		const input: Record<string, unknown> = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
		const parts = path.split('/').slice(2);
		if (method === 'GET' && parts[0] === 'stats') {
			return this.stats;
		}
		if (method === 'POST' && parts[0] === 'reset') {
			this.reset();
			return { ok: true };
		}
		if (method === 'POST' && parts[0] === 'config') {
			this.configure(input);
			return { ok: true };
		}
		if (method === 'GET' && parts[0] === 'groups') {
			return { groups: this.groups() };
		}
		if (method === 'POST' && parts[0] === 'groups' && parts[1]) {
			return this.patchGroup(decodeURIComponent(parts[1]), input);
		}
		if (method === 'POST' && parts[0] === 'stop-dr-servers' && parts[1]) {
			this.stopDrServers(decodeURIComponent(parts[1]));
			return { ok: true };
		}
		if (method === 'POST' && parts[0] === 'servers' && parts[1]) {
			this.setServerStatus(decodeURIComponent(parts[1]), text(input.status));
			return { ok: true };
		}
		if (method === 'POST' && parts[0] === 'projects') {
			if (typeof input.region !== 'string' || !/^[a-z0-9-]+$/.test(input.region)) {
				throw new HttpError(400, { error: { code: 'ADMIN.400', message: 'region must be a region ID such as cn-north-4' } });
			}
			return { id: this.addProject(input.region) };
		}
		if (method === 'POST' && parts[0] === 'bulk') {
			this.bulkAddGroups(text(input.projectId), Number(input.count), input.status ? text(input.status) : undefined);
			return { ok: true };
		}
		throw new HttpError(404, { error: { code: 'ADMIN.404', message: `unknown admin call ${method} ${path}` } });
	}
}

function text(v: unknown): string {
	return typeof v === 'string' ? v : JSON.stringify(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Starts a simulator and returns it (with `url` set). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const sim = new Simulator(options);
	await sim.start();
	return sim;
}
