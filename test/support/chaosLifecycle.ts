// The fault run over every action of the table, not only Enable / Enable Again: pools of groups
// with a server per site and the pairs in sync, each prepared before its turn in the state its
// action needs (available; failed-over with the old production servers stopped; protected with the
// production servers stopped, for Disable, Planned Failover and Failover), production at either
// site. Actions go through the extension's own Workflow.runAction, and batches of each new action
// through its Batches, with 20% of calls failing. Every outcome is compared with the simulator:
// the jobs it created, the group's final status and its priority_station.
import { ACTION_KINDS, ACTIONS, type ActionKind } from '../../src/core/actions';
import { SdrsError } from '../../src/core/errors';
import { toGroup, type Project } from '../../src/core/model';
import { addGroup, type SimGroup } from '../../src/simulator/seed';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { chaosFaults, chaosWorkflow, client } from './chaos';

export interface LifecycleChaosReport {
	actions: number;
	/** Actions run, per action kind. */
	byAction: Record<string, number>;
	outcomes: Record<string, number>;
	matched: number;
	mismatches: string[];
	duplicates: number;
	faults: Record<string, number>;
	lateApplied: number;
	seconds: number;
}

/** The state a group must be in for `action` to be sent, with production at `station`. */
function prepare(sim: Simulator, g: SimGroup, action: ActionKind, station: 'source' | 'target', outcome: 'success' | 'fail'): void {
	const status = action === 'enable' ? 'available' : action === 'enableAgain' ? 'failed-over' : 'protected';
	sim.patchGroup(g.id, { status, priority_station: station, progress: status === 'protected' ? 100 : 0, faultLevels: undefined, nextOutcome: outcome });
	// Every server stopped: the DR site before Enable Again, production before a switchover.
	for (const s of sim.serversOf(g.id)) {
		sim.setServerStatus(s.id, 'SHUTOFF');
	}
}

const flip = (s: string): string => (s === 'source' ? 'target' : 'source');

async function lifecycleSim(seed: number, groups: number): Promise<{ sim: Simulator; project: Project; pool: SimGroup[] }> {
	const sim = await startSimulator({ seed: 'empty', jobDurationMs: 1200, transitionDelayMs: 150, randomSeed: seed });
	const projectId = sim.projects().find((p) => p.name === 'cn-north-4')!.id;
	const project: Project = { id: projectId, name: 'cn-north-4', region: 'cn-north-4', isSubProject: false };
	const pool = Array.from({ length: groups }, (_, n) =>
		addGroup(sim.data, { name: `dr-${String(n).padStart(3, '0')}`, status: 'protected', region: 'cn-north-4', projectId, pairs: 1, instances: 1, prodStopped: true }),
	);
	return { sim, project, pool };
}

