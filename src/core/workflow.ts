// The engine: an action for one group from start to end (pre-flight checks, the user's
// confirmation, one POST, a lost answer reconciled, the job followed and reported once), and the
// parts it is made of, wired once: the job follower, the batches, the heartbeat that keeps this
// window's leases. The extension and the chaos run drive the same engine; it talks to the editor
// only through Ports and records every job in the JobStore before following it, so a reload
// resumes it instead of forgetting it.
import type { ActionKind } from './actions';
import { runPreflight } from './checks';
import { Batches } from './batch/batches';
import { deleteDrill, startDrill, type DrillQuestions } from './drillFlow';
import type { SdrsClient } from './client';
import { SdrsError } from './errors';
import { Emitter } from './events';
import { JobFollower, RECONCILE_MS, type Reconciled, type SendResult } from './follower';
import { Heartbeat } from './heartbeat';
import type { JobOutcome } from './jobTracker';
import type { JobStore } from './jobStore';
import type { Drill, ProtectionGroup } from './model';
import type { Logger } from './logger';
import { quietPorts, type ActionTarget, type GroupRead, type Ports } from './ports';
import { PlanRunner, type PlanPorts } from './plans/run';
import { PlanRunStore, runEnded } from './plans/runStore';
import { recordOf } from './records';
import { sendActionOnce } from './sendAction';

export interface WorkflowDeps {
	store: JobStore;
	/** The client of a profile; undefined once the profile is gone. */
	clientFor(profileId: string): SdrsClient | undefined;
	ports: Ports;
	log: Logger;
	jobTimeoutMs(): number;
	/** How often the heartbeat renews leases and looks for jobs to take over. */
	heartbeatMs?: number;
	/** After a POST without an answer, how long a move of the group proves it was applied (FollowerDeps). */
	reconcileMs?: number;
	/** How often the group is read meanwhile. */
	reconcileReadMs?: number;
	/** sdrs.maxConcurrentRequests: how many POSTs a batch sends at once, at most. */
	maxConcurrentRequests?(): number;
	random?: () => number;
	/** How recovery plan runs reach the editor (it may also be set later on `plans.planPorts`). */
	planPorts?: PlanPorts;
}

export type RunResult = SendResult | { kind: 'cancelled' };

export class Workflow {
	private readonly groupRead = new Emitter<GroupRead>();
	/** A group was just read from the service (the tree shows it). */
	readonly onGroupRead = this.groupRead.event;
	/** Groups with an action being prepared in this window (by project and group: any profile). */
	private readonly busy = new Set<string>();
	private readonly heartbeat: Heartbeat;
	private readonly follower: JobFollower;
	/** Many groups as one plan and one batch (batch/). */
	readonly batches: Batches;
	/** Recovery plans run step by step (plans/run.ts): each group step a batch, or a drill per group. */
	readonly plans: PlanRunner;

	constructor(readonly deps: WorkflowDeps) {
		const announce = (read: GroupRead): void => this.groupRead.fire(read);
		this.heartbeat = new Heartbeat(deps.store, { jobs: () => this.follower.held(), batches: () => this.batches.held() }, () => this.resumeAll(), deps.heartbeatMs);
		this.follower = new JobFollower({ ...deps, announce, heartbeat: this.heartbeat });
		this.batches = new Batches({
			...deps,
			announce,
			heartbeat: this.heartbeat,
			record: (sent) => recordOf(sent, deps.reconcileMs ?? RECONCILE_MS),
			followQuietly: (job, ports) => this.follower.follow(job, job.startedAt, ports),
		});
		this.plans = new PlanRunner({
			...deps,
			runs: new PlanRunStore(deps.store.state, deps.store.owner, () => deps.ports.clock.now()),
			batches: this.batches,
			check: { store: deps.store, clientFor: (id) => deps.clientFor(id), announce, maxConcurrentRequests: () => deps.maxConcurrentRequests?.() ?? 4 },
			startDrill: (target, name, alert) => this.startDrillQuietly(target, name, alert),
			deleteDrill: (target, drill, alert) => this.deleteDrillQuietly(target, drill, alert),
		});
		// A batch of an unfinished plan run is kept until the run has ended (its step waits for it).
		deps.store.pinned = (b) => {
			const run = b.planRunId ? this.plans.runs.get(b.planRunId) : undefined;
			return !!run && !runEnded(run);
		};
	}

	dispose(): void {
		void this.suspend();
		this.groupRead.dispose();
	}

	private get ports(): Ports {
		return this.deps.ports;
	}

	/** The whole action for one group. Resolves once the job is recorded and followed, or the user stopped. */
	runAction(target: ActionTarget, action: ActionKind): Promise<RunResult> {
		return this.guarded(target, () => this.prepareAndSend(target, action));
	}

	/** Start DR Drill on one group (drillFlow.ts), under the same guard as an action. */
	startDrill(target: ActionTarget, questions: DrillQuestions): Promise<RunResult> {
		return this.guarded(target, () => startDrill(this.drillEngine(), target, questions));
	}

	/** Delete DR Drill (drillFlow.ts), under the same guard as an action. */
	deleteDrill(target: ActionTarget, drill: Drill, confirm: (group: ProtectionGroup, drill: Drill) => PromiseLike<boolean>): Promise<RunResult> {
		return this.guarded(target, () => deleteDrill(this.drillEngine(), target, drill, confirm));
	}

