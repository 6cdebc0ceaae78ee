// The action POST, sent exactly once, and what its answer proves. Used by the workflow
// (workflow.ts), which the extension and the chaos run share.
import { ACTIONS, type ActionKind } from './actions';
import type { SdrsClient } from './client';
import { toSdrsError, type SdrsError } from './errors';
import type { Job, Project, ProtectionGroup } from './model';

export type StartResult =
	/** The service answered with a job id. */
	| { kind: 'started'; jobId: string; requestId?: string }
	/** The service refused (a 4xx, or a request that was never sent): nothing changed. */
	| { kind: 'refused'; error: SdrsError }
	/**
	 * No usable answer (timeout, reset, 5xx, unreadable body): the outcome is unknown. The
	 * service may have applied it, or may still apply it; only the group can tell.
	 */
	| { kind: 'unanswered'; error: SdrsError };

/** POSTs `start-server-group` once. Never resends it, whatever happens. */
export async function sendActionOnce(client: SdrsClient, project: Project, group: ProtectionGroup, signal?: AbortSignal): Promise<StartResult> {
	try {
		const { jobId, requestId } = await client.startProtectionGroup(project, group.id, signal);
		return { kind: 'started', jobId, requestId };
	} catch (e) {
		const error = toSdrsError(e);
		const definite = (error.kind === 'http' && (error.status ?? 0) >= 400 && (error.status ?? 0) < 500) || error.kind === 'config';
		return definite ? { kind: 'refused', error } : { kind: 'unanswered', error };
	}
}

/**
 * The group seen as a job, for following an action whose job id was lost: the transitional
 * statuses are RUNNING, `protected` is SUCCESS, the action's error status is FAIL.
 */
export function groupAsJob(group: ProtectionGroup, action: ActionKind): Job {
	const rule = ACTIONS[action];
	const status = group.status === rule.success ? 'SUCCESS' : group.status === rule.failure ? 'FAIL' : 'RUNNING';
	return {
		jobId: '',
		status,
		jobType: rule.jobType,
		failReason: status === 'FAIL' ? `the group is now ${group.status}` : undefined,
		serverGroupId: group.id,
		subJobs: [],
	};
}
