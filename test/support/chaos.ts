// Fault, bad-input and clock-skew runs against the simulator over real sockets. Actions run
// through the extension's own Workflow.runAction (pre-flight, confirm, one POST, reconciling a
// lost answer, following the job), with ports that confirm everything and record what the user
// would be told. `npm run chaos` runs the long profile and prints the figures; a short profile
// runs inside `npm test` (test/unit/chaos.test.ts).
import type { ActionKind } from '../../src/core/actions';
import { SdrsClient } from '../../src/core/client';
import { SdrsError } from '../../src/core/errors';
import { HttpPipeline } from '../../src/core/http';
import { silentLogger, type Logger } from '../../src/core/logger';
import { JobStore } from '../../src/core/jobStore';
import { toGroup, type Project } from '../../src/core/model';
import { sendActionOnce, type StartResult } from '../../src/core/sendAction';
import { MemoryState } from '../../src/core/sharedState';
import { Workflow } from '../../src/core/workflow';
import type { Alert, Notice, Ports } from '../../src/core/ports';
import type { PlanPorts } from '../../src/core/plans/planPorts';
import { DEMO_CREDENTIALS, startSimulator, type FaultKind, type FaultRule, type Simulator } from '../../src/simulator/simulator';

const FAULT_KINDS: FaultKind[] = ['500', '502', '503', '504', '429', 'reset', 'hang', 'malformed', 'truncated', 'lost-response'];

export interface ChaosReport {
	actions: number;
	outcomes: Record<string, number>;
	matched: number;
	mismatches: string[];
	duplicates: number;
	faults: Record<string, number>;
	requests: number;
	retries: number;
	treeLoads: number;
	treeLoadAttempts: number;
	/** POSTs answered 502 and applied a second later by the simulator. */
	lateApplied: number;
	seconds: number;
}

export function client(sim: Simulator, logger?: Logger, timeoutMs = 400): { http: HttpPipeline; client: SdrsClient } {
	const http = new HttpPipeline({ credentials: () => DEMO_CREDENTIALS, timeoutMs, baseBackoffMs: 20, maxBackoffMs: 200, logger });
	return { http, client: new SdrsClient(http, { iam: sim.url, sdrs: sim.url, ecs: sim.url }) };
}

/** The extension's workflow on an in-memory store, answering yes to every question and recording what it says per group. */
export function chaosWorkflow(c: SdrsClient, extra: { state?: MemoryState; planPorts?: PlanPorts; heartbeatMs?: number } = {}): { workflow: Workflow; said: Map<string, Alert | Notice> } {
	const said = new Map<string, Alert | Notice>();
	const groupOf = (e: Alert | Notice): string => ('group' in e ? e.group.id : 'job' in e ? e.job.groupId : e.batch.batchId);
	const ports: Ports = {
		confirm: () => Promise.resolve(true),
		alert: (a) => (said.set(groupOf(a), a), Promise.resolve()),
		notify: (n) => said.set(groupOf(n), n),
		progress: (_what, task) => task(() => undefined),
		clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
	};
	// A reconcile window of 2.5 s read every 250 ms stands for the 60 s one read every 2 s (10 reads
	// for 30, where 2 reads would make an unreadable group far likelier than in the product): the
	// simulator applies late POSTs after 1 s.
	const workflow = new Workflow({
		store: new JobStore(extra.state ?? new MemoryState()),
		clientFor: () => c,
		ports,
		log: silentLogger,
		jobTimeoutMs: () => 60_000,
		reconcileMs: 2500,
		reconcileReadMs: 250,
		maxConcurrentRequests: () => 4,
		heartbeatMs: extra.heartbeatMs,
		planPorts: extra.planPorts,
	});
	return { workflow, said };
}

/**
 * `rate` of all calls failing, spread over every fault kind; plus a gateway that answers 502 and
 * whose backend applies the POST a second later: the first two POSTs always (so every run has
 * some, whatever the order of requests), then 8% of them at random.
 */
