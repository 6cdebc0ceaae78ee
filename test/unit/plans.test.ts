// Running recovery plans (core/plans/run.ts) against the simulator over real sockets: halt vs go
// on, steps in order and never overlapping, prompts that pause, Stop, the refusal as a whole of a
// planned failover, resume after a reload (never a new step without the user), RTOs, rehearsals.
import * as assert from 'node:assert/strict';
import type { Project } from '../../src/core/model';
import { drillsLeft } from '../../src/core/plans/cleanUp';
import type { PlanMode, ResolvedPlan, ResolvedStep, StoredPlanRun } from '../../src/core/plans/types';
import { PlanRunStore } from '../../src/core/plans/runStore';
import { MemoryState } from '../../src/core/sharedState';
import { FAILOVER_REGION, LIFECYCLE_REGION, projectIdFor } from '../../src/simulator/seed';
import { stepOrderProblems } from '../support/chaosPlans';
import { rig, type Rig } from '../support/sim';
import { plan, planHarness, target, type PlanHarness } from '../support/planHarness';

const failoverProject: Project = { id: projectIdFor(FAILOVER_REGION), name: FAILOVER_REGION, region: FAILOVER_REGION, isSubProject: false };
const lifecycle: Project = { id: projectIdFor(LIFECYCLE_REGION), name: LIFECYCLE_REGION, region: LIFECYCLE_REGION, isSubProject: false };

const gz = (n: number): string => `gz-${['web', 'api', 'db', 'cache', 'mq', 'batch'][(n - 1) % 6]}-${String(n).padStart(2, '0')}`;
const groupsStep = (r: Rig, project: Project, names: string[], label?: string): ResolvedStep => ({ kind: 'groups', label, targets: names.map((n) => target(r, project, n)) });

async function started(h: PlanHarness, p: ResolvedPlan, mode: PlanMode): Promise<{ run: StoredPlanRun; done: Promise<StoredPlanRun | undefined> }> {
	const s = await h.workflow.plans.start(p, mode);
	assert.equal(s.kind, 'started', JSON.stringify(s.kind === 'started' ? '' : s.check.ineligible.map((e) => e.checks)));
	if (s.kind !== 'started') {
		throw new Error('not started');
	}
	return s;
}

const posts = (r: Rig, names: string[]): number[] => names.map((n) => r.sim.stats.actionPosts[r.sim.findGroup(n).id] ?? 0);

/** Every step started after the previous one ended; every batch too. */
function assertInOrder(h: PlanHarness, run: StoredPlanRun): void {
	assert.deepEqual(stepOrderProblems(h.store, run), []);
}

