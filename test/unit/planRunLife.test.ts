// A recovery plan run's life across windows and failures: a run taken from a stalled window only
// after a grace (that window then drives it no more), a step whose batch record is gone, Stop
// while a step's batch is recorded, a failed store write, Stop in a planned failover.
import * as assert from 'node:assert/strict';
import type { Project } from '../../src/core/model';
import type { ResolvedStep, StoredPlanRun } from '../../src/core/plans/types';
import { MemoryState } from '../../src/core/sharedState';
import { FAILOVER_REGION, LIFECYCLE_REGION, projectIdFor } from '../../src/simulator/seed';
import { rig, type Rig } from '../support/sim';
import { plan, planHarness, target, type PlanHarness } from '../support/planHarness';

const failoverProject: Project = { id: projectIdFor(FAILOVER_REGION), name: FAILOVER_REGION, region: FAILOVER_REGION, isSubProject: false };
const lifecycle: Project = { id: projectIdFor(LIFECYCLE_REGION), name: LIFECYCLE_REGION, region: LIFECYCLE_REGION, isSubProject: false };
const gz = (n: number): string => `gz-${['web', 'api', 'db', 'cache', 'mq', 'batch'][(n - 1) % 6]}-${String(n).padStart(2, '0')}`;
const groupsStep = (r: Rig, project: Project, names: string[]): ResolvedStep => ({ kind: 'groups', targets: names.map((n) => target(r, project, n)) });
const posts = (r: Rig, names: string[]): number[] => names.map((n) => r.sim.stats.actionPosts[r.sim.findGroup(n).id] ?? 0);
const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));
const runsOf = (h: PlanHarness): StoredPlanRun[] => h.store.state.get<StoredPlanRun[]>('sdrs.planRuns', []);
async function until(what: () => boolean): Promise<void> {
	while (!what()) {
		await sleep(20);
	}
}
/** The run's lease runs out as if its window slept past it. */
const expireLease = (state: MemoryState): Thenable<void> =>
	state.update(
		'sdrs.planRuns',
		state.get<StoredPlanRun[]>('sdrs.planRuns', []).map((r) => ({ ...r, lease: r.lease && { ...r.lease, until: Date.now() - 1 } })),
	);
type Thenable<T> = PromiseLike<T>;

