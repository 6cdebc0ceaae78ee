// Running a recovery plan: every group's pre-flight checks before the first POST (a Planned
// Failover is refused as a whole when one fails), the user's typed confirmation with the plan
// shown in full, then the steps in order, each ended before the next starts (steps.ts,
// drillStep.ts), under one progress with Stop. The run is recorded before anything is sent, so a
// reload finds it: it is then paused, and goes on only when the user says so.
import type { Batches } from '../batch/batches';
import type { JobStore } from '../jobStore';
import type { Logger } from '../logger';
import type { ActionTarget, Ports } from '../ports';
import type { RunResult } from '../workflow';
import { runDrillStep } from './drillStep';
import type { PlanPorts } from './planPorts';
import { newRunRecord, targetsOf } from './record';
import { checkPlan, typedConfirmation, type CheckDeps, type PlanCheck } from './prepare';
import { runEnded, type PlanRunStore } from './runStore';
import { runGroupStep, runPause, type StepControl, type StepDeps, type StepEnd } from './steps';
import type { PlanMode, ResolvedPlan, StoredPlanRun } from './types';

export type { PlanPorts } from './planPorts';
export { targetsOf } from './record';

export interface PlanRunnerDeps extends Omit<StepDeps, 'runs' | 'check'> {
	runs: PlanRunStore;
	store: JobStore;
	batches: Batches;
	check: CheckDeps;
	ports: Ports;
	log: Logger;
	planPorts?: PlanPorts;
	startDrill(target: ActionTarget, name: string, alert: Ports['alert']): Promise<RunResult>;
	heartbeatMs?: number;
}

export type StartResult = { kind: 'started'; run: StoredPlanRun; done: Promise<StoredPlanRun | undefined> } | { kind: 'refused' | 'cancelled'; check: PlanCheck };

interface Active extends StepControl {
	stopper: AbortController;
	closer: AbortController;
}

export class PlanRunner {
	private readonly active = new Map<string, Active>();
	/** Runs this window holds: running here, or paused here waiting for the user. */
	private readonly held = new Set<string>();
	/** The targets of each run's plan (a resumed run rebuilds them from its record). */
	private readonly targets = new Map<string, ActionTarget[]>();
	private timer?: ReturnType<typeof setInterval>;
	/** How runs reach the editor (set by the extension; the chaos run and tests set their own). */
	planPorts?: PlanPorts;

	constructor(private readonly deps: PlanRunnerDeps) {
		this.planPorts = deps.planPorts;
	}

	private get ui(): PlanPorts {
		if (!this.planPorts) {
			throw new Error('no plan ports');
		}
		return this.planPorts;
	}

	/** The record of every run. */
	get runs(): PlanRunStore {
		return this.deps.runs;
	}

	/** Runs being run in this window. */
	running(): string[] {
		return [...this.active.keys()];
	}

	/**
	 * Checks every group, asks for the confirmation, records the run and starts it. Resolves once the
	 * run is recorded (or refused, or cancelled); `done` settles when the run ends or the window closes.
	 */
	async start(plan: ResolvedPlan, mode: PlanMode, onChecked?: (done: number, total: number) => void, signal?: AbortSignal): Promise<StartResult> {
		const { runs, ports, log } = this.deps;
		const check = await checkPlan(this.deps.check, plan, mode, onChecked, signal);
		log.info(`Plan “${plan.name}” (${mode}): ${check.eligible} group(s) eligible, ${check.ineligible.length} not${check.refusal ? `; refused (${check.refusal})` : ''}`);
		if (signal?.aborted) {
			return { kind: 'cancelled', check };
		}
		// Two runs over the same groups would race each other's steps: one at a time per group.
		const mine = new Set(plan.steps.flatMap((st) => (st.kind === 'groups' ? st.targets.map((t) => `${t.project.id}/${t.group.id}`) : [])));
		const other = runs.all().find((r) => !runEnded(r) && r.steps.some((st) => st.groups?.some((g) => mine.has(`${g.projectId}/${g.groupId}`))));
		if (other) {
			log.warn(`Plan “${plan.name}” refused: run ${other.runId} (“${other.planName}”) has some of its groups and has not ended`);
			await this.ui.refused({ plan, mode, check: { ...check, refusal: 'otherRun', otherRun: other.planName } });
			return { kind: 'refused', check };
		}
		if (check.refusal) {
			await this.ui.refused({ plan, mode, check });
			return { kind: 'refused', check };
		}
		if (!(await this.ui.confirm({ plan, mode, check, typed: typedConfirmation(plan, mode, check) }))) {
			return { kind: 'cancelled', check };
		}
		const run = newRunRecord(plan, mode, check, ports.clock.now(), runs.owner);
		await runs.save(run);
		this.targets.set(
			run.runId,
			plan.steps.flatMap((s) => (s.kind === 'groups' ? s.targets : [])),
		);
		return { kind: 'started', run, done: this.drive(run.runId) };
	}

