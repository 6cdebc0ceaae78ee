// Clean Up Drills: deletes the DR drills a rehearsal created, after the one confirmation the UI
// asked for them all. A few at a time (sdrs.maxConcurrentRequests), each through Delete DR Drill's
// own flow (its checks, one DELETE, its job followed to the end). Each drill deleted, or found gone
// (deleted meanwhile in the console or another window), is recorded in the run, so running Clean Up
// again retries only the others; once none is left the run is marked cleaned up and its report
// stops reminding.
import { drillGone } from '../drills';
import { toSdrsError } from '../errors';
import type { JobStore } from '../jobStore';
import type { Logger } from '../logger';
import type { Drill, ProtectionGroup } from '../model';
import type { ActionTarget, Ports } from '../ports';
import { projectOf } from '../records';
import { Semaphore } from '../semaphore';
import type { RunResult } from '../workflow';
import type { PlanRunStore } from './runStore';
import type { RunGroup, StoredPlanRun } from './types';

/** The drills a rehearsal left (until Clean Up Drills deleted them all). */
export function drillsLeft(run: StoredPlanRun): RunGroup[] {
	return run.mode === 'drill' && !run.cleanedUpAt ? run.steps.flatMap((s) => (s.groups ?? []).filter((g) => g.drill?.id && !g.drill.deletedAt)) : [];
}

export interface CleanUpDeps {
	runs: PlanRunStore;
	store: JobStore;
	log: Logger;
	/** Delete DR Drill, already confirmed, with no message of its own; a refusal goes to `alert`. */
	deleteDrill(target: ActionTarget, drill: Drill, alert: Ports['alert']): Promise<RunResult>;
	maxConcurrentRequests?: () => number;
}

export interface CleanUpEnd {
	deleted: number;
	/** The drills (or, unnamed, their groups) not deleted: the log says why. */
	notDeleted: string[];
}

/** Deletes the drills `run` left; `onEnded` is told after each one ends, deleted or not. */
export async function cleanUpDrills(deps: CleanUpDeps, run: StoredPlanRun, onEnded?: (ended: number, total: number) => void): Promise<CleanUpEnd> {
	const left = drillsLeft(run);
	const project = projectOf(run);
	const sem = new Semaphore(Math.max(1, deps.maxConcurrentRequests?.() ?? 4));
	let deleted = 0;
	const notDeleted: string[] = [];
	await Promise.all(
		left.map(async (g) => {
			const drill = { id: g.drill!.id!, name: g.drill!.name } as Drill;
			let gone = false;
			await sem.acquire();
			try {
				const result = await deps.deleteDrill({ profileId: run.profile, project, group: { id: g.groupId, name: g.groupName } as ProtectionGroup }, drill, (alert) => {
					gone = alert.kind === 'refused' && drillGone(alert.error);
					const why =
						alert.kind === 'refused'
							? alert.error.toString()
							: alert.checks
									.filter((x) => !x.ok)
									.map((x) => x.detail)
									.join('; ');
					deps.log.warn(`Clean up drill ${drill.id} of ${g.groupName}: ${why}`);
					return Promise.resolve();
				});
				if (gone || (result.kind === 'started' && (await result.followed) !== undefined && deps.store.get(result.job.jobId)?.outcome === 'SUCCESS')) {
					deleted++;
					await deps.runs.patchGroup(run.runId, undefined, g, (x) => (x.drill ? { ...x, drill: { ...x.drill, deletedAt: Date.now() } } : x));
				} else {
					notDeleted.push(g.drill?.name ?? g.groupName);
				}
			} catch (e) {
				notDeleted.push(g.drill?.name ?? g.groupName);
				deps.log.error(`Clean up drill ${drill.id}: ${toSdrsError(e).toString()}`);
			} finally {
				sem.release();
				onEnded?.(deleted + notDeleted.length, left.length);
			}
		}),
	);
	if (left.length && deleted === left.length) {
		await deps.runs.patch(run.runId, { cleanedUpAt: Date.now() });
	}
	return { deleted, notDeleted };
}