export function chaosFaults(rate: number): FaultRule[] {
	const perKind = 1 - Math.pow(1 - rate, 1 / FAULT_KINDS.length);
	return [
		{ match: '^POST .*/action$', kind: 'late-apply', count: 2, applyAfterMs: 1000 },
		...FAULT_KINDS.map((kind): FaultRule => ({ match: '.', kind, rate: perKind })),
		{ match: '^POST .*/action$', kind: 'late-apply', rate: 0.08, applyAfterMs: 1000 },
	];
}

/** `actions` Enable / Enable Again actions with `faultRate` of all calls failing. */
export async function runFaults(opts: { actions: number; faultRate?: number; concurrency?: number; seed?: number }): Promise<ChaosReport> {
	const started = Date.now();
	const faults = chaosFaults(opts.faultRate ?? 0.2);
	const sim = await startSimulator({ seed: 'empty', jobDurationMs: 1200, transitionDelayMs: 150, randomSeed: opts.seed ?? 1 });
	// Retries are counted from outside the pipeline: each one is a debug line of its log.
	let retries = 0;
	const { client: c } = client(sim, { ...silentLogger, debug: (m) => void (m.startsWith('retrying ') && retries++) });
	const { workflow, said } = chaosWorkflow(c);
	const projectId = sim.projects().find((p) => p.name === 'cn-north-4')!.id;
	const project: Project = { id: projectId, name: 'cn-north-4', region: 'cn-north-4', isSubProject: false };
	const poolSize = Math.max(8, (opts.concurrency ?? 10) * 2);
	sim.bulkAddGroups(projectId, poolSize, 'available');
	const pool = sim.groups(projectId);
	pool.forEach((g, i) => {
		if (i % 2) {
			sim.patchGroup(g.id, { status: 'failed-over', priority_station: 'target' });
		}
	});
	sim.configure({ faults });
	const report: ChaosReport = {
		actions: 0,
		outcomes: {},
		matched: 0,
		mismatches: [],
		duplicates: 0,
		faults: {},
		requests: 0,
		retries: 0,
		treeLoads: 0,
		treeLoadAttempts: 0,
		lateApplied: 0,
		seconds: 0,
	};
	const free = new Set(pool.map((g) => g.id));
	const believed: Record<string, number> = {};
	let next = 0;
	const count = (k: string): void => {
		report.outcomes[k] = (report.outcomes[k] ?? 0) + 1;
	};

	const oneAction = async (n: number): Promise<void> => {
		const id = [...free][n % free.size];
		free.delete(id);
		try {
			const truth = sim.group(id)!;
			const action: ActionKind = truth.status === 'available' ? 'enable' : 'enableAgain';
			sim.patchGroup(id, { nextOutcome: n % 7 === 0 ? 'fail' : 'success' });
			const jobsBefore = sim.stats.jobsCreated[id] ?? 0;
			const postsBefore = sim.stats.actionPosts[id] ?? 0;
			let kind: string;
			let created = 0;
			let expectStatus: string | undefined;
			try {
				said.delete(id);
				// The group as the tree last showed it (the simulator's record is the wire form).
				const shown = toGroup({ ...truth })!;
				const result = await workflow.runAction({ profileId: 'chaos', project, group: shown }, action);
				const told = said.get(id);
				if (result.kind === 'started') {
					const outcome = await result.followed;
					if (outcome?.kind === 'NOT_APPLIED') {
						kind = 'not-applied';
					} else if (outcome?.kind === 'UNKNOWN') {
						kind = 'unknown';
					} else {
						created = 1;
						kind = `${result.job.trackBy === 'group' ? 'applied' : 'started'}:${outcome?.kind ?? 'none'}`;
						expectStatus = outcome?.kind === 'SUCCESS' ? 'protected' : outcome?.kind === 'FAIL' ? (action === 'enable' ? 'error-starting' : 'error-reprotecting') : undefined;
					}
				} else {
					kind = told?.kind === 'preflightFailed' ? 'checks-failed' : told?.kind === 'notApplied' ? 'not-applied' : told?.kind === 'outcomeUnknown' ? 'unknown' : (told?.kind ?? result.kind);
				}
			} catch (e) {
				// A read failed even after retries: nothing was sent. The user sees it and tries again.
				kind = e instanceof SdrsError ? 'preflight-error' : `crash:${String(e)}`;
			}
			count(kind);
			report.actions++;
			believed[id] = (believed[id] ?? 0) + created;
			const jobsAfter = sim.stats.jobsCreated[id] ?? 0;
			const posts = (sim.stats.actionPosts[id] ?? 0) - postsBefore;
			if (posts > 1) {
				report.duplicates += posts - 1;
			}
			const status = sim.group(id)!.status;
			const problems: string[] = [];
			if (jobsAfter - jobsBefore !== created) {
				problems.push(`server created ${jobsAfter - jobsBefore} job(s), client thinks ${created}`);
			}
			if (created && expectStatus !== status) {
				problems.push(`client outcome ${kind} but the group is ${status}`);
			}
			if (!created && status !== truth.status) {
				problems.push(`client says not started but the group went from ${truth.status} to ${status}`);
			}
			if (kind.startsWith('crash') || kind === 'unknown' || /TIMEOUT|ERROR/.test(kind)) {
				problems.push(`no definite outcome (${kind})`);
			}
			if (problems.length) {
				report.mismatches.push(`action ${n} on ${id}: ${problems.join('; ')}`);
			} else {
				report.matched++;
			}
			sim.patchGroup(id, { status: action === 'enable' ? 'available' : 'failed-over' });
		} finally {
			free.add(id);
		}
	};

	const treeLoad = async (): Promise<void> => {
		for (;;) {
			report.treeLoadAttempts++;
			try {
				await c.listGroups(project);
				report.treeLoads++;
				return;
			} catch {
				// the error item's Retry, pressed again
			}
		}
	};

	const workers = Array.from({ length: opts.concurrency ?? 10 }, async () => {
		while (next < opts.actions) {
			const n = next++;
			await oneAction(n);
			if (n % 10 === 0) {
				await treeLoad();
			}
		}
	});
	await Promise.all(workers);
	await workflow.suspend();
	// A POST the gateway answered with an error may still be applied afterwards: wait longer than
	// the simulator's late apply, then compare every group's jobs with what the client said.
	await new Promise((r) => setTimeout(r, 1500));
	for (const g of pool) {
		if ((sim.stats.jobsCreated[g.id] ?? 0) !== (believed[g.id] ?? 0)) {
			report.mismatches.push(`group ${g.id}: the server created ${sim.stats.jobsCreated[g.id] ?? 0} job(s) in all, the client reported ${believed[g.id] ?? 0}`);
		}
	}
	report.lateApplied = sim.stats.faults['late-apply'] ?? 0;
	report.faults = { ...sim.stats.faults };
	report.requests = sim.stats.requests;
	report.retries = retries;
	report.seconds = (Date.now() - started) / 1000;
	await sim.stop();
	return report;
}

