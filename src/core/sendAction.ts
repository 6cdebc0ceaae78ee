// The action POST, sent exactly once, and finding out what happened when its answer is lost.
// Used by the workflow (workflow.ts), which the extension and the chaos run share.
import type { ActionKind } from './actions';
import type { SdrsClient } from './client';
import { toSdrsError, type SdrsError } from './errors';
import type { Job, Project, ProtectionGroup } from './model';

export type StartResult =
	/** The service answered with a job id. */
	| { kind: 'started'; jobId: string; requestId?: string }
	/** The service refused (a 4xx): nothing changed. */
	| { kind: 'refused'; error: SdrsError }
	/** No usable answer, but the group shows the action was applied; the job id is unknown. */
	| { kind: 'applied'; group: ProtectionGroup; error: SdrsError }
	/** No usable answer, and the group is unchanged: the action was not applied. */
	| { kind: 'not-applied'; group: ProtectionGroup; error: SdrsError }
	/** No usable answer, and the group could not be re-read either. */
	| { kind: 'unknown'; error: SdrsError };

/**
 * POSTs `start-server-group` once. Never resends it: when the answer is lost (timeout, reset,
 * 5xx, unreadable body) the group is re-read, and a changed status or update time means the
 * action was applied.
 */
export async function sendActionOnce(client: SdrsClient, project: Project, before: ProtectionGroup, signal?: AbortSignal): Promise<StartResult> {
	try {
		const { jobId, requestId } = await client.startProtectionGroup(project, before.id, signal);
		return { kind: 'started', jobId, requestId };
	} catch (e) {
		const error = toSdrsError(e);
		if ((error.kind === 'http' && (error.status ?? 0) >= 400 && (error.status ?? 0) < 500) || error.kind === 'config') {
			return { kind: 'refused', error };
		}
		for (let attempt = 0; attempt < 3; attempt++) {
			try {
				const group = await client.getGroup(project, before.id, signal);
				const changed = group.status !== before.status || (group.updatedAt !== undefined && group.updatedAt !== before.updatedAt);
				return changed ? { kind: 'applied', group, error } : { kind: 'not-applied', group, error };
			} catch {
				if (signal?.aborted) {
					break;
				}
				await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
			}
		}
		return { kind: 'unknown', error };
	}
}

/**
 * The group seen as a job, for following an action whose job id was lost: the transitional
 * statuses are RUNNING, `protected` is SUCCESS, the action's error status is FAIL.
 */
export function groupAsJob(group: ProtectionGroup, action: ActionKind): Job {
	const failed = action === 'enable' ? 'error-starting' : 'error-reprotecting';
	const status = group.status === 'protected' ? 'SUCCESS' : group.status === failed ? 'FAIL' : 'RUNNING';
	return {
		jobId: '',
		status,
		jobType: action === 'enable' ? 'startProtectionGroupNoCG' : 'reprotectProtectionGroupNoCG',
		failReason: status === 'FAIL' ? `the group is now ${group.status}` : undefined,
		serverGroupId: group.id,
		subJobs: [],
	};
}
