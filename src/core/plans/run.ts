// Running a recovery plan: every group's pre-flight checks before the first POST (a Planned
// Failover is refused as a whole when one fails), the user's typed confirmation with the plan
// shown in full, then the steps in order, each ended before the next starts (steps.ts,
// drillStep.ts), under one progress with Stop. The run is recorded before anything is sent, so a
// reload finds it: it is then paused, and goes on only when the user says so.
import { TAKEOVER_GRACE_BEATS, type Batches } from '../batch/batches';
import type { JobStore } from '../jobStore';
import type { Logger } from '../logger';
import type { Drill } from '../model';
import type { ActionTarget, Ports } from '../ports';
import type { RunResult } from '../workflow';
import type { PlanPorts } from './planPorts';
import { newRunRecord, overlappingRun, targetsOf } from './record';
import { checkPlan, typedConfirmation, type CheckDeps, type PlanCheck } from './prepare';
import { runEnded, type PlanRunStore } from './runStore';
import { runSteps, type RunOutcome } from './loop';
import { cleanUpDrills, type CleanUpEnd } from './cleanUp';
import type { StepControl, StepDeps } from './steps';
import { RUN_REASON, type PlanMode, type ResolvedPlan, type StoredPlanRun } from './types';

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
	/** Delete DR Drill for Clean Up: already confirmed, no message of its own; a refusal goes to `alert`. */
	deleteDrill(target: ActionTarget, drill: Drill, alert: Ports['alert']): Promise<RunResult>;
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
	/** Runs being taken over (claimed, or waiting out the grace of a lease that expired). */
	private readonly taking = new Set<string>();
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

	/** Clean Up Drills of an ended rehearsal (cleanUp.ts), after the UI's one confirmation. */
	cleanUp(run: StoredPlanRun, onEnded?: (ended: number, total: number) => void): Promise<CleanUpEnd> {
		return cleanUpDrills(this.deps, run, onEnded);
	}

	/** Runs being run in this window. */
	running(): string[] {
		return [...this.active.keys()];
	}

	/**
	 * Checks every group, asks for the confirmation, records the run and starts it. Resolves once the
	 * run is recorded (or refused, or cancelled); `done` settles when the run ends or the window closes.
	 */
	async start(plan: ResolvedPlan, mode: PlanMode, onChecked?: (done: number, total: number) => void, signal?: AbortSignal, checkEnded?: () => void): Promise<StartResult> {
		const { runs, ports, log } = this.deps;
		const check = await checkPlan(this.deps.check, plan, mode, onChecked, signal).finally(() => checkEnded?.());
		log.info(`Plan “${plan.name}” (${mode}): ${check.eligible} group(s) eligible, ${check.ineligible.length} not${check.refusal ? `; refused (${check.refusal})` : ''}`);
		if (signal?.aborted) {
			return { kind: 'cancelled', check };
		}
		// Two runs over the same groups would race each other's steps: one at a time per group.
		const other = overlappingRun(runs.all(), plan);
		const refused = other ? { ...check, refusal: 'otherRun' as const, otherRun: other.planName } : check.refusal ? check : undefined;
		if (refused) {
			await this.ui.refused({ plan, mode, check: refused });
			return { kind: 'refused', check: refused };
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
			void this.finish(runId, 'stopped', RUN_REASON.stoppedByUser);
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
		for (const r of runs.all().filter((x) => !runEnded(x) && !this.active.has(x.runId) && !this.held.has(x.runId) && !this.taking.has(x.runId))) {
			if (!r.lease || r.lease.owner === runs.owner || r.lease.until <= now) {
				taken++;
				void this.take(r, !!r.lease && r.lease.owner !== runs.owner);
			}
		}
		return taken;
	}

	/**
	 * Claims a run and pauses it. When its lease expired rather than was given up, the window that
	 * held it may only be stalled (asleep): the run is held a few heartbeats first (as a batch is),
	 * so that window finds its lease gone and stops driving it before this one says anything.
	 */
	private async take(r: StoredPlanRun, expired: boolean): Promise<void> {
		const { runs, log } = this.deps;
		this.taking.add(r.runId);
		try {
			if (!(await runs.claim(r.runId))) {
				return;
			}
			this.held.add(r.runId);
			this.beat();
			if (expired) {
				log.info(`Plan run ${r.runId}: its window stopped renewing its lease; waiting before taking it over`);
				await this.deps.ports.clock.sleep(TAKEOVER_GRACE_BEATS * this.beatMs);
			}
			const now = runs.get(r.runId);
			if (!this.held.has(r.runId) || !runs.holds(r.runId) || !now || runEnded(now)) {
				this.held.delete(r.runId);
				return;
			}
			await runs.patch(r.runId, { state: 'paused' });
			log.info(`Plan run ${r.runId} (“${r.planName}”) was interrupted at step ${r.current + 1} of ${r.steps.length}; paused until the user continues it`);
			const paused = runs.get(r.runId);
			if (paused) {
				this.planPorts?.interrupted(paused);
			}
		} finally {
			this.taking.delete(r.runId);
		}
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
		return this.finish(runId, 'stopped', RUN_REASON.abandonedByUser);
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

	private get beatMs(): number {
		return this.deps.heartbeatMs ?? 5000;
	}

	/**
	 * Renews this window's leases while it holds a run. A run whose lease another window took (this
	 * one stalled past its lease) is driven here no more: nothing more is sent or written for it.
	 */
	private beat(): void {
		this.timer ??= setInterval(() => {
			const { runs } = this.deps;
			for (const id of this.held) {
				const r = runs.get(id);
				if (r && !runEnded(r) && r.lease?.owner !== runs.owner) {
					this.deps.log.warn(`Plan run ${id}: another window took it over; this window drives it no more.`);
					this.held.delete(id);
					this.active.get(id)?.closer.abort();
				}
			}
			const ids = [...this.held];
			if (!ids.length) {
				clearInterval(this.timer);
				this.timer = undefined;
				return;
			}
			void runs.lease(ids);
		}, this.beatMs);
	}

	private async finish(runId: string, state: 'ended' | 'halted' | 'stopped', haltReason?: string, halt?: StoredPlanRun['halt']): Promise<boolean> {
		let first = false;
		try {
			first = await this.deps.runs.finish(runId, state, { ...(haltReason ? { haltReason } : {}), ...(halt ? { halt } : {}) });
		} catch (e) {
			this.deps.log.error(`Plan run ${runId}: its end could not be recorded: ${e instanceof Error ? e.message : String(e)}`);
		} finally {
			this.held.delete(runId);
		}
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
		let outcome: RunOutcome;
		try {
			outcome = await this.ui.progress({ runId, run: () => runs.get(runId), stop: () => this.stop(runId) }, async (report) => {
				const sub = runs.onDidChange(() => report());
				try {
					return await runSteps({ ...this.deps, ui: this.ui, targets: this.targets.get(runId) ?? [] }, runId, ctl);
				} finally {
					sub.dispose();
				}
			});
		} catch (e) {
			// A failed write (or any other error): the run ends here rather than staying 'running'.
			const why = e instanceof Error ? e.message : String(e);
			this.deps.log.error(`Plan run ${runId}: ${why}`);
			outcome = { state: 'stopped', reason: `stopped by an error: ${why}` };
		} finally {
			this.active.delete(runId);
		}
		if (outcome === 'closing') {
			if (!runs.holds(runId)) {
				this.held.delete(runId);
			}
			return undefined;
		}
		await this.finish(runId, outcome.state, outcome.reason, outcome.halt);
		return runs.get(runId);
	}
}
