// DR drills from the extension's side: the client's calls and the VPC list's paging against the
// simulator (real sockets, signed requests), the drill name as the API validates it, the DRILL rule
// and its tokens, and the drill flow (one request, a lost answer reconciled from the group's drills).
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DRILL, groupContextValue } from '../../src/core/actions';
import { SdrsClient, VPC_MAX_PAGES, VPC_PAGE_SIZE } from '../../src/core/client';
import { defaultDrillName, drillApplied, drillAsJob, drillNameProblem } from '../../src/core/drills';
import { explainCode } from '../../src/core/explanations';
import { explainZh } from '../support/explainZh';
import { HttpPipeline } from '../../src/core/http';
import { JobStore } from '../../src/core/jobStore';
import { silentLogger } from '../../src/core/logger';
import type { Project, ProtectionGroup } from '../../src/core/model';
import type { Alert, Notice, Ports } from '../../src/core/ports';
import { MemoryState } from '../../src/core/sharedState';
import { Workflow } from '../../src/core/workflow';
import { LIFECYCLE_REGION, projectIdFor } from '../../src/simulator/seed';
import { DEMO_CREDENTIALS, type SimulatorOptions } from '../../src/simulator/simulator';
import { rejects, rig, type Rig } from '../support/sim';

const LIFECYCLE: Project = { id: projectIdFor(LIFECYCLE_REGION), name: LIFECYCLE_REGION, region: LIFECYCLE_REGION, isSubProject: false };
const group = (status: string): ProtectionGroup => ({
	id: 'g',
	name: 'g',
	description: '',
	status,
	sourceAz: 'a',
	targetAz: 'b',
	priorityStation: 'source',
	replicationNum: 1,
	protectedInstanceNum: 1,
	drDrillNum: 0,
});