/** `actions` actions, every kind in turn, on a pool of groups, with `faultRate` of all calls failing. */
export async function runLifecycleFaults(opts: { actions: number; faultRate?: number; concurrency?: number; seed?: number }): Promise<LifecycleChaosReport> {
	const started = Date.now();
	const concurrency = opts.concurrency ?? 10;
	const { sim, project, pool } = await lifecycleSim(opts.seed ?? 1, Math.max(10, concurrency * 2));
	const { client: c } = client(sim);
	const { workflow, said } = chaosWorkflow(c);
	sim.configure({ faults: chaosFaults(opts.faultRate ?? 0.2) });
	const report: LifecycleChaosReport = { actions: 0, byAction: {}, outcomes: {}, matched: 0, mismatches: [], duplicates: 0, faults: {}, lateApplied: 0, seconds: 0 };
	const free = pool.map((g) => g.id);
	const believed: Record<string, number> = {};
	let next = 0;
	const count = (k: string): void => {
		report.outcomes[k] = (report.outcomes[k] ?? 0) + 1;
	};

	const oneAction = async (n: number): Promise<void> => {
		const id = free.shift()!;
		try {
			const action = ACTION_KINDS[n % ACTION_KINDS.length];
			const rule = ACTIONS[action];
			// Production at the creation-time site or the other one, in turn per round of kinds.
			const station = action === 'enableAgain' ? 'target' : Math.floor(n / ACTION_KINDS.length) % 2 ? 'target' : 'source';
			prepare(sim, sim.group(id)!, action, station, n % 7 === 0 ? 'fail' : 'success');
			const truth = { ...sim.group(id)! };
			const jobsBefore = sim.stats.jobsCreated[id] ?? 0;
			const postsBefore = sim.stats.actionPosts[id] ?? 0;
			let kind: string;
			let created = 0;
			let expect: { status: string; station: string } | undefined;
			try {
				said.delete(id);
				const result = await workflow.runAction({ profileId: 'chaos', project, group: toGroup({ ...truth })! }, action);
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
						expect = outcome?.kind === 'SUCCESS' ? { status: rule.success, station: rule.flips ? flip(station) : station } : outcome?.kind === 'FAIL' ? { status: rule.failure, station } : undefined;
					}
				} else {
					kind = told?.kind === 'preflightFailed' ? 'checks-failed' : told?.kind === 'notApplied' ? 'not-applied' : told?.kind === 'outcomeUnknown' ? 'unknown' : (told?.kind ?? result.kind);
				}
			} catch (e) {
				// A read failed even after retries: nothing was sent. The user sees it and tries again.
				kind = e instanceof SdrsError ? 'preflight-error' : `crash:${String(e)}`;
			}
			count(`${action} ${kind}`);
			report.byAction[action] = (report.byAction[action] ?? 0) + 1;
			report.actions++;
			believed[id] = (believed[id] ?? 0) + created;
			const posts = (sim.stats.actionPosts[id] ?? 0) - postsBefore;
			if (posts > 1) {
				report.duplicates += posts - 1;
			}
			const jobs = (sim.stats.jobsCreated[id] ?? 0) - jobsBefore;
			const now = sim.group(id)!;
			const problems: string[] = [];
			if (jobs !== created) {
				problems.push(`server created ${jobs} job(s), client thinks ${created}`);
			}
			if (created && (expect?.status !== now.status || expect.station !== now.priority_station)) {
				problems.push(`client outcome ${kind} (expects ${JSON.stringify(expect)}) but the group is ${now.status} at ${now.priority_station}`);
			}
			if (!created && (now.status !== truth.status || now.priority_station !== truth.priority_station)) {
				problems.push(`client says not started (${kind}) but the group went from ${truth.status}/${truth.priority_station} to ${now.status}/${now.priority_station}`);
			}
			if (kind.startsWith('crash') || kind === 'unknown' || /TIMEOUT|ERROR/.test(kind)) {
				problems.push(`no definite outcome (${kind})`);
			}
			if (problems.length) {
				report.mismatches.push(`action ${n} (${action}) on ${truth.name}: ${problems.join('; ')}`);
			} else {
				report.matched++;
			}
		} finally {
			free.push(id);
		}
	};

	const workers = Array.from({ length: concurrency }, async () => {
		while (next < opts.actions) {
			await oneAction(next++);
		}
	});
	await Promise.all(workers);
	await workflow.suspend();
	// A POST the gateway answered with an error may still be applied afterwards.
	await new Promise((r) => setTimeout(r, 1500));
	for (const g of pool) {
		if ((sim.stats.jobsCreated[g.id] ?? 0) !== (believed[g.id] ?? 0)) {
			report.mismatches.push(`group ${g.name}: the server created ${sim.stats.jobsCreated[g.id] ?? 0} job(s) in all, the client reported ${believed[g.id] ?? 0}`);
		}
	}
	report.lateApplied = sim.stats.faults['late-apply'] ?? 0;
	report.faults = { ...sim.stats.faults };
	report.seconds = (Date.now() - started) / 1000;
	await sim.stop();
	return report;
}

export interface LifecycleBatchReport {
	batches: number;
	groups: number;
	outcomes: Record<string, number>;
	matched: number;
	mismatches: string[];
	/** POSTs beyond one per group, not counting those the gateway refused with 429. */
	duplicates: number;
	faults: Record<string, number>;
	lateApplied: number;
	seconds: number;
}

/**
 * `rounds` rounds of one batch each of Disable, Planned Failover and Failover over `groups`
 * protected groups (production at either site), through the extension's own Batches, with
 * `faultRate` of all calls failing. Every entry is compared with the simulator: jobs created, the
 * group's status and its priority_station.
 */
