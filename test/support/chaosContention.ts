// Chaos for batches that compete: two windows (two job stores on one shared state, as two VS Code
// windows share globalState) plan the same groups at once and start at once, under faults with
// extra 429s; the first window stalls past its lease in a throttle pause (its heartbeat never
// renews, and the lease is ended for it) and the second takes its batch over. Every group is
// compared with the simulator's truth: jobs the service created against the jobs both reports say
// were created, the group's status against each outcome, and POSTs beyond one per group.
import { silentLogger } from '../../src/core/logger';
import { JobStore } from '../../src/core/jobStore';
import type { BatchEntry } from '../../src/core/records';
import { toGroup, type Project } from '../../src/core/model';
import { MemoryState } from '../../src/core/sharedState';
import { Workflow } from '../../src/core/workflow';
import type { Ports } from '../../src/core/ports';
import { startSimulator } from '../../src/simulator/simulator';
import { chaosFaults, client } from './chaos';

export interface ContentionReport {
	rounds: number;
	groups: number;
	takeovers: number;
	duplicates: number;
	throttled: number;
	matched: number;
	/** Groups that exactly one of the two batches sent (the rest: refused or not sent, with why). */
	sentOnce: number;
	mismatches: string[];
	seconds: number;
}

const quietPorts = (): Ports => ({
	confirm: () => Promise.resolve(true),
	alert: () => Promise.resolve(),
	notify: () => undefined,
	progress: (_what, task) => task(() => undefined),
	clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
});

async function until(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!probe()) {
		if (Date.now() > end) {
			throw new Error(`timed out waiting for ${what}`);
		}
		await new Promise((r) => setTimeout(r, 50));
	}
}

