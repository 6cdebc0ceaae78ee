// A window's engine for recovery plan tests: a workflow on the simulator with plan ports that
// record what the user was asked and told (a second harness on the same state is another window).
import { JobStore } from '../../src/core/jobStore';
import { silentLogger } from '../../src/core/logger';
import type { Project, ProtectionGroup } from '../../src/core/model';
import type { Ports } from '../../src/core/ports';
import type { PlanPorts } from '../../src/core/plans/run';
import type { PlanCheck } from '../../src/core/plans/prepare';
import type { ResolvedPlan, ResolvedStep, StoredPlanRun } from '../../src/core/plans/types';
import { MemoryState } from '../../src/core/sharedState';
import { Workflow } from '../../src/core/workflow';
import type { Rig } from './sim';

export interface PlanHarness {
	workflow: Workflow;
	store: JobStore;
	refused: PlanCheck[];
	confirmed: { typed: string; check: PlanCheck }[];
	prompts: { step: number; text: string; state: StoredPlanRun['state'] }[];
	ended: StoredPlanRun[];
	interrupted: StoredPlanRun[];
	/** What the next prompt answers (a promise: the test decides when). */
	answer: (q: { step: number }) => Promise<boolean>;
	/** Whether the typed confirmation is given. */
	confirm: boolean;
}

export function planHarness(r: Rig, state = new MemoryState(), jobTimeoutMs = 60_000, heartbeatMs = 200): PlanHarness {
	const h = { refused: [], confirmed: [], prompts: [], ended: [], interrupted: [], answer: () => Promise.resolve(true), confirm: true } as unknown as PlanHarness;
	const ports: Ports = {
		confirm: () => Promise.resolve(true),
		alert: () => Promise.resolve(),
		notify: () => undefined,
		progress: (_what, task) => task(() => undefined),
		clock: { now: () => Date.now(), sleep: (ms) => new Promise((res) => setTimeout(res, ms)) },
	};
	const planPorts: PlanPorts = {
		refused: ({ check }) => {
			h.refused.push(check);
			return Promise.resolve();
		},
		confirm: ({ typed, check }) => {
			h.confirmed.push({ typed, check });
			return Promise.resolve(h.confirm);
		},
		prompt: ({ run, step, text }) => {
			h.prompts.push({ step, text, state: h.store.state.get<StoredPlanRun[]>('sdrs.planRuns', []).find((x) => x.runId === run.runId)!.state });
			return h.answer({ step });
		},
		progress: (_what, task) => task(() => undefined),
		ended: (run) => h.ended.push(run),
		interrupted: (run) => h.interrupted.push(run),
	};
	h.store = new JobStore(state);
	h.workflow = new Workflow({
		store: h.store,
		clientFor: () => r.client,
		ports,
		log: silentLogger,
		jobTimeoutMs: () => jobTimeoutMs,
		reconcileMs: 2500,
		maxConcurrentRequests: () => 4,
		heartbeatMs,
		planPorts,
	});
	return h;
}

export const target = (r: Rig, project: Project, name: string): { profileId: string; project: Project; group: ProtectionGroup } => {
	const g = r.sim.findGroup(name);
	return { profileId: 'p', project, group: { id: g.id, name: g.name, status: g.status } as ProtectionGroup };
};

export function plan(name: string, project: Project, steps: ResolvedStep[]): ResolvedPlan {
	return { name, source: 'test.sdrs-plan.json', profileId: 'p', project, steps };
}
