// Following a batch's jobs as one: each round lists every project with running jobs once, and a
// job's detail is read only when the listing cannot tell (a failure's code and reason, or a group
// that has not moved). A lost answer is followed through its group by the one-group follower, with
// quiet ports (the batch reports).
import type { ActionKind } from '../actions';
import type { SdrsClient } from '../client';
import { toSdrsError } from '../errors';
import { failureOf, nextPollDelay } from '../jobTracker';
import type { Project, ProtectionGroup } from '../model';
import { quietPorts } from '../ports';
import { PROFILE_REMOVED, projectOf, type StoredJob } from '../records';
import { readListing, type BatchCounts } from './counts';
import type { BatchDeps, Run } from './deps';

/** A group the listing shows unmoved is asked about (its job's detail) after this long. */
const STALL_MS = 10_000;
/** Rounds are at most this far apart, whatever the jobs' age. */
const MAX_ROUND_MS = 10_000;
/** Consecutive failed listings of a project before its jobs are put aside. */
const MAX_LISTING_ERRORS = 5;

/**
 * Follows the batch's jobs until every entry has ended: one listing per project and round for
 * the jobs whose id is known; the lost answers through Workflow.follow, as one group each.
 */
export async function followBatch(deps: BatchDeps, run: Run, counts: () => BatchCounts, ended: (batchId: string, c: BatchCounts) => boolean, changed: () => void): Promise<void> {
	const { store, log } = deps;
	const clock = deps.ports.clock;
	const seenMoving = new Set<string>();
	const lastAsked = new Map<string, number>();
	const listingErrors = new Map<string, number>();
	const reconciling = new Map<string, Promise<unknown>>();
	const quiet = quietPorts(deps.ports, deps.log);
	for (;;) {
		if (run.closing.signal.aborted || run.lost) {
			return;
		}
		if (!store.holdsBatch(run.batchId)) {
			// The heartbeat renews the lease; gone means another window took the batch over.
			run.lost = true;
			run.wake?.();
			return;
		}
		const mine = store.jobsOf(run.batchId).filter((j) => !j.outcome && !j.notFollowed);
		for (const j of mine.filter((x) => x.trackBy === 'group' && !reconciling.has(x.jobId))) {
			reconciling.set(
				j.jobId,
				deps.followQuietly(j, quiet).finally(() => changed()),
			);
		}
		const byJob = mine.filter((j) => j.trackBy !== 'group');
		const now = clock.now();
		const timeoutMs = deps.jobTimeoutMs();
		const projects = new Map<string, StoredJob[]>();
		for (const j of byJob) {
			if (now - j.startedAt >= timeoutMs) {
				await store.patch(j.jobId, { notFollowed: { reason: 'timeout', at: now } });
				log.warn(`Batch ${run.batchId}: stopped following job ${j.jobId} (still ${j.lastStatus ?? '?'} after the timeout)`);
				continue;
			}
			const key = `${j.profile}/${j.projectId}`;
			projects.set(key, [...(projects.get(key) ?? []), j]);
		}
		await Promise.all([...projects.entries()].map(([key, jobs]) => round(deps, run, key, jobs, { seenMoving, lastAsked, listingErrors })));
		changed();
		const c = counts();
		if (!run.sending && ended(run.batchId, c)) {
			await Promise.all(reconciling.values());
			return;
		}
		const running = store.jobsOf(run.batchId).filter((j) => !j.outcome && !j.notFollowed && j.trackBy !== 'group');
		const delay = running.length ? Math.min(MAX_ROUND_MS, ...running.map((j) => nextPollDelay(clock.now() - j.startedAt))) : 250;
		// Stop, the end of sending and the window closing wake the loop early.
		await new Promise<void>((resolve) => {
			run.wake = resolve;
			void clock.sleep(delay).then(resolve);
		});
		run.wake = undefined;
	}
}