export async function runBatchContention(opts: { rounds: number; groups: number; faultRate?: number; seed?: number }): Promise<ContentionReport> {
	const started = Date.now();
	const sim = await startSimulator({ seed: 'empty', jobDurationMs: 1200, transitionDelayMs: 150, randomSeed: opts.seed ?? 1 });
	const { client: c } = client(sim, undefined, 1500);
	const projectId = sim.projects().find((p) => p.name === 'cn-north-4')!.id;
	const project: Project = { id: projectId, name: 'cn-north-4', region: 'cn-north-4', isSubProject: false };
	sim.bulkAddGroups(projectId, opts.groups, 'failed-over');
	const pool = sim.groups(projectId);
	const report: ContentionReport = { rounds: 0, groups: 0, takeovers: 0, duplicates: 0, throttled: 0, matched: 0, sentOnce: 0, mismatches: [], seconds: 0 };
	for (let round = 0; round < opts.rounds; round++) {
		sim.configure({ faults: [] });
		pool.forEach((g, i) => sim.patchGroup(g.id, { status: 'failed-over', priority_station: 'target', nextOutcome: (i + round) % 7 === 0 ? 'fail' : 'success' }));
		const before = new Map(pool.map((g) => [g.id, { jobs: sim.stats.jobsCreated[g.id] ?? 0, posts: sim.stats.actionPosts[g.id] ?? 0, throttled: sim.stats.actionPostsThrottled[g.id] ?? 0 }]));
		const state = new MemoryState();
		const window = (heartbeatMs: number): Workflow =>
			new Workflow({
				store: new JobStore(state),
				clientFor: () => c,
				ports: quietPorts(),
				log: silentLogger,
				jobTimeoutMs: () => 60_000,
				reconcileMs: 2500,
				reconcileReadMs: 250,
				maxConcurrentRequests: () => 4,
				heartbeatMs,
			});
		const stalls = window(1e9); // never renews its leases: the window that stalls
		const peer = window(200);
		sim.configure({ faults: [...chaosFaults(opts.faultRate ?? 0.2), { match: '^POST .*/action$', kind: '429', count: 1 }, { match: '^POST .*/action$', kind: '429', rate: 0.15 }] });
		const targets = pool.map((g) => ({ profileId: 'chaos', project, group: toGroup({ ...g })! }));
		const [planA, planB] = await Promise.all([stalls.batches.plan(targets, 'enableAgain'), peer.batches.plan(targets, 'enableAgain')]);
		const [a, b] = await Promise.all([stalls.batches.start(planA, 'enableAgain'), peer.batches.start(planB, 'enableAgain')]);
		// At its first throttle pause (or after a second), the stalling window's lease runs out.
		const throttledBefore = sim.stats.faults['429'] ?? 0;
		await until('a throttle', () => (sim.stats.faults['429'] ?? 0) > throttledBefore, 1000).catch(() => undefined);
		await stalls.deps.store.patchBatch(a.batch.batchId, { lease: { owner: stalls.deps.store.owner, until: Date.now() - 1 } });
		report.takeovers++;
		await until('both batches to end', () => !!peer.deps.store.batch(a.batch.batchId)?.endedAt && !!peer.deps.store.batch(b.batch.batchId)?.endedAt, 120_000);
		await Promise.all([a.done, b.done]);
		await new Promise((r) => setTimeout(r, 1200)); // a POST answered with an error may still apply
		sim.configure({ faults: [] });
		const store = peer.deps.store;
		const entries = [store.batch(a.batch.batchId)!, store.batch(b.batch.batchId)!].flatMap((x) => x.entries);
		for (const g of pool) {
			report.groups++;
			const was = before.get(g.id)!;
			const jobs = (sim.stats.jobsCreated[g.id] ?? 0) - was.jobs;
			const throttled = (sim.stats.actionPostsThrottled[g.id] ?? 0) - was.throttled;
			const posts = (sim.stats.actionPosts[g.id] ?? 0) - was.posts;
			report.throttled += throttled;
			report.duplicates += Math.max(0, posts - throttled - 1);
			const mine = entries.filter((e) => e.groupId === g.id);
			const outcomeOf = (e: BatchEntry): string | undefined => e.result?.outcome ?? (e.jobId ? store.get(e.jobId)?.outcome : undefined);
			const created = mine.filter((e) => e.state === 'sent' && ['SUCCESS', 'FAIL'].includes(outcomeOf(e) ?? '')).length;
			const status = sim.group(g.id)!.status;
			const problems: string[] = [];
			const sentBy = mine.filter((e) => e.state === 'sent').length;
			if (sentBy > 1) {
				problems.push(
					`sent by ${sentBy} batches (${mine.map((e) => `${e.state} ${e.jobId ?? ''} ${outcomeOf(e) ?? ''} ${e.error ?? ''}`).join(' | ')}; server jobs ${jobs}, POSTs ${posts}, throttled ${throttled})`,
				);
			}
			report.sentOnce += sentBy === 1 ? 1 : 0;
			if (jobs !== created) {
				problems.push(`server created ${jobs} job(s), the reports say ${created} (${mine.map((e) => `${e.state}:${outcomeOf(e) ?? e.error ?? ''}`).join(', ')})`);
			}
			const outcomes = mine.map(outcomeOf).filter(Boolean);
			if (outcomes.includes('SUCCESS') && status !== 'protected') {
				problems.push(`reported SUCCESS but the group is ${status}`);
			}
			if (outcomes.includes('FAIL') && status !== 'error-reprotecting') {
				problems.push(`reported FAIL but the group is ${status}`);
			}
			if (!created && status !== 'failed-over') {
				problems.push(`reported nothing applied but the group is ${status}`);
			}
			if (mine.some((e) => e.state === 'queued' || e.state === 'sending')) {
				problems.push('left queued or sending');
			}
			if (problems.length) {
				report.mismatches.push(`round ${round}, ${g.name}: ${problems.join('; ')}`);
			} else {
				report.matched++;
			}
		}
		await stalls.suspend();
		await peer.suspend();
		stalls.dispose();
		peer.dispose();
		report.rounds++;
	}
	report.seconds = (Date.now() - started) / 1000;
	await sim.stop();
	return report;
}
