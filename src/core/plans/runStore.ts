// The record of every recovery plan run (StoredPlanRun), in the editor's shared state beside the
// jobs and batches (its own key): recorded before anything is sent, each step's start and end
// written, so a reload finds the run where it was. One write queue, one change event; a lease says
// which window runs it (any window may take a run whose lease is free or expired, and then asks
// the user before going on).
import { Emitter } from '../events';
import { LEASE_MS, sameRecords } from '../records';
import { updateState, type SharedState } from '../sharedState';
import type { RunGroup, RunStep, StoredPlanRun } from './types';

const RUNS_KEY = 'sdrs.planRuns';
/** Ended runs kept (each with its own copy of every group's end). */
const KEEP_ENDED = 20;

export const runEnded = (r: StoredPlanRun): boolean => r.state === 'ended' || r.state === 'halted' || r.state === 'stopped';

export class PlanRunStore {
	private readonly changed = new Emitter<void>();
	readonly onDidChange = this.changed.event;
	private queue: Promise<void> = Promise.resolve();

	constructor(
		private readonly state: SharedState,
		/** This window's identity for leases (the job store's). */
		readonly owner: string,
		private readonly now: () => number = Date.now,
	) {}

	dispose(): void {
		this.changed.dispose();
	}

	all(): StoredPlanRun[] {
		return this.state.get<StoredPlanRun[]>(RUNS_KEY, []);
	}

	get(runId: string): StoredPlanRun | undefined {
		return this.all().find((r) => r.runId === runId);
	}

	/** The one write path: one change at a time; ended runs beyond the last 20 are dropped. */
	write(change: (runs: StoredPlanRun[]) => StoredPlanRun[]): Promise<void> {
		const next = this.queue.then(async () => {
			const before = this.all();
			const runs = change(before);
			const ended = runs.filter(runEnded);
			const drop = new Set(ended.slice(0, Math.max(0, ended.length - KEEP_ENDED)).map((r) => r.runId));
			const kept = runs.filter((r) => !drop.has(r.runId));
			// Unchanged, not written: an idle window's lease renewal never writes its copy over another's.
			if (sameRecords(before, kept)) {
				return;
			}
			await updateState(this.state, RUNS_KEY, kept);
			this.changed.fire();
		});
		this.queue = next.catch(() => undefined);
		return next;
	}

	save(run: StoredPlanRun): Promise<void> {
		return this.write((runs) => [...runs.filter((r) => r.runId !== run.runId), run]);
	}

	/** Changes an unfinished run (an ended run is never changed again, except `cleanedUpAt`). */
	patch(runId: string, fields: Partial<StoredPlanRun>): Promise<void> {
		return this.write((runs) => runs.map((r) => (r.runId === runId && (!runEnded(r) || Object.keys(fields).every((k) => k === 'cleanedUpAt')) ? { ...r, ...fields } : r)));
	}

	patchStep(runId: string, index: number, fields: Partial<RunStep>): Promise<void> {
		return this.write((runs) => runs.map((r) => (r.runId !== runId || runEnded(r) ? r : { ...r, steps: r.steps.map((s, i) => (i === index ? { ...s, ...fields } : s)) })));
	}

	/**
	 * Changes one group of a run: in step `index`, or in every step (a group is in one step of a
	 * run, and Clean Up marks its drill wherever it is). Ended runs too: Clean Up marks their drills.
	 */
	patchGroup(runId: string, index: number | undefined, group: Pick<RunGroup, 'projectId' | 'groupId'>, change: (g: RunGroup) => RunGroup): Promise<void> {
		return this.write((runs) =>
			runs.map((r) =>
				r.runId !== runId
					? r
					: {
							...r,
							steps: r.steps.map((s, i) =>
								index !== undefined && i !== index ? s : { ...s, groups: s.groups?.map((x) => (x.projectId === group.projectId && x.groupId === group.groupId ? change(x) : x)) },
							),
						},
			),
		);
	}

	/** Takes the lease of an unfinished run when it is free, expired or already ours. */
	async claim(runId: string): Promise<boolean> {
		let taken = false;
		const now = this.now();
		await this.write((runs) =>
			runs.map((r) => {
				if (r.runId !== runId || runEnded(r) || (r.lease && r.lease.owner !== this.owner && r.lease.until > now)) {
					return r;
				}
				taken = true;
				return { ...r, lease: { owner: this.owner, until: now + LEASE_MS } };
			}),
		);
		return taken;
	}

	holds(runId: string): boolean {
		return this.get(runId)?.lease?.owner === this.owner;
	}

	/** Renews (or, with `release`, gives up) this window's leases on these runs. */
	lease(runIds: readonly string[], release = false): Promise<void> {
		const until = this.now() + LEASE_MS;
		return this.write((runs) => runs.map((r) => (runIds.includes(r.runId) && r.lease?.owner === this.owner ? { ...r, lease: release ? undefined : { owner: this.owner, until } } : r)));
	}

	/** Records the end of a run, once: false when it had ended already. */
	async finish(runId: string, state: 'ended' | 'halted' | 'stopped', fields: Partial<StoredPlanRun> = {}): Promise<boolean> {
		let first = false;
		await this.write((runs) =>
			runs.map((r) => {
				if (r.runId !== runId || runEnded(r)) {
					return r;
				}
				first = true;
				return { ...r, ...fields, state, endedAt: this.now(), reportedBy: this.owner, lease: undefined };
			}),
		);
		return first;
	}

	/** Forgets ended runs. */
	clear(): Promise<void> {
		return this.write((runs) => runs.filter((r) => !runEnded(r)));
	}
}
