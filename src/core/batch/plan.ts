// The plan of a batch: every pre-flight check for every group, a few groups at a time, before
// anything is sent. One account's group seen through two profiles is planned once; eligible
// groups past MAX_BATCH wait for another batch.
import type { ActionKind } from '../actions';
import { runPreflight, type CheckResult } from '../checks';
import { SdrsError, toSdrsError } from '../errors';
import type { ActionTarget } from '../ports';
import type { ProtectionGroup } from '../model';
import { Semaphore } from '../semaphore';
import type { BatchDeps } from './deps';

/** One group of a plan: what the pre-flight checks found, and whether it may be sent. */
export interface PlanEntry {
	target: ActionTarget;
	/** The group as just read (as shown, when it could not be read). */
	group: ProtectionGroup;
	eligible: boolean;
	checks: CheckResult[];
	/** The checks could not run (the group could not be read). */
	error?: SdrsError;
	/** Eligible, but past the most groups one batch takes (MAX_BATCH): left for another batch. */
	overLimit?: boolean;
}

/**
 * The most groups one batch sends. A batch is one record rewritten as its groups move: this keeps
 * each write small and a report readable; more groups are planned as a second batch.
 */
export const MAX_BATCH = 200;
/** How many pre-flight checks run at once (each is 2–4 GETs). */
const PLAN_CONCURRENCY = 4;

/** A key for one group of one account: a project id names one project of one account. */
export const groupKey = (projectId: string, groupId: string): string => `${projectId}/${groupId}`;

/**
 * Runs every pre-flight check for every group, a few groups at a time. A group that cannot be
 * read is not eligible (and says why). `onChecked` counts the groups done.
 */
export async function planBatch(
	deps: Pick<BatchDeps, 'store' | 'clientFor' | 'announce' | 'maxConcurrentRequests'>,
	targets: readonly ActionTarget[],
	action: ActionKind,
	onChecked?: (done: number, total: number) => void,
	signal?: AbortSignal,
): Promise<PlanEntry[]> {
	const { store } = deps;
	const sem = new Semaphore(Math.min(PLAN_CONCURRENCY, deps.maxConcurrentRequests?.() ?? PLAN_CONCURRENCY));
	let done = 0;
	const seen = new Set<string>();
	const unique = targets.filter((t) => !seen.has(groupKey(t.project.id, t.group.id)) && seen.add(groupKey(t.project.id, t.group.id)));
	const plan = await Promise.all(
		unique.map(async (target): Promise<PlanEntry> => {
			await sem.acquire();
			try {
				if (signal?.aborted) {
					throw new SdrsError('Stopped waiting', 'aborted');
				}
				const client = deps.clientFor(target.profileId);
				if (!client) {
					throw new SdrsError('The profile of this protection group no longer exists.', 'config');
				}
				const inFlight = { jobId: store.runningJobFor(target.project.id, target.group.id), inBatch: store.queuedInBatch(target.project.id, target.group.id) };
				const p = await runPreflight(client, target.project, target.group.id, action, inFlight, signal);
				deps.announce({ profileId: target.profileId, projectId: target.project.id, group: p.group });
				return { target, group: p.group, eligible: p.ok, checks: p.checks };
			} catch (e) {
				return { target, group: target.group, eligible: false, checks: [], error: toSdrsError(e) };
			} finally {
				sem.release();
				onChecked?.(++done, unique.length);
			}
		}),
	);
	let eligible = 0;
	return plan.map((p) => (p.eligible && ++eligible > MAX_BATCH ? { ...p, eligible: false, overLimit: true } : p));
}