describe('DR drills: name, rule and words', () => {
	it('validates the name as the API does: ≤ 64 bytes of CJK, letters, digits, . _ -', () => {
		assert.equal(drillNameProblem('drill-1.a_b'), undefined);
		assert.equal(drillNameProblem('演练-1'), undefined);
		assert.equal(drillNameProblem(''), 'empty');
		assert.equal(drillNameProblem('has space'), 'chars');
		assert.equal(drillNameProblem('a/b'), 'chars');
		assert.equal(drillNameProblem('x'.repeat(64)), undefined);
		assert.equal(drillNameProblem('x'.repeat(65)), 'tooLong');
		assert.equal(drillNameProblem('演'.repeat(21)), undefined, '63 bytes');
		assert.equal(drillNameProblem('演'.repeat(22)), 'tooLong', '66 bytes: counted in bytes, not characters');
	});

	it('the default name is <group>-drill-<yyyymmdd-hhmm>, made valid and cut to 64 bytes', () => {
		const at = new Date(2026, 11, 4, 9, 5);
		assert.equal(defaultDrillName('dr-drill-ready', at), 'dr-drill-ready-drill-20261204-0905');
		assert.equal(defaultDrillName('my group/1', at), 'my-group-1-drill-20261204-0905');
		const long = defaultDrillName('数'.repeat(40), at);
		assert.equal(drillNameProblem(long), undefined);
		assert.ok(long.endsWith('-drill-20261204-0905'));
		assert.ok(Buffer.byteLength(long) <= 64);
	});

	it('offers a drill on the statuses of §2.4 (canCreateDrill), never while a job runs', () => {
		const allowed = ['available', 'protected', 'failed-over', 'error-starting', 'error-stopping', 'error-reversing', 'error-reprotecting', 'error-failing-over'];
		assert.deepEqual([...DRILL.from], allowed);
		for (const status of [...allowed, 'creating', 'starting', 'reversing', 'failing-over', 'error', 'error-deleting', 'deleting', 'something-new']) {
			assert.equal(/\bcanCreateDrill\b/.test(groupContextValue(group(status))), allowed.includes(status), status);
			assert.doesNotMatch(groupContextValue(group(status), { runningJobId: 'j' }), /\bcanCreateDrill\b/, status);
		}
	});

	it('a drill seen as its job: creating runs, available succeeds, error fails; a delete is done when the drill is gone', () => {
		const d = (status: string) => ({ id: 'd', name: 'n', status, drillVpcId: 'v' });
		assert.equal(drillAsJob('createDrill', d('creating'), 'g').status, 'RUNNING');
		assert.equal(drillAsJob('createDrill', d('available'), 'g').status, 'SUCCESS');
		assert.equal(drillAsJob('createDrill', d('error'), 'g').status, 'FAIL');
		assert.equal(drillAsJob('deleteDrill', d('deleting'), 'g').status, 'RUNNING');
		assert.equal(drillAsJob('deleteDrill', d('error-deleting'), 'g').status, 'FAIL');
		assert.equal(drillAsJob('deleteDrill', undefined, 'g').status, 'SUCCESS');
	});

	it('a lost delete’s evidence: the drill gone or deleting, or error-deleting unless it was error-deleting already (a retry)', () => {
		const d = (status: string) => ({ id: 'd', name: 'n', status, drillVpcId: 'v' });
		assert.equal(drillApplied('deleteDrill', undefined, { status: 'available' }), true);
		assert.equal(drillApplied('deleteDrill', d('deleting'), { status: 'error-deleting' }), true);
		assert.equal(drillApplied('deleteDrill', d('error-deleting'), { status: 'available' }), true, 'the service took it, and it failed');
		assert.equal(drillApplied('deleteDrill', d('error-deleting'), { status: 'error-deleting' }), false, 'a retry: the status it started from proves nothing');
		assert.equal(drillApplied('deleteDrill', d('available'), { status: 'available' }), false);
	});

	it('explains the drill codes in English and Chinese', () => {
		const codes = ['SDRS.1902', 'SDRS.1913', 'SDRS.1922', 'SDRS.1923', ...Array.from({ length: 24 }, (_, i) => `SDRS.${1907 + i}`)];
		for (const code of codes) {
			for (const [lang, ex] of [
				['en', explainCode(code)],
				['zh-cn', explainZh(code)],
			] as const) {
				assert.ok(ex?.explanation && ex.fix, `${code} ${lang}`);
			}
		}
		assert.match(explainCode('SDRS.1907')!.explanation, /VPC of the protection group/);
		assert.match(explainZh('SDRS.1922')!.explanation, /创建容灾演练失败/);
	});
});