export interface BatchChaosReport {
	batches: number;
	/** Groups sent (planned eligible) over all batches. */
	groups: number;
	outcomes: Record<string, number>;
	matched: number;
	mismatches: string[];
	/** POSTs beyond one per group, not counting those the gateway refused with 429. */
	duplicates: number;
	throttledResent: number;
	faults: Record<string, number>;
	lateApplied: number;
	seconds: number;
}

/**
 * `batches` batches of Enable Protection Again over `groups` failed-over groups each, through the
 * extension's own Batches (plan, send, follow), with `faultRate` of all calls failing (429s and
 * late applies on the POSTs included). Every outcome is compared with the simulator's truth.
 */
export async function runBatchFaults(opts: { batches: number; groups: number; faultRate?: number; seed?: number }): Promise<BatchChaosReport> {
	const started = Date.now();
	const faults = chaosFaults(opts.faultRate ?? 0.2);
	const sim = await startSimulator({ seed: 'empty', jobDurationMs: 1200, transitionDelayMs: 150, randomSeed: opts.seed ?? 1 });
	const { client: c } = client(sim);
	const { workflow } = chaosWorkflow(c);
	const projectId = sim.projects().find((p) => p.name === 'cn-north-4')!.id;
	const project: Project = { id: projectId, name: 'cn-north-4', region: 'cn-north-4', isSubProject: false };
	sim.bulkAddGroups(projectId, opts.groups, 'failed-over');
	const pool = sim.groups(projectId);
	const report: BatchChaosReport = { batches: 0, groups: 0, outcomes: {}, matched: 0, mismatches: [], duplicates: 0, throttledResent: 0, faults: {}, lateApplied: 0, seconds: 0 };
	const count = (k: string): void => {
		report.outcomes[k] = (report.outcomes[k] ?? 0) + 1;
	};
	for (let b = 0; b < opts.batches; b++) {
		sim.configure({ faults: [] });
		pool.forEach((g, i) => sim.patchGroup(g.id, { status: 'failed-over', priority_station: 'target', nextOutcome: (i + b) % 7 === 0 ? 'fail' : 'success' }));
		const before = new Map(pool.map((g) => [g.id, { jobs: sim.stats.jobsCreated[g.id] ?? 0, posts: sim.stats.actionPosts[g.id] ?? 0, throttled: sim.stats.actionPostsThrottled[g.id] ?? 0 }]));
		sim.configure({ faults: faults.map((f) => ({ ...f })) });
		const targets = pool.map((g) => ({ profileId: 'chaos', project, group: toGroup({ ...g })! }));
		const plan = await workflow.batches.plan(targets, 'enableAgain');
		for (const p of plan.filter((x) => !x.eligible)) {
			count(p.error ? 'check-error' : 'checks-failed');
		}
		const { batch, done } = await workflow.batches.start(plan, 'enableAgain');
		await done;
		report.batches++;
		// A POST the gateway answered with an error may still be applied afterwards.
		await new Promise((r) => setTimeout(r, 1200));
		sim.configure({ faults: [] });
		const ended = workflow.deps.store.batch(batch.batchId)!;
		for (const e of ended.entries) {
			report.groups++;
			const job = e.jobId ? workflow.deps.store.get(e.jobId) : undefined;
			const was = before.get(e.groupId)!;
			const jobs = (sim.stats.jobsCreated[e.groupId] ?? 0) - was.jobs;
			const throttled = (sim.stats.actionPostsThrottled[e.groupId] ?? 0) - was.throttled;
			const posts = (sim.stats.actionPosts[e.groupId] ?? 0) - was.posts;
			report.throttledResent += throttled;
			if (posts - throttled > 1) {
				report.duplicates += posts - throttled - 1;
			}
			const status = sim.group(e.groupId)!.status;
			const kind = e.state === 'sent' ? `${job?.trackBy === 'group' ? 'applied' : 'started'}:${job?.outcome ?? (job?.notFollowed ? 'not-followed' : 'none')}` : e.state;
			count(kind);
			const problems: string[] = [];
			const created = job?.outcome === 'SUCCESS' || job?.outcome === 'FAIL' ? 1 : 0;
			if (jobs !== created) {
				problems.push(`server created ${jobs} job(s), client thinks ${created}`);
			}
			if (job?.outcome === 'SUCCESS' && status !== 'protected') {
				problems.push(`client says SUCCESS but the group is ${status}`);
			}
			if (job?.outcome === 'FAIL' && status !== 'error-reprotecting') {
				problems.push(`client says FAIL but the group is ${status}`);
			}
			if (!created && status !== 'failed-over') {
				problems.push(`client says nothing was applied (${kind}) but the group is ${status}`);
			}
			if (e.state === 'sent' && !created && job?.outcome !== 'NOT_APPLIED') {
				problems.push(`no definite outcome (${kind})`);
			}
			if (e.state === 'queued' || e.state === 'sending' || e.state === 'unsent') {
				problems.push(`left ${e.state}`);
			}
			if (problems.length) {
				report.mismatches.push(`batch ${b}, ${e.groupName}: ${problems.join('; ')}`);
			} else {
				report.matched++;
			}
		}
	}
	await workflow.suspend();
	report.lateApplied = sim.stats.faults['late-apply'] ?? 0;
	report.faults = { ...sim.stats.faults };
	report.seconds = (Date.now() - started) / 1000;
	await sim.stop();
	return report;
}

