// The action POST, sent exactly once, and what its answer proves. Used by the workflow
// (workflow.ts), which the extension and the chaos run share.
import { ACTIONS, reached, type ActionKind, type Before } from './actions';
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

/** POSTs the action's body (from its row in the action table) once. Never resends it, whatever happens. */
export function sendActionOnce(client: SdrsClient, project: Project, group: ProtectionGroup, action: ActionKind, signal?: AbortSignal): Promise<StartResult> {
	return sendOnce(() => client.groupAction(project, group.id, ACTIONS[action].body(group), signal));
}

/** Sends a request that starts a job once (a group action, a drill created or deleted), and says what its answer proves. */
export async function sendOnce(send: () => Promise<{ jobId: string; requestId?: string }>): Promise<StartResult> {
	try {
		const { jobId, requestId } = await send();
		return { kind: 'started', jobId, requestId };
	} catch (e) {
		const error = toSdrsError(e);
		const definite = (error.kind === 'http' && (error.status ?? 0) >= 400 && (error.status ?? 0) < 500) || error.kind === 'config';
		return definite ? { kind: 'refused', error } : { kind: 'unanswered', error };
	}
}

/**
 * The group seen as a job, for following an action whose job id was lost: the action's success
 * (reached from `before`) is SUCCESS, its failure status FAIL, anything else RUNNING.
 */
export function groupAsJob(group: ProtectionGroup, action: ActionKind, before: Before): Job {
	const where = reached(action, before, group);
	const status = where === 'success' ? 'SUCCESS' : where === 'failure' ? 'FAIL' : 'RUNNING';
	return {
		jobId: '',
		status,
		jobType: ACTIONS[action].jobType,
		failReason: status === 'FAIL' ? `the group is now ${group.status}` : undefined,
		serverGroupId: group.id,
		subJobs: [],
	};
}