describe('recovery plans: running a plan', function () {
	this.timeout(60_000);
	let r: Rig;
	let h: PlanHarness;
	beforeEach(async () => {
		r = await rig();
		for (const g of r.sim.groups(failoverProject.id)) {
			r.sim.patchGroup(g.id, { jobDurationMs: 300 + (g.name.length % 4) * 100 });
		}
		h = planHarness(r);
	});
	afterEach(async () => {
		await h.workflow.suspend();
		h.workflow.dispose();
		await r.sim.stop();
	});

	it('Enable Protection Again in plan order: steps one after another, a prompt pauses the run, a failed group does not stop it, the RTO of each step', async () => {
		const first = [gz(1), gz(2), gz(15)];
		const third = [gz(3), gz(4)];
		const p = plan('Shop', failoverProject, [
			groupsStep(r, failoverProject, first, 'Databases'),
			{ kind: 'prompt', text: 'Check the databases, then continue.' },
			groupsStep(r, failoverProject, third),
		]);
		let release!: (v: boolean) => void;
		h.answer = () => new Promise<boolean>((res) => (release = res));
		const { done } = await started(h, p, 'enableAgain');
		assert.equal(h.confirmed[0].typed, '5', 'the number of groups is typed');
		while (!h.prompts.length) {
			await new Promise((res) => setTimeout(res, 50));
		}
		assert.equal(h.prompts[0].state, 'paused', 'the run is paused while the prompt waits');
		assert.equal(h.prompts[0].text, 'Check the databases, then continue.');
		await new Promise((res) => setTimeout(res, 600));
		assert.deepEqual(posts(r, third), [0, 0], 'nothing of step 3 is sent while the prompt waits');
		release(true);
		const run = (await done)!;
		assert.equal(run.state, 'ended');
		assert.deepEqual(
			run.steps.map((s) => s.state),
			['failed', 'done', 'done'],
		);
		assert.deepEqual(
			run.steps[0].groups!.map((g) => g.end),
			['succeeded', 'succeeded', 'failed'],
		);
		assert.deepEqual(posts(r, [...first, ...third]), [1, 1, 1, 1, 1], 'each POST once');
		assertInOrder(h, run);
		for (const s of [run.steps[0], run.steps[2]]) {
			const last = Math.max(...s.groups!.map((g) => g.result!.endedAt!));
			assert.equal(s.lastGroupEndAt, last, 'the RTO counts to the last group’s end');
			assert.ok(s.lastGroupEndAt > run.confirmedAt);
		}
		assert.deepEqual(
			h.ended.map((x) => x.runId),
			[run.runId],
			'its end reported once',
		);
	});

	it('Planned Failover is refused as a whole when one group fails a check: each failing group named with its check, nothing sent', async () => {
		const p = plan('Switch', lifecycle, [groupsStep(r, lifecycle, ['dr-switchover-ready']), { kind: 'wait', seconds: 1 }, groupsStep(r, lifecycle, ['dr-switchover-blocked'])]);
		const s = await h.workflow.plans.start(p, 'plannedFailover');
		assert.equal(s.kind, 'refused');
		assert.equal(h.confirmed.length, 0, 'not even asked');
		assert.equal(h.refused[0].refusal, 'planRefused');
		assert.deepEqual(
			h.refused[0].ineligible.map((e) => [e.group.name, e.checks.filter((c) => !c.ok).map((c) => c.id)]),
			[['dr-switchover-blocked', ['productionServersStopped']]],
		);
		assert.equal(Object.keys(r.sim.stats.actionPosts).length, 0);
		assert.equal(h.workflow.plans.running().length, 0);
	});

	it('Failover goes on past an ineligible group (named and skipped) and types the plan’s name', async () => {
		const p = plan('Disaster day', lifecycle, [groupsStep(r, lifecycle, ['dr-failover-broken', 'dr-failover-degraded'])]);
		const { done } = await started(h, p, 'failover');
		assert.equal(h.confirmed[0].typed, 'Disaster day');
		assert.deepEqual(
			h.confirmed[0].check.ineligible.map((e) => e.group.name),
			['dr-failover-broken'],
		);
		const run = (await done)!;
		assert.deepEqual(
			run.steps[0].groups!.map((g) => [g.groupName, g.end]),
			[
				['dr-failover-broken', 'skipped'],
				['dr-failover-degraded', 'succeeded'],
			],
		);
		assert.deepEqual(posts(r, ['dr-failover-broken', 'dr-failover-degraded']), [0, 1]);
	});

	it('Planned Failover halts at the first failed group: later steps never start', async () => {
		// Two groups ready for a switchover; the first one's job fails.
		const ready = r.sim.findGroup('dr-switchover-ready');
		r.sim.patchGroup(ready.id, { nextOutcome: 'fail' });
		r.sim.patchGroup(r.sim.findGroup('dr-switchover-blocked').id, {});
		for (const s of r.sim.serversOf(r.sim.findGroup('dr-switchover-blocked').id)) {
			r.sim.setServerStatus(s.id, 'SHUTOFF');
		}
		const p = plan('Switch', lifecycle, [groupsStep(r, lifecycle, ['dr-switchover-ready']), { kind: 'wait', seconds: 1 }, groupsStep(r, lifecycle, ['dr-switchover-blocked'])]);
		const { done } = await started(h, p, 'plannedFailover');
		assert.equal(h.confirmed[0].typed, '2');
		const run = (await done)!;
		assert.equal(run.state, 'halted');
		assert.deepEqual(
			run.steps.map((s) => s.state),
			['halted', 'pending', 'pending'],
		);
		assert.deepEqual(posts(r, ['dr-switchover-ready', 'dr-switchover-blocked']), [1, 0]);
	});

	it('a group switched over since the confirmation is not sent back: the planned failover halts, naming why', async () => {
		const ready = r.sim.findGroup('dr-switchover-ready');
		let release!: (v: boolean) => void;
		h.answer = () => new Promise<boolean>((res) => (release = res));
		const p = plan('Switch', lifecycle, [{ kind: 'prompt', text: 'Go?' }, groupsStep(r, lifecycle, ['dr-switchover-ready'])]);
		const { done } = await started(h, p, 'plannedFailover');
		while (!h.prompts.length) {
			await new Promise((res) => setTimeout(res, 50));
		}
		// Meanwhile someone switched it over elsewhere: still protected, production now at the other site.
		r.sim.patchGroup(ready.id, { priority_station: 'target' });
		release(true);
		const run = (await done)!;
		assert.equal(run.state, 'halted');
		assert.equal(run.steps[1].state, 'halted');
		assert.match(run.steps[1].groups![0].skipped ?? '', /production moved to the target site since the plan was confirmed/);
		// Kept as a fact the report words in the user's language (not as a bare status check).
		assert.deepEqual(
			run.steps[1].groups![0].skippedBy?.checks?.map((c) => c.facts.movedTo),
			['target'],
		);
		assert.deepEqual(posts(r, ['dr-switchover-ready']), [0], 'not sent back the other way');
	});

	it('a group another batch has in flight halts the step (in Failover and Enable Again too): the next step never starts while it moves', async () => {
		let release!: (v: boolean) => void;
		h.answer = () => new Promise<boolean>((res) => (release = res));
		for (const g of [gz(5), gz(6)]) {
			r.sim.patchGroup(r.sim.findGroup(g).id, { jobDurationMs: 3000 });
		}
		const p = plan('Shop', failoverProject, [{ kind: 'prompt', text: 'Go?' }, groupsStep(r, failoverProject, [gz(5), gz(6)]), groupsStep(r, failoverProject, [gz(8)])]);
		const { done } = await started(h, p, 'enableAgain');
		while (!h.prompts.length) {
			await new Promise((res) => setTimeout(res, 50));
		}
		// A batch from the tree takes gz-05 meanwhile.
		const other = await h.workflow.batches.plan([target(r, failoverProject, gz(5))], 'enableAgain');
		await h.workflow.batches.start(other, 'enableAgain');
		release(true);
		const run = (await done)!;
		assert.equal(run.state, 'halted');
		assert.match(run.haltReason ?? '', /in flight in another job, batch or run/);
		assert.deepEqual(
			run.steps.map((s) => s.state),
			['done', 'halted', 'pending'],
		);
		assert.deepEqual(posts(r, [gz(5), gz(6), gz(8)]), [1, 0, 0], 'gz-05 once (the other batch), nothing of the plan');
	});

	it('a group whose end is not known (its job past the timeout) halts Enable Again and Failover too: the next step never starts while it may still move', async () => {
		await h.workflow.suspend();
		h.workflow.dispose();
		h = planHarness(r, new MemoryState(), 1500);
		r.sim.patchGroup(r.sim.findGroup(gz(1)).id, { jobDurationMs: 60_000 });
		const p = plan('Shop', failoverProject, [groupsStep(r, failoverProject, [gz(1), gz(2)]), groupsStep(r, failoverProject, [gz(3)])]);
		const run = (await (await started(h, p, 'enableAgain')).done)!;
		assert.equal(run.state, 'halted');
		assert.deepEqual(run.halt, { step: 1, why: 'endUnknown' });
		assert.match(run.haltReason ?? '', /the end of a group is not known/);
		assert.deepEqual(
			run.steps.map((s) => s.state),
			['halted', 'pending'],
		);
		assert.deepEqual(
			run.steps[0].groups!.map((g) => [g.groupName, g.end]),
			[
				[gz(1), 'notFollowed'],
				[gz(2), 'succeeded'],
			],
		);
		assert.deepEqual(posts(r, [gz(1), gz(2), gz(3)]), [1, 1, 0], 'nothing of step 2 was sent');
	});

	it('Stop pressed in another window while a step is being sent: the window running it sends nothing more', async () => {
		await h.workflow.suspend();
		h.workflow.dispose();
		const state = new MemoryState();
		h = planHarness(r, state);
		const names = [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 13, 14].map(gz);
		const p = plan('Shop', failoverProject, [groupsStep(r, failoverProject, names), groupsStep(r, failoverProject, [gz(16)])]);
		const { run, done } = await started(h, p, 'enableAgain');
		// Each group read again and sent at 250 ms a request, four at a time: the step takes seconds.
		r.sim.configure({ latencyMs: 250 });
		while (!h.workflow.plans.runs.get(run.runId)?.steps[0].batchId || posts(r, names).every((n) => n === 0)) {
			await new Promise((res) => setTimeout(res, 20));
		}
		// The other window writes the Stop into the run's record (it does not run the step).
		await new PlanRunStore(state, 'the-other-window').patch(run.runId, { stopRequested: true });
		const ended = (await done)!;
		r.sim.configure({ latencyMs: 0 });
		assert.equal(ended.state, 'stopped');
		const sent = posts(r, names).reduce((a, b) => a + b, 0);
		assert.ok(sent < names.length, `the rest of the step was not sent (${sent} of ${names.length} sent)`);
		assert.ok(
			ended.steps[0].groups!.some((g) => g.end === 'unsent'),
			JSON.stringify(ended.steps[0].groups!.map((g) => g.end)),
		);
		assert.deepEqual(posts(r, [gz(16)]), [0], 'the next step never started');
	});

	it('a second run over any of the same groups is refused while the first has not ended; nothing of it is sent', async () => {
		let release!: (v: boolean) => void;
		h.answer = () => new Promise<boolean>((res) => (release = res));
		const first = plan('Shop', failoverProject, [groupsStep(r, failoverProject, [gz(1)]), { kind: 'prompt', text: 'Go?' }, groupsStep(r, failoverProject, [gz(2)])]);
		const { done } = await started(h, first, 'enableAgain');
		while (!h.prompts.length) {
			await new Promise((res) => setTimeout(res, 50));
		}
		const second = plan('Shop again', failoverProject, [groupsStep(r, failoverProject, [gz(3), gz(2)])]);
		const s = await h.workflow.plans.start(second, 'enableAgain');
		assert.equal(s.kind, 'refused');
		assert.equal(h.refused.at(-1)?.refusal, 'otherRun');
		assert.equal(h.refused.at(-1)?.otherRun, 'Shop');
		assert.deepEqual(posts(r, [gz(3), gz(2)]), [0, 0]);
		release(true);
		assert.equal((await done)!.state, 'ended');
		assert.deepEqual(posts(r, [gz(1), gz(2), gz(3)]), [1, 1, 0]);
	});

	it('Stop during a wait: nothing more starts', async () => {
		const p = plan('Shop', failoverProject, [groupsStep(r, failoverProject, [gz(1)]), { kind: 'wait', seconds: 30 }, groupsStep(r, failoverProject, [gz(2)])]);
		const { run, done } = await started(h, p, 'enableAgain');
		while (h.workflow.plans && h.store.state.get<StoredPlanRun[]>('sdrs.planRuns', [])[0]?.current !== 1) {
			await new Promise((res) => setTimeout(res, 50));
		}
		await new Promise((res) => setTimeout(res, 100));
		assert.ok(h.workflow.plans.stop(run.runId));
		const end = (await done)!;
		assert.equal(end.state, 'stopped');
		assert.deepEqual(
			end.steps.map((s) => s.state),
			['done', 'halted', 'pending'],
		);
		assert.deepEqual(posts(r, [gz(1), gz(2)]), [1, 0]);
	});

	it('a prompt answered Stop ends the run: the next step never starts', async () => {
		h.answer = () => Promise.resolve(false);
		const p = plan('Shop', failoverProject, [{ kind: 'prompt', text: 'Ready?' }, groupsStep(r, failoverProject, [gz(1)])]);
		const { done } = await started(h, p, 'enableAgain');
		const end = (await done)!;
		assert.equal(end.state, 'stopped');
		assert.deepEqual(posts(r, [gz(1)]), [0]);
	});

	it('after a reload the run is paused and told about; nothing new starts until Continue, which waits for the step’s batch and goes on', async () => {
		const state = new MemoryState();
		await h.workflow.suspend();
		h = planHarness(r, state);
		for (const n of [1, 2]) {
			r.sim.patchGroup(r.sim.findGroup(gz(n)).id, { jobDurationMs: 2500 });
		}
		const p = plan('Shop', failoverProject, [groupsStep(r, failoverProject, [gz(1), gz(2)]), groupsStep(r, failoverProject, [gz(3)])]);
		const { run } = await started(h, p, 'enableAgain');
		while (!h.store.batches().length || h.store.batches()[0].entries.some((e) => e.state !== 'sent')) {
			await new Promise((res) => setTimeout(res, 50));
		}
		// The window closes mid-step; a new one starts on the same state.
		await h.workflow.suspend();
		h.workflow.dispose();
		h = planHarness(r, state);
		assert.ok(h.workflow.resumeAll() >= 1);
		while (!h.interrupted.length) {
			await new Promise((res) => setTimeout(res, 50));
		}
		assert.equal(h.interrupted[0].runId, run.runId);
		assert.equal(h.interrupted[0].state, 'paused');
		assert.equal(h.interrupted[0].current, 0);
		// The batch of step 1 ends (the batches resume it); step 2 is not started without the user.
		await new Promise((res) => setTimeout(res, 4000));
		assert.ok(h.store.batches()[0].endedAt, 'the step’s batch was followed to its end');
		assert.deepEqual(posts(r, [gz(3)]), [0], 'no new step without the user');
		assert.equal(h.store.batches().length, 1);
		assert.equal(h.workflow.resumeAll(), 0, 'told once');
		const end = (await h.workflow.plans.continueRun(run.runId))!;
		assert.equal(end.state, 'ended');
		assert.deepEqual(
			end.steps.map((s) => s.state),
			['done', 'done'],
		);
		assert.deepEqual(posts(r, [gz(1), gz(2), gz(3)]), [1, 1, 1], 'each POST once across the reload');
		assertInOrder(h, end);
	});

	it('rehearses a plan: a DR drill for every group, step by step, named from the group and the date, with its drill servers', async () => {
		const p = plan('Rehearsal', lifecycle, [groupsStep(r, lifecycle, ['dr-drill-ready', 'dr-syncing']), { kind: 'wait', seconds: 0 }, groupsStep(r, lifecycle, ['dr-switchover-ready'])]);
		const { done } = await started(h, p, 'drill');
		assert.equal(h.confirmed[0].typed, '3');
		const run = (await done)!;
		assert.equal(run.state, 'ended', JSON.stringify(run.steps));
		const groups = run.steps.flatMap((s) => s.groups ?? []);
		assert.deepEqual(
			groups.map((g) => g.end),
			['succeeded', 'succeeded', 'succeeded'],
		);
		for (const g of groups) {
			assert.match(g.drill!.name, new RegExp(`^${g.groupName}-drill-\\d{8}-\\d{4}$`));
			assert.ok(g.drill!.id);
			assert.ok(g.drill!.servers!.length > 0, `${g.groupName} has drill servers`);
		}
		assertInOrder(h, run);
		assert.equal(Object.keys(r.sim.stats.actionPosts).length, 0, 'no group action was sent');
	});

	it('Clean Up deletes the drills a rehearsal left, counts one deleted meanwhile as gone, records each, and retries only the one that failed', async () => {
		const p = plan('Rehearsal', lifecycle, [groupsStep(r, lifecycle, ['dr-drill-ready', 'dr-syncing']), groupsStep(r, lifecycle, ['dr-switchover-ready'])]);
		const run = (await (await started(h, p, 'drill')).done)!;
		const [deletedMeanwhile, failing, plain] = run.steps.flatMap((s) => s.groups ?? []);
		assert.deepEqual(
			drillsLeft(run).map((g) => g.groupName),
			['dr-drill-ready', 'dr-syncing', 'dr-switchover-ready'],
		);
		// One deleted in the console meanwhile; one whose deletion fails on the service side.
		r.sim.data.drills = r.sim.data.drills.filter((d) => d.id !== deletedMeanwhile.drill!.id);
		r.sim.data.drills.find((d) => d.id === failing.drill!.id)!.failDelete = true;
		const deletes = (): number => Object.entries(r.sim.stats.byRoute).reduce((n, [route, count]) => n + (route.startsWith('DELETE ') ? count : 0), 0);
		const ended: number[] = [];
		const first = await h.workflow.plans.cleanUp(h.workflow.plans.runs.get(run.runId)!, (n, total) => ended.push(n * 10 + total));
		assert.deepEqual(first, { deleted: 2, notDeleted: [failing.drill!.name] });
		assert.deepEqual(ended, [13, 23, 33], 'told after each drill ended, out of 3');
		assert.equal(deletes(), 2, 'one DELETE per drill still there (the one gone is found gone when read first)');
		const afterFirst = h.workflow.plans.runs.get(run.runId)!;
		assert.deepEqual(
			drillsLeft(afterFirst).map((g) => g.groupName),
			['dr-syncing'],
			'the drill gone and the one deleted are recorded; the failed one is left',
		);
		assert.equal(afterFirst.cleanedUpAt, undefined);
		assert.ok(!r.sim.data.drills.some((d) => d.id === plain.drill!.id), 'the drill and its servers are gone from the service');
		assert.equal(r.sim.data.drills.find((d) => d.id === failing.drill!.id)?.status, 'error-deleting');
		// Clean Up again: only the failed one is sent, and the run is then cleaned up.
		const second = await h.workflow.plans.cleanUp(afterFirst);
		assert.deepEqual(second, { deleted: 1, notDeleted: [] });
		assert.equal(deletes(), 3, 'only the failed drill was sent again');
		const afterSecond = h.workflow.plans.runs.get(run.runId)!;
		assert.ok(afterSecond.cleanedUpAt, 'the run is marked cleaned up');
		assert.deepEqual(drillsLeft(afterSecond), []);
		assert.ok(!r.sim.data.drills.some((d) => run.steps.some((s) => s.groups?.some((g) => g.drill?.id === d.id))), 'no drill of the rehearsal is left');
	});
});