	/** Stop: the current step's batch sends nothing more, and no step starts after it (from any window). */
	stop(runId: string): boolean {
		const run = this.deps.runs.get(runId);
		if (!run || runEnded(run)) {
			return false;
		}
		void this.deps.runs.patch(runId, { stopRequested: true });
		const a = this.active.get(runId);
		a?.stopper.abort();
		const batchId = run.steps[run.current]?.batchId;
		if (batchId) {
			this.deps.batches.stop(batchId);
		}
		if (!a && this.held.has(runId)) {
			// Paused here waiting for the user: it ends now.
			void this.finish(runId, 'stopped', 'stopped by the user');
		}
		return true;
	}

	/**
	 * Takes every unfinished run whose lease is free or expired (after a reload): it is paused, and
	 * the user is told (Continue, Show Report, Abandon). Nothing is started. Returns how many.
	 */
	resumeAll(): number {
		const { runs, ports } = this.deps;
		const now = ports.clock.now();
		let taken = 0;
		for (const r of runs.all().filter((x) => !runEnded(x) && !this.active.has(x.runId) && !this.held.has(x.runId))) {
			if (!r.lease || r.lease.owner === runs.owner || r.lease.until <= now) {
				taken++;
				this.held.add(r.runId);
				void runs.claim(r.runId).then(async (ok) => {
					if (!ok) {
						this.held.delete(r.runId);
						return;
					}
					this.beat();
					await runs.patch(r.runId, { state: 'paused' });
					this.deps.log.info(`Plan run ${r.runId} (“${r.planName}”) was interrupted at step ${r.current + 1} of ${r.steps.length}; paused until the user continues it`);
					const paused = runs.get(r.runId);
					if (paused) {
						this.planPorts?.interrupted(paused);
					}
				});
			}
		}
		return taken;
	}

	/**
	 * The user said Continue on a paused run: the current step is ended (a batch already sent is
	 * waited for, never sent again), then the run goes on. Its groups come from its record (each is
	 * read again by its checks before anything is sent).
	 */
	async continueRun(runId: string): Promise<StoredPlanRun | undefined> {
		const { runs } = this.deps;
		const run = runs.get(runId);
		if (!run || this.active.has(runId) || !(await runs.claim(runId))) {
			return undefined;
		}
		if (!this.targets.has(runId)) {
			this.targets.set(runId, targetsOf(run));
		}
		await runs.patch(runId, { state: 'running' });
		return this.drive(runId);
	}

	/** The user abandoned a paused run: it ends as stopped; a batch it sent is still followed. */
	async abandon(runId: string): Promise<boolean> {
		const run = this.deps.runs.get(runId);
		const batchId = run?.steps[run.current]?.batchId;
		if (batchId) {
			this.deps.batches.stop(batchId);
		}
		return this.finish(runId, 'stopped', 'abandoned by the user');
	}