describe('DR drills: the client against the simulator', () => {
	let r: Rig;
	const start = async (o: SimulatorOptions = {}): Promise<void> => {
		r = await rig({ jobDurationMs: 300, ...o });
	};
	afterEach(async () => {
		await r?.sim.stop();
	});
	const settle = (ms = 600): Promise<void> => new Promise((res) => setTimeout(res, ms));

	it('creates a drill (one POST), its job names the drill, the drill lists its servers; then deletes it (one DELETE)', async () => {
		await start();
		const g = r.sim.findGroup('dr-drill-ready');
		const vpc = r.sim.data.vpcs.find((v) => v.name === 'vpc-santiago-drill')!;
		const { jobId } = await r.client.createDrill(LIFECYCLE, { serverGroupId: g.id, name: 'unit-drill', drillVpcId: vpc.id });
		await settle();
		const job = await r.client.getJob(LIFECYCLE, jobId);
		assert.equal(job.status, 'SUCCESS');
		assert.ok(job.drillId, 'entities.disaster_recovery_drill_id is read');
		const drill = await r.client.getDrill(LIFECYCLE, job.drillId);
		assert.equal(drill.name, 'unit-drill');
		assert.equal(drill.status, 'available');
		assert.equal(drill.drillVpcId, vpc.id);
		assert.ok(drill.drillServers?.length, 'drill_servers are read');
		assert.equal(r.sim.stats.byRoute['POST /v1/{id}/disaster-recovery-drills'], 1);
		const del = await r.client.deleteDrill(LIFECYCLE, drill.id);
		await settle();
		assert.equal((await r.client.getJob(LIFECYCLE, del.jobId)).status, 'SUCCESS');
		const err = await rejects(r.client.getDrill(LIFECYCLE, drill.id));
		assert.equal(err.code, 'SDRS.1902');
		assert.equal(r.sim.stats.byRoute['DELETE /v1/{id}/disaster-recovery-drills/{id}'], 1);
	});

	it('never sends a drill request twice, whatever the failure', async () => {
		await start({ faults: [{ match: 'disaster-recovery-drills', kind: '503', count: 2 }] });
		const g = r.sim.findGroup('dr-drill-ready');
		await rejects(r.client.createDrill(LIFECYCLE, { serverGroupId: g.id, name: 'x' }));
		await rejects(r.client.deleteDrill(LIFECYCLE, 'whatever'));
		assert.equal(r.sim.stats.byRoute['POST /v1/{id}/disaster-recovery-drills'], 1);
		assert.equal(
			Object.entries(r.sim.stats.byRoute)
				.filter(([k]) => k.startsWith('DELETE'))
				.reduce((n, [, v]) => n + v, 0),
			1,
		);
	});

	it('refuses the group’s own VPC with SDRS.1907', async () => {
		await start();
		const g = r.sim.findGroup('dr-drill-ready');
		const own = await r.client.getGroup(LIFECYCLE, g.id);
		const prod = r.sim.data.vpcs.find((v) => v.name === 'vpc-santiago-prod')!;
		assert.equal(own.sourceVpcId, prod.id, 'the group names its VPC (source_vpc_id)');
		const err = await rejects(r.client.createDrill(LIFECYCLE, { serverGroupId: g.id, name: 'x', drillVpcId: prod.id }));
		assert.equal(err.code, 'SDRS.1907');
	});

	it('lists every VPC of the project page by page with marker/limit', async () => {
		await start();
		const base = r.sim.data.vpcs[0];
		for (let i = 0; i < VPC_PAGE_SIZE * 2 + 7; i++) {
			r.sim.data.vpcs.push({ ...base, id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: `extra-${i}`, projectId: LIFECYCLE.id, subnets: [] });
		}
		const expected = r.sim.data.vpcs.filter((v) => v.projectId === LIFECYCLE.id).map((v) => v.id);
		const vpcs = await r.client.listVpcs(LIFECYCLE);
		assert.deepEqual(
			vpcs.map((v) => v.id),
			expected,
		);
		assert.ok(vpcs.some((v) => v.name === 'vpc-santiago-drill'));
		assert.equal(r.sim.stats.byRoute['GET /v1/{id}/vpcs'], 3);
	});

	describe('against a VPC service that misbehaves', () => {
		let server: Server;
		afterEach(() => new Promise<void>((res) => server.close(() => res())));
		const serve = async (answer: (marker: string | null) => unknown): Promise<{ client: SdrsClient; requests: () => number }> => {
			let requests = 0;
			server = createServer((req, res) => {
				requests++;
				const marker = new URL(req.url ?? '/', 'http://x').searchParams.get('marker');
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify(answer(marker)));
			});
			await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
			const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
			const http = new HttpPipeline({ credentials: () => DEMO_CREDENTIALS, timeoutMs: 2000 });
			return { client: new SdrsClient(http, { vpc: url }), requests: () => requests };
		};
		const page = (from: number): unknown => ({ vpcs: Array.from({ length: VPC_PAGE_SIZE }, (_, i) => ({ id: `v${from + i}`, name: `v${from + i}` })) });

		it('a service that ignores the marker: the repeated page ends the list', async () => {
			const s = await serve(() => page(0));
			assert.equal((await s.client.listVpcs(LIFECYCLE)).length, VPC_PAGE_SIZE);
			assert.equal(s.requests(), 2);
		});

		it('a list that never ends is refused after the page cap, not shown cut', async () => {
			let n = 0;
			const s = await serve(() => page(VPC_PAGE_SIZE * n++));
			const err = await rejects(s.client.listVpcs(LIFECYCLE));
			assert.equal(err.kind, 'too-large');
			assert.equal(s.requests(), VPC_MAX_PAGES);
		});
	});
});

