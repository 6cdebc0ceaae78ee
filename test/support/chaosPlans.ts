// Chaos for recovery plans: rounds of a 3-step Enable Protection Again plan (a group step, a wait, a
// group step) over failed-over groups, through the extension's own PlanRunner, with `faultRate` of
// all calls failing (network errors, 429 throttling, lost answers, POSTs applied after a 502). Every
// other round the window goes away in the middle of step 1 (its batch sent) and a new window on the
// same shared state finds the run paused, follows the batch and, when told to continue, goes on.
// Each group's end is compared with the simulator's truth (jobs created, its status), POSTs beyond
// one per group are counted (429s are never applied), and every step must start after the previous
// one ended.
import type { JobStore } from '../../src/core/jobStore';
import { toGroup, type Project } from '../../src/core/model';
import type { PlanPorts } from '../../src/core/plans/planPorts';
import type { ResolvedPlan, StoredPlanRun } from '../../src/core/plans/types';
import { MemoryState } from '../../src/core/sharedState';
import type { Workflow } from '../../src/core/workflow';
import { startSimulator } from '../../src/simulator/simulator';
import { chaosFaults, chaosWorkflow, client } from './chaos';

export interface PlanChaosReport {
	rounds: number;
	groups: number;
	/** Rounds whose window went away mid-step and whose run was continued by a new window. */
	reloads: number;
	outcomes: Record<string, number>;
	matched: number;
	mismatches: string[];
	/** POSTs beyond one per group, not counting those the gateway refused with 429. */
	duplicates: number;
	/** Steps started before the previous one ended (or a batch, or a group's job). */
	overlaps: string[];
	faults: Record<string, number>;
	lateApplied: number;
	seconds: number;
}

/** Where a run's steps overlap: a step, its batch or a group's job started before the previous step ended. */
export function stepOrderProblems(store: JobStore, run: StoredPlanRun): string[] {
	const problems: string[] = [];
	let previousEnd = run.confirmedAt;
	for (const [i, s] of run.steps.entries()) {
		if (s.state === 'pending') {
			continue;
		}
		if (s.startedAt === undefined || s.startedAt < previousEnd) {
			problems.push(`step ${i + 1} started ${s.startedAt} before the previous ended ${previousEnd}`);
		}
		if (s.batchId && !(store.batch(s.batchId)!.startedAt >= previousEnd)) {
			problems.push(`step ${i + 1}'s batch started before the previous step ended`);
		}
		for (const g of s.groups ?? []) {
			if (g.result?.startedAt !== undefined && g.result.startedAt < previousEnd) {
				problems.push(`${g.groupName} was sent before step ${i} ended`);
			}
		}
		previousEnd = s.endedAt ?? Infinity;
	}
	return problems;
}

/** Plan ports that confirm, answer prompts yes and record the run's end and an interruption. */
function chaosPlanPorts(seen: { ended: StoredPlanRun[]; interrupted: StoredPlanRun[] }): PlanPorts {
	return {
		refused: () => Promise.resolve(),
		confirm: () => Promise.resolve(true),
		prompt: () => Promise.resolve(true),
		progress: (_what, task) => task(() => undefined),
		ended: (run) => seen.ended.push(run),
		interrupted: (run) => seen.interrupted.push(run),
	};
}

async function until(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!probe()) {
		if (Date.now() > end) {
			throw new Error(`timed out waiting for ${what}`);
		}
		await new Promise((r) => setTimeout(r, 50));
	}
}