	/**
	 * A DR drill of a plan's rehearsal: named for it, with no question, progress or message of its
	 * own (the run reports); a refusal goes to `alert`. The same guard and flow as Start DR Drill.
	 */
	startDrillQuietly(target: ActionTarget, name: string, alert: Ports['alert']): Promise<RunResult> {
		const engine = this.drillEngine();
		const ports: Ports = { ...quietPorts(this.deps.ports, this.deps.log), alert };
		return this.guarded(target, () => startDrill({ ...engine, deps: { ...engine.deps, ports } }, target, { spec: () => Promise.resolve({ name }) }));
	}

	/**
	 * Delete DR Drill for a rehearsal's Clean Up: already confirmed (Clean Up asked once for all),
	 * with no progress or message of its own (Clean Up reports); a refusal goes to `alert`.
	 */
	deleteDrillQuietly(target: ActionTarget, drill: Drill, alert: Ports['alert']): Promise<RunResult> {
		const engine = this.drillEngine();
		const ports: Ports = { ...quietPorts(this.deps.ports, this.deps.log), alert };
		return this.guarded(target, () => deleteDrill({ ...engine, deps: { ...engine.deps, ports } }, target, drill, () => Promise.resolve(true)));
	}

	private drillEngine(): Parameters<typeof startDrill>[0] {
		return { deps: this.deps, follower: this.follower, heartbeat: this.heartbeat, announce: (read) => this.groupRead.fire(read) };
	}

	/** One thing prepared at a time per group in this window. */
	private async guarded(target: ActionTarget, run: () => Promise<RunResult>): Promise<RunResult> {
		// By project and group, not profile: two profiles of one account see the same group.
		const key = `${target.project.id}/${target.group.id}`;
		if (this.busy.has(key)) {
			this.ports.notify({ kind: 'busy', group: target.group });
			return { kind: 'refused' };
		}
		this.busy.add(key);
		try {
			return await run();
		} finally {
			this.busy.delete(key);
		}
	}

	private async prepareAndSend({ profileId, project, group }: ActionTarget, action: ActionKind): Promise<RunResult> {
		const { store, log } = this.deps;
		const running = store.runningJobFor(project.id, group.id);
		const client = this.deps.clientFor(profileId);
		if (running) {
			this.ports.notify({ kind: 'jobRunning', group, jobId: running });
			return { kind: 'refused' };
		}
		if (store.queuedInBatch(project.id, group.id)) {
			this.ports.notify({ kind: 'busy', group });
			return { kind: 'refused' };
		}
		if (!client) {
			// The profile was removed while the group was shown: nothing can be signed.
			throw new SdrsError('The profile of this protection group no longer exists; nothing was sent.', 'config');
		}
		const preflight = await this.ports.progress({ kind: 'checking', action, group }, () => runPreflight(client, project, group.id, action, running));
		this.groupRead.fire({ profileId, projectId: project.id, group: preflight.group });
		log.info(`Pre-flight for ${action} on ${group.id}: ${preflight.checks.map((c) => `${c.id}=${c.ok ? 'ok' : `FAIL (${c.detail})`}`).join(', ')}`);
		if (!preflight.ok) {
			await this.ports.alert({ kind: 'preflightFailed', action, group, checks: preflight.checks });
			return { kind: 'refused' };
		}
		// Asked about the group as just re-read: the body is built from it (a switchover's direction).
		if (!(await this.ports.confirm({ action, group: preflight.group, checks: preflight.checks, profileId, project }))) {
			return { kind: 'cancelled' };
		}
		// Another window or batch may have started a job meanwhile.
		if (store.runningJobFor(project.id, group.id) || store.queuedInBatch(project.id, group.id)) {
			this.ports.notify({ kind: 'jobRunning', group });
			return { kind: 'refused' };
		}
		// Recorded before it leaves: a reload meanwhile reconciles it, and no other action goes to the
		// group in any window.
		const sent = { profile: profileId, project, group, before: preflight.group, action, at: this.ports.clock.now() };
		return this.follower.sendAndFollow(sent, () => sendActionOnce(client, project, preflight.group, action), this.ports);
	}

	/**
	 * Takes over every unfinished batch and job whose lease is free or expired (after a reload, or
	 * when the window that ran it went away). Returns how many it took.
	 */
	resumeAll(): number {
		this.heartbeat.start();
		return this.batches.resumeAll() + this.follower.resumeJobs() + this.plans.resumeAll();
	}

	/** Follows a job put aside as not followed again, with a new timeout counted from now. */
	followAgain(jobId: string): Promise<JobOutcome | Reconciled | undefined> {
		return this.follower.followAgain(jobId);
	}

	/** Closes a job put aside as not followed: it moves to the history, its group is no longer guarded. */
	dismiss(jobId: string): Promise<boolean> {
		return this.follower.dismiss(jobId);
	}

	/** Stops following every job and batch here (the window closes); their leases are released. */
	async suspend(): Promise<void> {
		this.heartbeat.stop();
		await Promise.all([this.batches.suspend(), this.follower.suspend(), this.plans.suspend()]);
	}
}