describe('DR drills: the flow (one request, lost answers reconciled from the drills)', () => {
	let r: Rig;
	let made: Workflow[] = [];
	afterEach(async () => {
		// Disposed even when a test failed: a workflow left running keeps its heartbeat (and mocha) alive.
		made.forEach((w) => w.dispose());
		made = [];
		await r?.sim.stop();
	});

	function engine(): { wf: Workflow; store: JobStore; said: Notice[]; alerts: Alert[] } {
		const store = new JobStore(new MemoryState());
		const said: Notice[] = [];
		const alerts: Alert[] = [];
		const ports: Ports = {
			confirm: () => Promise.resolve(true),
			alert: (a) => {
				alerts.push(a);
				return Promise.resolve();
			},
			notify: (n) => said.push(n),
			progress: (_w, task) => task(() => undefined),
			clock: { now: () => Date.now(), sleep: (ms) => new Promise((res) => setTimeout(res, ms)) },
		};
		const wf = new Workflow({ store, clientFor: () => r.client, ports, log: silentLogger, jobTimeoutMs: () => 30_000, reconcileMs: 2000, reconcileReadMs: 100, heartbeatMs: 1e9 });
		made.push(wf);
		return { wf, store, said, alerts };
	}
	const target = async (name: string) => ({ profileId: 'p', project: LIFECYCLE, group: await r.client.getGroup(LIFECYCLE, r.sim.findGroup(name).id) });

	it('starts a drill, follows its job and names its drill servers at the end', async () => {
		r = await rig({ jobDurationMs: 300 });
		const { wf, store, said } = engine();
		const vpc = r.sim.data.vpcs.find((v) => v.name === 'vpc-santiago-drill')!;
		const run = await wf.startDrill(await target('dr-drill-ready'), { spec: () => Promise.resolve({ name: 'flow-drill', drillVpcId: vpc.id }) });
		assert.equal(run.kind, 'started');
		const out = run.kind === 'started' ? await run.followed : undefined;
		assert.equal(out?.kind, 'SUCCESS');
		const job = store.all()[0];
		assert.equal(job.action, 'createDrill');
		assert.equal(job.outcome, 'SUCCESS');
		assert.ok(job.drill?.id, 'the drill id from the job is recorded');
		const ok = said.find((n) => n.kind === 'succeeded');
		assert.ok(ok && ok.kind === 'succeeded' && ok.drillServers?.length, 'the drill servers are named');
		assert.ok(ok.drillServers.every((s) => r.sim.data.servers.some((x) => x.name === s)));
	});

	it('a drill whose job fails (SDRS.1922) is reported failed with the code', async () => {
		r = await rig({ jobDurationMs: 300 });
		const { wf, said } = engine();
		const legacy = r.sim.data.vpcs.find((v) => v.name === 'vpc-santiago-legacy')!;
		const run = await wf.startDrill(await target('dr-drill-ready'), { spec: () => Promise.resolve({ name: 'bad-vpc', drillVpcId: legacy.id }) });
		assert.equal(run.kind === 'started' ? (await run.followed)?.kind : run.kind, 'FAIL');
		const failed = said.find((n) => n.kind === 'failed');
		assert.ok(failed && failed.kind === 'failed');
		assert.equal(failed.job.errorCode, 'SDRS.1922');
	});

	it('refuses a group whose status allows no drill, before asking anything', async () => {
		r = await rig({ jobDurationMs: 300 });
		const { wf, alerts } = engine();
		const t = await target('dr-drill-ready');
		r.sim.findGroup('dr-drill-ready').status = 'reversing';
		let asked = false;
		const run = await wf.startDrill(t, {
			spec: () => {
				asked = true;
				return Promise.resolve({ name: 'x' });
			},
		});
		assert.equal(run.kind, 'refused');
		assert.equal(asked, false);
		assert.equal(alerts[0]?.kind, 'preflightFailed');
		assert.equal(r.sim.stats.byRoute['POST /v1/{id}/disaster-recovery-drills'], undefined, 'nothing sent');
	});

	it('a create whose answer was lost is found by its name among the group’s drills, never sent again', async () => {
		r = await rig({ jobDurationMs: 600, faults: [{ match: '^POST .*disaster-recovery-drills$', kind: 'lost-response', count: 1 }] });
		const { wf, store, said } = engine();
		const run = await wf.startDrill(await target('dr-drill-ready'), { spec: () => Promise.resolve({ name: 'lost-drill' }) });
		const out = run.kind === 'started' ? await run.followed : undefined;
		assert.equal(out?.kind, 'SUCCESS');
		assert.deepEqual(
			said.map((n) => n.kind),
			['noAnswer', 'appliedAfterLostAnswer', 'succeeded'],
		);
		assert.equal(r.sim.stats.byRoute['POST /v1/{id}/disaster-recovery-drills'], 1, 'sent once');
		assert.ok(store.all()[0].drill?.id);
	});

	it('a lost create of a name that already existed is not taken for applied by the old drill', async () => {
		r = await rig({ jobDurationMs: 600, faults: [{ match: '^POST .*disaster-recovery-drills$', kind: '503', count: 1 }] });
		const { wf, said } = engine();
		const existing = r.sim.data.drills.find((d) => d.groupId === r.sim.findGroup('dr-drill-ready').id)!;
		const run = await wf.startDrill(await target('dr-drill-ready'), { spec: () => Promise.resolve({ name: existing.name }) });
		const out = run.kind === 'started' ? await run.followed : undefined;
		assert.equal(out?.kind, 'NOT_APPLIED');
		assert.deepEqual(
			said.map((n) => n.kind),
			['noAnswer', 'notApplied'],
		);
	});

	it('deletes a drill after the confirmation; a lost answer is applied once the drill is deleting or gone', async () => {
		r = await rig({ jobDurationMs: 600, faults: [{ match: '^DELETE .*disaster-recovery-drills/', kind: 'lost-response', count: 1 }] });
		const { wf, said, alerts } = engine();
		const t = await target('dr-drill-ready');
		const [drill] = await r.client.listDrills(LIFECYCLE, t.group.id);
		let asked = 0;
		const run = await wf.deleteDrill(t, drill, () => {
			asked++;
			return Promise.resolve(true);
		});
		const out = run.kind === 'started' ? await run.followed : undefined;
		assert.deepEqual(alerts, []);
		assert.equal(asked, 1);
		assert.equal(out?.kind, 'SUCCESS');
		assert.deepEqual(
			said.map((n) => n.kind),
			['noAnswer', 'appliedAfterLostAnswer', 'succeeded'],
		);
		assert.equal((await rejects(r.client.getDrill(LIFECYCLE, drill.id))).code, 'SDRS.1902');
	});

	it('a delete the user does not confirm sends nothing', async () => {
		r = await rig({ jobDurationMs: 300 });
		const { wf } = engine();
		const t = await target('dr-drill-ready');
		const [drill] = await r.client.listDrills(LIFECYCLE, t.group.id);
		assert.equal((await wf.deleteDrill(t, drill, () => Promise.resolve(false))).kind, 'cancelled');
		assert.equal(Object.keys(r.sim.stats.byRoute).filter((k) => k.startsWith('DELETE')).length, 0);
	});
});