describe('recovery plans: a run across windows and failures', function () {
	this.timeout(60_000);
	let r: Rig;
	let hs: PlanHarness[];
	beforeEach(async () => {
		r = await rig();
		for (const g of r.sim.groups(failoverProject.id)) {
			r.sim.patchGroup(g.id, { jobDurationMs: 300 });
		}
		hs = [];
	});
	afterEach(async () => {
		for (const h of hs) {
			await h.workflow.suspend();
			h.workflow.dispose();
		}
		await r.sim.stop();
	});
	const harness = (state: MemoryState, heartbeatMs?: number): PlanHarness => {
		const h = planHarness(r, state, 60_000, heartbeatMs);
		hs.push(h);
		return h;
	};

	it('a run whose window stalled past its lease is taken only after a grace, and that window then drives it no more', async () => {
		const state = new MemoryState();
		const a = harness(state);
		const p = plan('Shop', failoverProject, [{ kind: 'wait', seconds: 30 }, groupsStep(r, failoverProject, [gz(1)])]);
		const s = await a.workflow.plans.start(p, 'enableAgain');
		assert.equal(s.kind, 'started');
		await until(() => runsOf(a)[0]?.steps[0].state === 'running');
		await expireLease(state);
		const b = harness(state);
		const from = Date.now();
		assert.equal(b.workflow.resumeAll(), 1);
		await until(() => b.interrupted.length > 0);
		assert.ok(Date.now() - from >= 3 * 200, `taken after ${Date.now() - from}ms: not before three heartbeats`);
		assert.deepEqual(a.workflow.plans.running(), [], 'the stalled window drives the run no more');
		assert.equal(runsOf(b)[0].lease?.owner, b.store.owner);
	});

	it('a window whose run was taken sends nothing more: the next step checks the lease before it starts', async () => {
		const state = new MemoryState();
		const a = harness(state, 60_000); // its heartbeat never comes: only the check before a step can stop it
		const p = plan('Shop', failoverProject, [{ kind: 'wait', seconds: 1 }, groupsStep(r, failoverProject, [gz(1)])]);
		const s = await a.workflow.plans.start(p, 'enableAgain');
		assert.equal(s.kind, 'started');
		await until(() => runsOf(a)[0]?.steps[0].state === 'running');
		await expireLease(state);
		const b = harness(state);
		b.workflow.resumeAll();
		await until(() => b.interrupted.length > 0);
		await sleep(1500);
		assert.deepEqual(posts(r, [gz(1)]), [0], 'nothing sent by the window that lost the run');
		assert.deepEqual(a.workflow.plans.running(), []);
		const end = (await b.workflow.plans.continueRun(b.interrupted[0].runId))!;
		assert.equal(end.state, 'ended');
		assert.deepEqual(posts(r, [gz(1)]), [1]);
	});

	it('a step whose batch record is gone counts as ended: each group’s end from its job, the run goes on', async () => {
		const state = new MemoryState();
		let a = harness(state);
		const p = plan('Shop', failoverProject, [groupsStep(r, failoverProject, [gz(1)]), groupsStep(r, failoverProject, [gz(2)])]);
		const s = await a.workflow.plans.start(p, 'enableAgain');
		assert.equal(s.kind, 'started');
		await until(() => a.store.batches()[0]?.entries.every((e) => e.state === 'sent'));
		await a.workflow.suspend();
		a = harness(state);
		a.workflow.resumeAll();
		await until(() => a.interrupted.length > 0 && !!a.store.batches()[0]?.endedAt);
		await state.update('sdrs.batches', []); // pruned by a window that does not know the run
		const end = (await Promise.race([a.workflow.plans.continueRun(a.interrupted[0].runId), sleep(8000).then(() => undefined)]))!;
		assert.ok(end, 'the run ended');
		assert.equal(end.state, 'ended');
		assert.deepEqual(
			end.steps.map((x) => [x.state, x.groups!.map((g) => g.end)]),
			[
				['done', ['succeeded']],
				['done', ['succeeded']],
			],
		);
	});

	it('Clear Job History keeps the batch of an unfinished plan run', async () => {
		const state = new MemoryState();
		const a = harness(state);
		const p = plan('Shop', failoverProject, [groupsStep(r, failoverProject, [gz(1)]), { kind: 'prompt', text: 'Go on?' }]);
		let release!: (v: boolean) => void;
		a.answer = () => new Promise<boolean>((res) => (release = res));
		const s = await a.workflow.plans.start(p, 'enableAgain');
		assert.equal(s.kind, 'started');
		await until(() => a.prompts.length > 0);
		await a.store.clear(true);
		assert.equal(a.store.batches().length, 1, 'the run’s batch is kept');
		release(true);
		const end = (await (s.kind === 'started' ? s.done : undefined))!;
		assert.equal(end.state, 'ended');
		await a.store.clear(false);
		assert.equal(a.store.batches().length, 0, 'cleared once the run has ended');
	});

	it('Stop while a step’s batch is being recorded: none of it is sent', async () => {
		const h = harness(new MemoryState());
		const names = [1, 2, 3, 4, 5, 6].map(gz);
		const p = plan('Shop', failoverProject, [groupsStep(r, failoverProject, names)]);
		const sub = h.store.onDidChange(() => {
			const run = runsOf(h)[0];
			if (run && h.store.batches().length) {
				sub.dispose();
				h.workflow.plans.stop(run.runId);
			}
		});
		const s = await h.workflow.plans.start(p, 'enableAgain');
		assert.equal(s.kind, 'started');
		const end = (await (s.kind === 'started' ? s.done : undefined))!;
		assert.equal(end.state, 'stopped');
		await sleep(500);
		assert.deepEqual(posts(r, names), [0, 0, 0, 0, 0, 0]);
	});

	it('a failed store write ends the run as stopped with the reason, and frees it', async () => {
		const h = harness(new MemoryState());
		const runs = h.workflow.plans.runs;
		const patch = runs.patch.bind(runs);
		runs.patch = (id, fields) => ('current' in fields ? Promise.reject(new Error('the disk is full')) : patch(id, fields));
		const p = plan('Shop', failoverProject, [{ kind: 'wait', seconds: 0 }, groupsStep(r, failoverProject, [gz(1)])]);
		const s = await h.workflow.plans.start(p, 'enableAgain');
		assert.equal(s.kind, 'started');
		const end = (await (s.kind === 'started' ? s.done : undefined))!;
		assert.equal(end.state, 'stopped');
		assert.match(end.haltReason ?? '', /the disk is full/);
		assert.deepEqual(h.workflow.plans.running(), []);
		assert.deepEqual(posts(r, [gz(1)]), [0], 'no step after the failed write');
	});

	it('Stop in a Planned Failover ends the run stopped, not halted', async () => {
		const h = harness(new MemoryState());
		const p = plan('Switch', lifecycle, [groupsStep(r, lifecycle, ['dr-switchover-ready'])]);
		const sub = h.store.onDidChange(() => {
			const run = runsOf(h)[0];
			if (run && h.store.batches().length) {
				sub.dispose();
				h.workflow.plans.stop(run.runId);
			}
		});
		const s = await h.workflow.plans.start(p, 'plannedFailover');
		assert.equal(s.kind, 'started');
		const end = (await (s.kind === 'started' ? s.done : undefined))!;
		assert.equal(end.state, 'stopped');
		assert.equal(end.haltReason, 'stopped by the user');
	});
});