	/** The window goes away: the runs are left as recorded (resumed after the reload), leases given up. */
	async suspend(): Promise<void> {
		for (const a of this.active.values()) {
			a.closer.abort();
		}
		const ids = [...new Set([...this.active.keys(), ...this.held])];
		this.active.clear();
		this.held.clear();
		clearInterval(this.timer);
		this.timer = undefined;
		if (ids.length) {
			await this.deps.runs.lease(ids, true);
		}
	}

	/** Renews this window's leases while it holds a run. */
	private beat(): void {
		this.timer ??= setInterval(() => {
			const ids = [...this.held];
			if (!ids.length) {
				clearInterval(this.timer);
				this.timer = undefined;
				return;
			}
			void this.deps.runs.lease(ids);
		}, this.deps.heartbeatMs ?? 5000);
	}

	private async finish(runId: string, state: 'ended' | 'halted' | 'stopped', haltReason?: string): Promise<boolean> {
		const first = await this.deps.runs.finish(runId, state, haltReason ? { haltReason } : {});
		this.held.delete(runId);
		const ended = this.deps.runs.get(runId);
		if (first && ended) {
			this.deps.log.info(`Plan run ${runId} (“${ended.planName}”) ${state}${haltReason ? `: ${haltReason}` : ''}`);
			this.planPorts?.ended(ended);
		}
		return first;
	}

	/** The steps from the current one, one after another, under one progress. */
	private async drive(runId: string): Promise<StoredPlanRun | undefined> {
		const { runs } = this.deps;
		const stopper = new AbortController();
		const closer = new AbortController();
		const ctl: Active = { stopper, closer, stop: stopper.signal, closing: closer.signal };
		this.active.set(runId, ctl);
		this.held.add(runId);
		this.beat();
		const outcome = await this.ui.progress({ runId, run: () => runs.get(runId), stop: () => this.stop(runId) }, async (report) => {
			const sub = runs.onDidChange(() => report());
			try {
				return await this.steps(runId, ctl);
			} finally {
				sub.dispose();
			}
		});
		this.active.delete(runId);
		if (outcome === 'closing') {
			return undefined;
		}
		await this.finish(runId, outcome.state, outcome.reason);
		return runs.get(runId);
	}

	private async steps(runId: string, ctl: Active): Promise<'closing' | { state: 'ended' | 'halted' | 'stopped'; reason?: string }> {
		const { runs } = this.deps;
		for (;;) {
			const run = runs.get(runId);
			if (!run || runEnded(run)) {
				return 'closing';
			}
			if (ctl.closing.aborted) {
				return 'closing';
			}
			if (run.stopRequested || ctl.stop.aborted) {
				return { state: 'stopped', reason: 'stopped by the user' };
			}
			const i = run.current;
			if (i >= run.steps.length) {
				return { state: 'ended' };
			}
			const end = await this.step(run, i, ctl);
			if (end === 'closing') {
				return 'closing';
			}
			if (end === 'halt') {
				return {
					state: 'halted',
					reason: run.mode === 'plannedFailover' ? `step ${i + 1} failed: a planned failover halts at the first failure` : `step ${i + 1} halted: a group is in flight in another job, batch or run`,
				};
			}
			if (end === 'stopped') {
				return { state: 'stopped', reason: 'stopped by the user' };
			}
			// Only now, with the step ended, does the next one become current.
			await runs.patch(runId, { current: i + 1 });
		}
	}

	private async step(run: StoredPlanRun, i: number, ctl: Active): Promise<StepEnd> {
		const { runs } = this.deps;
		const step = run.steps[i];
		const targets = this.targets.get(run.runId) ?? [];
		if (step.kind === 'groups') {
			const deps: StepDeps = { ...this.deps, runs, check: this.deps.check };
			return run.mode === 'drill' ? runDrillStep(deps, run.runId, i, targets, ctl) : runGroupStep(deps, run.runId, i, run.mode, targets, ctl);
		}
		return runPause(this.deps, this.ui, run, i, ctl);
	}
}