/** One round for one project: its listing, then the job detail only where the listing cannot tell. */
async function round(deps: BatchDeps, run: Run, key: string, jobs: StoredJob[], memo: { seenMoving: Set<string>; lastAsked: Map<string, number>; listingErrors: Map<string, number> }): Promise<void> {
	const { store, log } = deps;
	const clock = deps.ports.clock;
	const first = jobs[0];
	const client = deps.clientFor(first.profile);
	if (!client) {
		for (const j of jobs) {
			await store.finish(j.jobId, { outcome: 'ERROR', failReason: PROFILE_REMOVED });
		}
		return;
	}
	const project = projectOf(first);
	let listing: Map<string, ProtectionGroup>;
	try {
		listing = new Map((await client.listGroups(project, {}, run.closing.signal)).map((g) => [g.id, g]));
		memo.listingErrors.delete(key);
	} catch (e) {
		const err = toSdrsError(e);
		if (err.kind === 'aborted') {
			return;
		}
		const n = (memo.listingErrors.get(key) ?? 0) + (err.transient ? 0 : 1);
		memo.listingErrors.set(key, n);
		log.warn(`Batch ${run.batchId}: listing ${project.name}: ${err.toString()}${n >= MAX_LISTING_ERRORS ? '; giving up' : ' (will keep trying)'}`);
		if (n >= MAX_LISTING_ERRORS) {
			for (const j of jobs) {
				await store.patch(j.jobId, { notFollowed: { reason: 'error', at: clock.now(), detail: err.toString() } });
			}
		}
		return;
	}
	// Every job of the round at once: their writes go to the store together, as one write.
	await Promise.all(jobs.map((j) => read(deps, run, client, project, j, listing.get(j.groupId), memo)));
}

/** What one job's group in the listing says, and the job's detail when the listing cannot tell. */
async function read(
	deps: BatchDeps,
	run: Run,
	client: SdrsClient,
	project: Project,
	j: StoredJob,
	group: ProtectionGroup | undefined,
	memo: { seenMoving: Set<string>; lastAsked: Map<string, number> },
): Promise<void> {
	const { store, log } = deps;
	const clock = deps.ports.clock;
	// A batch sends only actions of the table (never a drill).
	const verdict = readListing(j.action as ActionKind, j.before ?? { status: j.lastStatus ?? '' }, group, memo.seenMoving.has(j.jobId));
	if (group) {
		deps.announce({ profileId: j.profile, projectId: j.projectId, group });
	}
	if (verdict === 'success') {
		if (await store.finish(j.jobId, { outcome: 'SUCCESS', lastStatus: 'SUCCESS' })) {
			log.info(`Batch ${run.batchId}: job ${j.jobId} succeeded (${j.action} on ${j.groupId}; the group is ${group?.status})`);
		}
		return;
	}
	if (verdict === 'moving') {
		memo.seenMoving.add(j.jobId);
		if (group && j.lastStatus !== 'RUNNING') {
			await store.patch(j.jobId, { lastStatus: 'RUNNING' });
		}
		return;
	}
	const since = memo.lastAsked.get(j.jobId) ?? j.startedAt;
	if (verdict === 'waiting' && clock.now() - since < Math.max(STALL_MS, nextPollDelay(clock.now() - j.startedAt))) {
		return;
	}
	memo.lastAsked.set(j.jobId, clock.now());
	await ask(deps, run, client, project, j);
}

/** The job's detail: its end and, for a failure, the code and reason. */
async function ask(deps: BatchDeps, run: Run, client: SdrsClient, project: Project, j: StoredJob): Promise<void> {
	const { store, log } = deps;
	try {
		const job = await client.getJob(project, j.jobId, run.closing.signal);
		if (job.status === 'SUCCESS') {
			await store.finish(j.jobId, { outcome: 'SUCCESS', lastStatus: 'SUCCESS' });
		} else if (job.status === 'FAIL') {
			const { errorCode, failReason } = failureOf(job);
			if (await store.finish(j.jobId, { outcome: 'FAIL', lastStatus: 'FAIL', errorCode, failReason })) {
				log.error(`Batch ${run.batchId}: job ${j.jobId} failed (${j.action} on ${j.groupId}): ${errorCode ?? ''} ${failReason ?? ''}`);
			}
		} else if (job.status !== j.lastStatus) {
			await store.patch(j.jobId, { lastStatus: job.status });
		}
	} catch (e) {
		const err = toSdrsError(e);
		if (err.kind !== 'aborted') {
			log.warn(`Batch ${run.batchId}: reading job ${j.jobId}: ${err.toString()} (will keep trying)`);
		}
	}
}