export interface BadInputCase {
	name: string;
	route: 'list' | 'get' | 'job' | 'action' | 'projects';
	status?: number;
	body?: string;
	headers?: Record<string, string>;
	kind?: FaultKind;
}

const group = (extra: Record<string, unknown>): string => JSON.stringify({ server_groups: [{ id: 'g1', name: 'n', status: 'available', replication_num: 1, ...extra }], count: 1 });

export const BAD_INPUTS: BadInputCase[] = [
	{ name: 'malformed JSON', route: 'list', body: '{"server_groups": [' },
	{ name: 'HTML 502 page', route: 'list', kind: 'html502' },
	{ name: 'empty 200', route: 'list', body: '' },
	{ name: 'null body', route: 'list', body: 'null' },
	{ name: 'array instead of object', route: 'list', body: '[]' },
	{ name: 'server_groups null', route: 'list', body: '{"server_groups": null}' },
	{ name: 'server_groups a string', route: 'list', body: '{"server_groups": "nope"}' },
	{ name: 'list of non-objects', route: 'list', body: '{"server_groups": [1, "x", null, true]}' },
	{ name: 'wrong types', route: 'list', body: '{"server_groups": [{"id": 42, "name": ["a"], "status": {"x": 1}, "replication_num": "many"}]}' },
	{ name: 'missing fields', route: 'list', body: '{"server_groups": [{}]}' },
	{ name: 'unknown status', route: 'list', body: group({ status: 'quantum-entangled' }) },
	{ name: 'negative progress', route: 'list', body: group({ progress: -50 }) },
	{ name: 'absurd progress', route: 'list', body: group({ progress: 1e308 }) },
	{ name: 'absurd counts', route: 'list', body: group({ replication_num: 1e20, protected_instance_num: -5 }) },
	{ name: 'non-ASCII name', route: 'list', body: group({ name: '数据库-主站 🚀 Ünïcödé' }) },
	{ name: 'control characters in name', route: 'list', body: group({ name: 'evil\u0000\u001b[31mred\u0007' }) },
	{ name: 'Markdown link in name', route: 'list', body: group({ name: '[click me](https://example.com) **bold**' }) },
	{ name: 'command: link in name', route: 'list', body: group({ name: '[run](command:sdrs.removeProfile)' }) },
	{ name: 'command: link in description', route: 'list', body: group({ description: '<a href="command:workbench.action.quit">x</a>' }) },
	{ name: 'id with /', route: 'list', body: group({ id: 'a/b' }) },
	{ name: 'id ..', route: 'list', body: group({ id: '..' }) },
	{ name: 'id with %', route: 'list', body: group({ id: '%2F%2e%2e' }) },
	{ name: '10 MB body', route: 'list', body: `{"server_groups": [], "pad": "${'x'.repeat(10 * 1024 * 1024)}"}` },
	{ name: 'slow-drip body', route: 'list', kind: 'drip' },
	{ name: 'absurd count', route: 'list', body: '{"server_groups": [], "count": 1e12}' },
	{ name: 'truncated mid-string', route: 'list', body: '{"server_groups": [{"id": "g1", "name": "abc' },
	{ name: 'byte-order mark', route: 'list', body: '\ufeff{"server_groups": []}' },
	{ name: 'deep nesting', route: 'list', body: `{"server_groups": ${'['.repeat(5000)}${']'.repeat(5000)}}` },
	{
		name: 'duplicate ids',
		route: 'list',
		body: JSON.stringify({
			server_groups: [
				{ id: 'd', name: 'one' },
				{ id: 'd', name: 'two' },
			],
		}),
	},
	{ name: 'group null', route: 'get', body: '{"server_group": null}' },
	{ name: 'group with empty id', route: 'get', body: '{"server_group": {"id": ""}}' },
	{ name: 'HTML 404', route: 'get', status: 404, body: '<!DOCTYPE html><html><title>Not Found</title></html>' },
	{ name: 'error without message', route: 'get', status: 400, body: '{"error": {"code": "SDRS.1013"}}' },
	{ name: 'plain-text 500', route: 'get', status: 500, body: 'upstream connect error or disconnect/reset before headers' },
	{ name: 'unknown job status', route: 'job', body: '{"status": "WEIRD", "job_id": "j"}' },
	{ name: 'sub_jobs null', route: 'job', body: '{"status": "FAIL", "entities": {"sub_jobs": null}}' },
	{ name: '10,000 sub-jobs', route: 'job', body: JSON.stringify({ status: 'FAIL', entities: { sub_jobs: Array.from({ length: 10_000 }, (_, i) => ({ status: 'FAIL', job_id: String(i) })) } }) },
	{ name: 'numeric error_code', route: 'job', body: '{"status": "FAIL", "error_code": 12345, "fail_reason": ["x"]}' },
	{ name: 'entities a string', route: 'job', body: '{"status": "RUNNING", "entities": "x"}' },
	{ name: 'action 200 without job_id', route: 'action', body: '{}' },
	{ name: 'action job_id null', route: 'action', body: '{"job_id": null}' },
	{ name: 'action job_id an object', route: 'action', body: '{"job_id": {"a": 1}}' },
	{ name: 'action 401 HTML', route: 'action', status: 401, body: '<html><body>Unauthorized</body></html>' },
	{ name: 'project name null', route: 'projects', body: '{"projects": [{"id": "x", "name": null, "domain_id": "d", "parent_id": "d"}]}' },
	{ name: 'projects null', route: 'projects', body: '{"projects": null}' },
	{ name: '429 with a garbage Retry-After', route: 'projects', status: 429, body: '{"error_code": "APIGW.0308", "error_msg": "throttled"}', headers: { 'Retry-After': 'soon-ish' } },
];

