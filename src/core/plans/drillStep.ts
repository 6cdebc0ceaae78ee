// A rehearsal's group step: a DR drill for every group (the default name from the group and the
// date; the service creates the drill VPC), each created once through the engine's drill flow with
// no question of its own, a few at a time (sdrs.maxConcurrentRequests), recorded, followed to its
// end. After a reload nothing is sent again: a job recorded is waited for; a drill whose request
// may have been on the wire when the window went is left for the user to look at.
import { defaultDrillName, drillServersOf } from '../drills';
import type { Alert, ActionTarget } from '../ports';
import { resultOf } from '../records';
import { Semaphore } from '../semaphore';
import { groupEndOf } from './record';
import { UNSENT } from '../records';
import { checkStep, skippedEnd } from './prepare';
import { failedEnd, targetOf, type StepControl, type StepDeps, type StepEnd } from './steps';
import { RUN_REASON, type RunGroup } from './types';

/** Resolves when the job has an outcome or was put aside (the follower records it), or the window closes. */
function jobEnded(deps: StepDeps, jobId: string, closing: AbortSignal): Promise<boolean> {
	return new Promise((resolve) => {
		const timer = setInterval(() => check(), 1000);
		const sub = deps.store.onDidChange(() => check());
		const done = (v: boolean): void => {
			clearInterval(timer);
			sub.dispose();
			closing.removeEventListener('abort', abort);
			resolve(v);
		};
		const abort = (): void => done(false);
		const check = (): void => {
			const j = deps.store.get(jobId);
			if (!j || j.outcome || j.notFollowed) {
				done(true);
			}
		};
		closing.addEventListener('abort', abort);
		check();
	});
}

/** A drill job's end as the run keeps it. */
async function drillEnd(deps: StepDeps, target: ActionTarget, g: RunGroup, jobId: string): Promise<Partial<RunGroup>> {
	const job = deps.store.get(jobId);
	if (!job) {
		return { end: 'notFollowed', error: RUN_REASON.jobGone };
	}
	const end = groupEndOf(job);
	const client = deps.clientFor(target.profileId);
	const id = job.drill?.id ?? g.drill?.id;
	const servers = end === 'succeeded' && client ? await drillServersOf(client, target.project, id) : [];
	return {
		end,
		jobId,
		drill: { name: g.drill?.name ?? job.drill?.name ?? '', ...(id ? { id } : {}), servers },
		result: resultOf(job),
	};
}

export async function runDrillStep(deps: StepDeps, runId: string, index: number, targets: readonly ActionTarget[], ctl: StepControl): Promise<StepEnd> {
	const { runs, ports, log } = deps;
	const step = runs.get(runId)!.steps[index];
	const resumed = step.state === 'running';
	const patchGroup = (g: RunGroup, fields: Partial<RunGroup>): Promise<void> => runs.patchGroup(runId, index, g, (x) => ({ ...x, ...fields }));
	if (!resumed) {
		await runs.patchStep(runId, index, { state: 'running', startedAt: ports.clock.now() });
	}
	const groups = (step.groups ?? []).filter((g) => !g.end);
	// Re-checked at the start of the step (a resumed step sends nothing new: it is not checked again).
	const fresh = resumed ? [] : groups;
	const checked = await checkStep(
		deps.check,
		'drill',
		fresh.flatMap((g) => targetOf(g, targets) ?? []),
		undefined,
		ctl.closing,
	);
	if (ctl.closing.aborted) {
		return 'closing';
	}
	for (const e of checked.filter((x) => !x.eligible)) {
		const g = groups.find((x) => x.groupId === e.group.id && x.projectId === e.target.project.id);
		if (g) {
			await patchGroup(g, skippedEnd(e));
		}
	}
	const sem = new Semaphore(Math.max(1, deps.maxConcurrentRequests?.() ?? 4));
	await Promise.all(
		groups.map(async (g) => {
			const entry = checked.find((x) => x.group.id === g.groupId && x.target.project.id === g.projectId);
			const target = entry?.target ?? targetOf(g, targets);
			if (!target || (!resumed && !entry?.eligible)) {
				return;
			}
			let jobId = g.jobId;
			if (!jobId && resumed) {
				// Never sent again: its request may have been on the wire when the window went.
				await patchGroup(g, g.drill ? { end: 'notFollowed', error: RUN_REASON.drillOnTheWire } : { end: 'unsent', error: UNSENT.windowClosed });
				return;
			}
			if (!jobId) {
				await sem.acquire();
				try {
					if (ctl.stop.aborted || ctl.closing.aborted || runs.get(runId)?.stopRequested) {
						await patchGroup(g, { end: 'unsent', error: UNSENT.stopped });
						return;
					}
					const name = defaultDrillName(g.groupName, new Date(ports.clock.now()));
					await patchGroup(g, { drill: { name } });
					let alert: Alert | undefined;
					const result = await deps.startDrill(target, name, (a) => {
						alert = a;
						return Promise.resolve();
					});
					if (result.kind !== 'started') {
						const why =
							alert?.kind === 'refused'
								? alert.error.message
								: alert?.kind === 'preflightFailed'
									? alert.checks
											.filter((c) => !c.ok)
											.map((c) => c.detail)
											.join('; ')
									: result.kind;
						await patchGroup(g, {
							end: alert?.kind === 'preflightFailed' ? 'skipped' : result.kind === 'failed' ? 'refused' : 'unsent',
							error: why,
							...(alert?.kind === 'preflightFailed' ? { skipped: why, skippedBy: { checks: alert.checks.filter((c) => !c.ok) } } : {}),
							...(alert?.kind === 'refused' ? { errorCode: alert.error.code } : {}),
						});
						return;
					}
					jobId = result.job.jobId;
					await patchGroup(g, { jobId });
				} finally {
					sem.release();
				}
			}
			if (!(await jobEnded(deps, jobId, ctl.closing))) {
				return;
			}
			await patchGroup(g, await drillEnd(deps, target, g, jobId));
		}),
	);
	if (ctl.closing.aborted) {
		return 'closing';
	}
	// A step never ends with a group that has no end: its job's end when it has one, else "not
	// followed", said in the log. (Seen in the workbench when writes to globalState were lost to the
	// editor's echo of an earlier write; they now go one at a time: SerialState. Kept as a guard.)
	for (const g of (runs.get(runId)!.steps[index].groups ?? []).filter((x) => !x.end)) {
		const target = targetOf(g, targets);
		const job = g.jobId ? deps.store.jobOrResult(g.jobId) : undefined;
		log.warn(`Plan run ${runId}: ${g.groupName} had no end recorded at the end of step ${index + 1} (job ${g.jobId ?? 'none'}); taken from its job`);
		await patchGroup(g, target && g.jobId && (job?.outcome || job?.notFollowed) ? await drillEnd(deps, target, g, g.jobId) : { end: 'notFollowed', error: RUN_REASON.noEnd });
	}
	const now = runs.get(runId)!.steps[index];
	const ends = (now.groups ?? []).flatMap((g) => (g.result?.endedAt !== undefined ? [g.result.endedAt] : []));
	const bad = (now.groups ?? []).some((g) => failedEnd(g.end));
	log.info(`Plan run ${runId}: rehearsal step ${index + 1} ended${bad ? ' with failures' : ''}`);
	await runs.patchStep(runId, index, { state: bad ? 'failed' : 'done', endedAt: ports.clock.now(), ...(ends.length ? { lastGroupEndAt: Math.max(...ends) } : {}) });
	return ctl.stop.aborted || runs.get(runId)?.stopRequested ? 'stopped' : bad ? 'failed' : 'ok';
}