export async function runPlanFaults(opts: { rounds: number; groups: number; faultRate?: number; seed?: number }): Promise<PlanChaosReport> {
	const started = Date.now();
	const faults = chaosFaults(opts.faultRate ?? 0.2);
	const sim = await startSimulator({ seed: 'empty', jobDurationMs: 1200, transitionDelayMs: 150, randomSeed: opts.seed ?? 1 });
	const { client: c } = client(sim);
	const projectId = sim.projects().find((p) => p.name === 'cn-north-4')!.id;
	const project: Project = { id: projectId, name: 'cn-north-4', region: 'cn-north-4', isSubProject: false };
	sim.bulkAddGroups(projectId, opts.groups, 'failed-over');
	const pool = sim.groups(projectId);
	const report: PlanChaosReport = { rounds: 0, groups: 0, reloads: 0, outcomes: {}, matched: 0, mismatches: [], duplicates: 0, overlaps: [], faults: {}, lateApplied: 0, seconds: 0 };
	const count = (k: string): void => {
		report.outcomes[k] = (report.outcomes[k] ?? 0) + 1;
	};
	const window = (state: MemoryState, seen: { ended: StoredPlanRun[]; interrupted: StoredPlanRun[] }): Workflow =>
		chaosWorkflow(c, { state, planPorts: chaosPlanPorts(seen), heartbeatMs: 200 }).workflow;
	for (let round = 0; round < opts.rounds; round++) {
		sim.configure({ faults: [] });
		pool.forEach((g, i) =>
			sim.patchGroup(g.id, { status: 'failed-over', priority_station: 'target', jobDurationMs: 600 + ((i * 7) % 5) * 150, nextOutcome: (i + round) % 7 === 0 ? 'fail' : 'success' }),
		);
		const before = new Map(pool.map((g) => [g.id, { jobs: sim.stats.jobsCreated[g.id] ?? 0, posts: sim.stats.actionPosts[g.id] ?? 0, throttled: sim.stats.actionPostsThrottled[g.id] ?? 0 }]));
		const state = new MemoryState();
		const seen = { ended: [] as StoredPlanRun[], interrupted: [] as StoredPlanRun[] };
		let workflow = window(state, seen);
		const half = Math.ceil(pool.length / 2);
		const targets = pool.map((g) => ({ profileId: 'chaos', project, group: toGroup({ ...g })! }));
		const plan: ResolvedPlan = {
			name: `Chaos ${round}`,
			source: 'chaos.sdrs-plan.json',
			profileId: 'chaos',
			project,
			steps: [
				{ kind: 'groups', label: 'first', targets: targets.slice(0, half) },
				{ kind: 'wait', seconds: 0 },
				{ kind: 'groups', label: 'second', targets: targets.slice(half) },
			],
		};
		sim.configure({ faults: faults.map((f) => ({ ...f })) });
		const s = await workflow.plans.start(plan, 'enableAgain');
		if (s.kind !== 'started') {
			report.mismatches.push(`round ${round}: the plan was ${s.kind} (${s.check.ineligible.length} ineligible)`);
			await workflow.suspend();
			workflow.dispose();
			continue;
		}
		let run: StoredPlanRun | undefined;
		if (round % 2 === 1) {
			// The window goes away once step 1's batch has sent every group it will send.
			await until('step 1 sent', () => workflow.deps.store.batches().some((b) => b.entries.every((e) => e.state !== 'queued' && e.state !== 'sending')), 60_000);
			await workflow.suspend();
			workflow.dispose();
			workflow = window(state, seen);
			workflow.resumeAll();
			await until('the run found interrupted', () => seen.interrupted.length > 0, 20_000);
			run = await workflow.plans.continueRun(s.run.runId);
			report.reloads++;
		} else {
			run = await s.done;
		}
		// A POST the gateway answered with an error may still be applied afterwards.
		await new Promise((r) => setTimeout(r, 1200));
		sim.configure({ faults: [] });
		report.rounds++;
		if (!run) {
			report.mismatches.push(`round ${round}: the run did not end`);
		} else {
			if (seen.ended.filter((x) => x.runId === run.runId).length !== 1) {
				report.mismatches.push(`round ${round}: its end was reported ${seen.ended.length} time(s)`);
			}
			report.overlaps.push(...stepOrderProblems(workflow.deps.store, run).map((p) => `round ${round}: ${p}`));
			for (const g of run.steps.flatMap((x) => x.groups ?? [])) {
				report.groups++;
				count(g.end ?? 'none');
				const was = before.get(g.groupId)!;
				const jobs = (sim.stats.jobsCreated[g.groupId] ?? 0) - was.jobs;
				const throttled = (sim.stats.actionPostsThrottled[g.groupId] ?? 0) - was.throttled;
				const posts = (sim.stats.actionPosts[g.groupId] ?? 0) - was.posts;
				if (posts - throttled > 1) {
					report.duplicates += posts - throttled - 1;
				}
				const status = sim.group(g.groupId)!.status;
				const created = g.end === 'succeeded' || g.end === 'failed' ? 1 : 0;
				const problems: string[] = [];
				if (jobs !== created) {
					problems.push(`server created ${jobs} job(s), the run says ${g.end}`);
				}
				const truth = status === 'protected' ? 'succeeded' : status === 'error-reprotecting' ? 'failed' : status === 'failed-over' ? 'unchanged' : status;
				const said = created ? g.end : 'unchanged';
				if (said !== truth) {
					problems.push(`the run says ${g.end}, the simulator has ${status}`);
				}
				if (g.end === undefined || g.end === 'notFollowed') {
					problems.push(`no definite outcome (${g.end ?? 'none'})`);
				}
				if (problems.length) {
					report.mismatches.push(`round ${round}, ${g.groupName}: ${problems.join('; ')}`);
				} else {
					report.matched++;
				}
			}
		}
		await workflow.suspend();
		workflow.dispose();
	}
	report.lateApplied = sim.stats.faults['late-apply'] ?? 0;
	report.faults = { ...sim.stats.faults };
	report.seconds = (Date.now() - started) / 1000;
	await sim.stop();
	return report;
}