export async function runLifecycleBatchFaults(opts: { rounds: number; groups: number; faultRate?: number; seed?: number }): Promise<LifecycleBatchReport> {
	const started = Date.now();
	const faults = chaosFaults(opts.faultRate ?? 0.2);
	const { sim, project, pool } = await lifecycleSim(opts.seed ?? 1, opts.groups);
	const { client: c } = client(sim);
	const { workflow } = chaosWorkflow(c);
	const report: LifecycleBatchReport = { batches: 0, groups: 0, outcomes: {}, matched: 0, mismatches: [], duplicates: 0, faults: {}, lateApplied: 0, seconds: 0 };
	const count = (k: string): void => {
		report.outcomes[k] = (report.outcomes[k] ?? 0) + 1;
	};
	for (let round = 0; round < opts.rounds; round++) {
		for (const action of ['disable', 'plannedFailover', 'failover'] as const) {
			const rule = ACTIONS[action];
			sim.configure({ faults: [] });
			const stationOf = (i: number): 'source' | 'target' => ((i + round) % 2 ? 'target' : 'source');
			pool.forEach((g, i) => prepare(sim, g, action, stationOf(i), (i + round) % 7 === 0 ? 'fail' : 'success'));
			const before = new Map(
				pool.map((g, i) => [g.id, { station: stationOf(i), jobs: sim.stats.jobsCreated[g.id] ?? 0, posts: sim.stats.actionPosts[g.id] ?? 0, throttled: sim.stats.actionPostsThrottled[g.id] ?? 0 }]),
			);
			sim.configure({ faults: faults.map((f) => ({ ...f })) });
			const targets = pool.map((g) => ({ profileId: 'chaos', project, group: toGroup({ ...sim.group(g.id)! })! }));
			const plan = await workflow.batches.plan(targets, action);
			for (const p of plan.filter((x) => !x.eligible)) {
				count(`${action} ${p.error ? 'check-error' : 'checks-failed'}`);
			}
			const { batch, done } = await workflow.batches.start(plan, action);
			await done;
			report.batches++;
			// A POST the gateway answered with an error may still be applied afterwards.
			await new Promise((r) => setTimeout(r, 1200));
			sim.configure({ faults: [] });
			for (const e of workflow.deps.store.batch(batch.batchId)!.entries) {
				report.groups++;
				const job = e.jobId ? workflow.deps.store.get(e.jobId) : undefined;
				const was = before.get(e.groupId)!;
				const jobs = (sim.stats.jobsCreated[e.groupId] ?? 0) - was.jobs;
				const throttled = (sim.stats.actionPostsThrottled[e.groupId] ?? 0) - was.throttled;
				const posts = (sim.stats.actionPosts[e.groupId] ?? 0) - was.posts;
				if (posts - throttled > 1) {
					report.duplicates += posts - throttled - 1;
				}
				const now = sim.group(e.groupId)!;
				const kind = e.state === 'sent' ? `${job?.trackBy === 'group' ? 'applied' : 'started'}:${job?.outcome ?? (job?.notFollowed ? 'not-followed' : 'none')}` : e.state;
				count(`${action} ${kind}`);
				const created = job?.outcome === 'SUCCESS' || job?.outcome === 'FAIL' ? 1 : 0;
				const expect =
					job?.outcome === 'SUCCESS'
						? { status: rule.success, station: rule.flips ? flip(was.station) : was.station }
						: job?.outcome === 'FAIL'
							? { status: rule.failure, station: was.station }
							: { status: 'protected', station: was.station };
				const problems: string[] = [];
				if (jobs !== created) {
					problems.push(`server created ${jobs} job(s), client thinks ${created}`);
				}
				if (now.status !== expect.status || now.priority_station !== expect.station) {
					problems.push(`client says ${kind}, expecting ${expect.status} at ${expect.station}, but the group is ${now.status} at ${now.priority_station}`);
				}
				if (e.state === 'sent' && !created && job?.outcome !== 'NOT_APPLIED') {
					problems.push(`no definite outcome (${kind})`);
				}
				if (e.state === 'queued' || e.state === 'sending' || e.state === 'unsent') {
					problems.push(`left ${e.state}`);
				}
				if (problems.length) {
					report.mismatches.push(`round ${round}, ${action}, ${e.groupName}: ${problems.join('; ')}`);
				} else {
					report.matched++;
				}
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