const ROUTES: Record<BadInputCase['route'], string> = {
	list: '^GET /v1/[^/]+/server-groups$',
	get: '^GET /v1/[^/]+/server-groups/[^/]+$',
	job: '^GET /v1/[^/]+/jobs/',
	action: '^POST .*/action$',
	projects: '^GET /v3/',
};

export interface BadInputReport {
	cases: number;
	byOutcome: Record<string, number>;
	crashes: string[];
	hangs: string[];
	treeUsableAfterEach: boolean;
	lines: string[];
}

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/**
 * What would turn text shown to the user into something else: a Markdown link, a command: URI or
 * a $(icon) (notifications render the first two as clickable links, QuickPick labels the third).
 * Error messages reach notifications as they are, so they are checked for these.
 */
export function userFacingProblems(text: string): string[] {
	const problems: string[] = [];
	if (/\[[^\]]*\]\([^)]*\)/.test(text)) {
		problems.push('Markdown link');
	}
	if (/command:/i.test(text)) {
		problems.push('command: URI');
	}
	if (/\$\([a-z0-9~-]+\)/i.test(text)) {
		problems.push('$(icon)');
	}
	if (UNSAFE.test(text)) {
		problems.push('control character');
	}
	return problems;
}

/** True when any string inside carries control characters (they could corrupt what is shown). */
function hasUnsafeText(value: unknown, depth = 0): boolean {
	if (typeof value === 'string') {
		return UNSAFE.test(value);
	}
	if (value === null || typeof value !== 'object' || depth > 6) {
		return false;
	}
	return Object.values(value as Record<string, unknown>).some((v) => hasUnsafeText(v, depth + 1));
}

