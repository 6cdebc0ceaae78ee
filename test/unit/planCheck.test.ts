// Check Plan's engine (core/plans/check.ts) against the simulator over real sockets: the demo
// shop's plan is ready for a planned failover (both ways) and a drill, and not for Enable
// Protection Again; the blockers of the lifecycle groups are named; a job in flight and a group
// that cannot be read block every mode; nothing but GETs is sent.
import * as assert from 'node:assert/strict';
import { checkPlan, CHECK_MODES, type GroupReadiness, type PlanReadiness } from '../../src/core/plans/check';
import type { ResolvedPlan, ResolvedStep } from '../../src/core/plans/types';
import type { Project, ProtectionGroup } from '../../src/core/model';
import type { InFlight } from '../../src/core/checks';
import { LIFECYCLE_REGION, projectIdFor, SHOP_TIERS } from '../../src/simulator/seed';
import { rig, type Rig } from '../support/sim';

const LA: Project = { id: projectIdFor(LIFECYCLE_REGION), name: LIFECYCLE_REGION, region: LIFECYCLE_REGION, isSubProject: false };

describe('Check Plan (core/plans/check.ts, against the simulator)', () => {
	let r: Rig;
	let groups: ProtectionGroup[];
	beforeEach(async () => {
		r = await rig();
		groups = await r.client.listGroups(LA);
	});
	afterEach(async () => {
		await r.sim.stop();
	});

	const byName = (name: string): ProtectionGroup => {
		const g = groups.find((x) => x.name === name);
		assert.ok(g, `group ${name}`);
		return g;
	};
	const step = (label: string, ...names: string[]): ResolvedStep => ({ kind: 'groups', label, targets: names.map((n) => ({ profileId: 'p1', project: LA, group: byName(n) })) });
	const plan = (...steps: ResolvedStep[]): ResolvedPlan => ({ name: 'test plan', source: 'test.sdrs-plan.json', profileId: 'p1', project: LA, steps });
	const shop = (): ResolvedPlan =>
		plan(
			step('Databases', 'shop-db-1', 'shop-db-2', 'shop-db-3'),
			{ kind: 'prompt', text: 'Confirm the databases' },
			step('Services', 'shop-app-1', 'shop-app-2', 'shop-app-3'),
			step('Web', 'shop-web-1', 'shop-web-2'),
		);
	const check = (p: ResolvedPlan, inFlight: (projectId: string, groupId: string) => InFlight = () => ({})): Promise<PlanReadiness> =>
		checkPlan({ clientFor: (id) => (id === 'p1' ? r.client : undefined), inFlight, clock: () => 42 }, p);
	const groupsOf = (res: PlanReadiness): GroupReadiness[] => res.steps.flatMap((s) => (s.kind === 'groups' ? s.groups : []));
	const mode = (g: GroupReadiness, m: string): { ok: boolean; failed: string[] } => {
		const found = g.modes.find((x) => x.mode === m)!;
		return { ok: found.ok, failed: found.checks.filter((c) => !c.ok).map((c) => c.id) };
	};
	const onlyReads = (): void => {
		const writes = Object.keys(r.sim.stats.byRoute).filter((k) => !/^GET\b/.test(k));
		assert.deepEqual(writes, [], 'Check Plan sends nothing but GETs');
		assert.deepEqual(r.sim.stats.actionPosts, {});
	};

	it('seeds the demo shop in la-south-2: 3 database, 3 service and 2 web groups, protected, every server stopped', () => {
		const names = SHOP_TIERS.flatMap(({ tier, count }) => Array.from({ length: count }, (_, i) => `shop-${tier}-${i + 1}`));
		assert.equal(names.length, 8);
		for (const name of names) {
			const g = r.sim.findGroup(name);
			assert.equal(g.projectId, LA.id);
			assert.equal(g.status, 'protected');
			assert.deepEqual(
				r.sim.serversOf(g.id).map((s) => s.status),
				['SHUTOFF', 'SHUTOFF', 'SHUTOFF', 'SHUTOFF'],
				`${name}: both sites stopped`,
			);
		}
	});

	it('the shop plan is ready for a planned failover, a failover and a drill, not for Enable Protection Again; steps keep their order; only GETs', async () => {
		const res = await check(shop());
		assert.deepEqual(
			res.steps.map((s) => (s.kind === 'groups' ? `${s.label}: ${s.groups.map((g) => g.group.name).join(',')}` : s.kind)),
			['Databases: shop-db-1,shop-db-2,shop-db-3', 'prompt', 'Services: shop-app-1,shop-app-2,shop-app-3', 'Web: shop-web-1,shop-web-2'],
		);
		assert.equal(res.checkedAt, 42);
		assert.deepEqual(
			res.modes.map((m) => [m.mode, m.ready, m.goes, m.total]),
			[
				['plannedFailover', true, 8, 8],
				['failover', true, 8, 8],
				['enableAgain', false, 0, 8],
				['drill', true, 8, 8],
			],
		);
		for (const g of groupsOf(res)) {
			assert.deepEqual(g.allowed, ['disable', 'plannedFailover', 'failover'], g.group.name);
			assert.equal(g.drillAllowed, true);
			assert.deepEqual(
				g.modes.map((m) => m.mode),
				[...CHECK_MODES],
			);
			assert.deepEqual(mode(g, 'enableAgain').failed, ['status'], 'Enable Again is blocked by the status only');
		}
		onlyReads();
	});

	it('checks again after the planned failover: ready to go back the other way', async () => {
		for (const name of ['shop-db-1', 'shop-db-2']) {
			const g = r.sim.findGroup(name);
			g.priority_station = 'target';
		}
		const res = await check(plan(step('Databases', 'shop-db-1', 'shop-db-2')));
		assert.ok(res.modes.find((m) => m.mode === 'plannedFailover')!.ready);
		const pf = groupsOf(res)[0].modes.find((m) => m.mode === 'plannedFailover')!;
		assert.match(pf.checks.find((c) => c.id === 'productionServersStopped')!.detail, /2 servers in la-south-2b stopped/);
	});

	it('names what blocks each group: a running production server, a broken link, a pair synchronising', async () => {
		const res = await check(plan(step('Mixed', 'dr-switchover-blocked', 'dr-failover-broken', 'dr-syncing', 'dr-switchover-ready')));
		const [blocked, broken, syncing, ready] = groupsOf(res);
		assert.deepEqual(mode(blocked, 'plannedFailover'), { ok: false, failed: ['productionServersStopped'] });
		const running = blocked.modes.find((m) => m.mode === 'plannedFailover')!.checks.find((c) => c.id === 'productionServersStopped')!;
		assert.deepEqual(
			running.runningServers?.map((s) => s.name),
			['dr-switchover-blocked-vm1'],
		);
		assert.deepEqual(mode(blocked, 'failover'), { ok: true, failed: [] });
		assert.deepEqual(mode(broken, 'failover'), { ok: false, failed: ['linkIntact'] });
		assert.deepEqual(mode(syncing, 'plannedFailover').failed, ['productionServersStopped', 'pairsInSync'], 'its production servers run too');
		assert.deepEqual(mode(ready, 'plannedFailover'), { ok: true, failed: [] });
		const pf = res.modes.find((m) => m.mode === 'plannedFailover')!;
		assert.deepEqual([pf.ready, pf.goes, pf.total], [false, 1, 4], 'only dr-switchover-ready has its production servers stopped');
		onlyReads();
	});

	it('a job of ours in flight blocks every mode of that group, and the tree allows it nothing', async () => {
		const busy = byName('shop-app-2').id;
		const res = await check(shop(), (_p, g) => (g === busy ? { jobId: 'job-123' } : {}));
		const g = groupsOf(res).find((x) => x.group.name === 'shop-app-2')!;
		assert.deepEqual(g.allowed, []);
		assert.deepEqual(g.blocked, { kind: 'jobRunning', jobId: 'job-123' });
		assert.equal(g.drillAllowed, false);
		for (const m of CHECK_MODES) {
			assert.ok(mode(g, m).failed.includes('noJobInFlight'), m);
		}
		assert.deepEqual(
			res.modes.map((m) => [m.mode, m.goes]),
			[
				['plannedFailover', 7],
				['failover', 7],
				['enableAgain', 0],
				['drill', 7],
			],
		);
	});

	it('a group that cannot be read is blocked in every mode by that error, not by a status', async () => {
		const gone: ProtectionGroup = { ...byName('shop-web-1'), id: '00000000-0000-4000-a000-000000000000' };
		const res = await check(plan({ kind: 'groups', targets: [{ profileId: 'p1', project: LA, group: gone }] }, { kind: 'wait', seconds: 5 }));
		const [g] = groupsOf(res);
		assert.ok(g.error, 'the read error is kept');
		assert.deepEqual(g.allowed, []);
		assert.ok(g.modes.every((m) => !m.ok && m.error === g.error && m.checks.length === 0));
		assert.deepEqual(res.steps[1], { kind: 'wait', seconds: 5 });
		assert.ok(res.modes.every((m) => !m.ready));
	});

	it('a profile that no longer exists blocks every group without a request', async () => {
		const before = r.sim.stats.requests;
		const res = await checkPlan({ clientFor: () => undefined, inFlight: () => ({}) }, shop());
		assert.equal(r.sim.stats.requests, before);
		assert.ok(groupsOf(res).every((g) => g.error?.kind === 'config'));
	});
});