/** Feeds each bad answer to the client once (no retries) and classifies what the user would get. */
export async function runBadInput(): Promise<BadInputReport> {
	const sim = await startSimulator();
	const { client: c } = client(sim, undefined, 1500);
	const project: Project = { id: sim.projects().find((p) => p.name === 'cn-north-4')!.id, name: 'cn-north-4', region: 'cn-north-4', isSubProject: false };
	const strict = new SdrsClient(new HttpPipeline({ credentials: () => DEMO_CREDENTIALS, timeoutMs: 4000, maxAttempts: 1 }), { iam: sim.url, sdrs: sim.url, ecs: sim.url });
	const report: BadInputReport = { cases: 0, byOutcome: {}, crashes: [], hangs: [], treeUsableAfterEach: true, lines: [] };
	const anyGroup = sim.findGroup('crm-web');
	for (const bad of BAD_INPUTS) {
		sim.configure({ faults: [{ match: ROUTES[bad.route], kind: bad.kind ?? 'respond', rate: 1, status: bad.status ?? 200, body: bad.body, headers: bad.headers }] });
		const call = async (): Promise<unknown> => {
			switch (bad.route) {
				case 'list':
					return strict.listGroups(project);
				case 'get':
					return strict.getGroup(project, anyGroup.id);
				case 'job':
					return strict.getJob(project, '0123456789abcdef0123456789abcdef');
				case 'action':
					return sendActionOnce(
						strict,
						project,
						(await c.listGroups(project)).find((g) => g.id === anyGroup.id)!,
						'enable',
					);
				case 'projects':
					return strict.listProjects();
			}
		};
		let outcome: string;
		let detail = '';
		const timer = new Promise<'hang'>((r) => setTimeout(() => r('hang'), 6000));
		try {
			const value = await Promise.race([call(), timer]);
			if (value === 'hang') {
				outcome = 'hang';
				report.hangs.push(bad.name);
			} else {
				const kind = (value as Partial<StartResult> | undefined)?.kind;
				outcome = hasUnsafeText(value) ? 'unsafe-value' : kind ? `action:${kind}` : 'safe-value';
				detail = (JSON.stringify(value) ?? '').slice(0, 90);
			}
		} catch (e) {
			if (e instanceof SdrsError || e instanceof RangeError) {
				outcome = `clear-error:${e instanceof SdrsError ? e.kind : 'refused'}`;
				detail = e instanceof SdrsError ? e.toString() : e.message;
				if (!detail.trim()) {
					outcome = 'unclear-error';
				} else if (userFacingProblems(e.message).length) {
					outcome = 'unsafe-error';
					detail = `${userFacingProblems(e.message).join(', ')}: ${detail}`;
				}
			} else {
				outcome = 'crash';
				detail = String(e);
				report.crashes.push(`${bad.name}: ${detail}`);
			}
		}
		report.cases++;
		report.byOutcome[outcome] = (report.byOutcome[outcome] ?? 0) + 1;
		report.lines.push(`${bad.name.padEnd(32)} ${outcome.padEnd(24)} ${detail.replace(/\s+/g, ' ').slice(0, 100)}`);
		sim.configure({ faults: [] });
		try {
			await c.listGroups(project);
		} catch {
			report.treeUsableAfterEach = false;
		}
	}
	await sim.stop();
	return report;
}

export interface SkewReport {
	authFailures: number;
	corrections: number;
	clockLogLines: number;
	succeeded: boolean;
}

/** The simulator's clock 20 minutes ahead: the first request fails on the date, then succeeds. */
export async function runClockSkew(): Promise<SkewReport> {
	const sim = await startSimulator({ clockOffsetMs: 20 * 60_000 });
	const lines: string[] = [];
	const logger: Logger = { info: () => undefined, debug: () => undefined, error: (m) => lines.push(m), warn: (m) => lines.push(m) };
	const { client: c } = client(sim, logger, 2000);
	let succeeded = true;
	try {
		const projects = await c.listProjects();
		for (const p of projects.slice(0, 3)) {
			await c.listGroups(p);
		}
	} catch {
		succeeded = false;
	}
	const result = { authFailures: sim.stats.authFailures, corrections: lines.filter((l) => /clock differs/.test(l)).length, clockLogLines: lines.filter((l) => /clock/i.test(l)).length, succeeded };
	await sim.stop();
	return result;
}
