// DR drills (sdrs-api.md §2.4): the drill name as the API validates it, the default name, what a
// drill's status says about its job (for a create or delete whose answer was lost), and the
// evidence that such a request was applied. The flow itself is drillFlow.ts; the rule (statuses,
// tokens) is DRILL in actions.ts.
import { DRILL, type DrillKind } from './actions';
import type { SdrsClient } from './client';
import { SdrsError, toSdrsError } from './errors';
import type { Drill, Job, Project } from './model';
import type { DrillRef } from './records';

/** At most 64 bytes (UTF-8). */
export const DRILL_NAME_MAX_BYTES = 64;
const NAME_CHARS = /^[\p{Script=Han}A-Za-z0-9._-]+$/u;
const NOT_NAME_CHAR = /[^\p{Script=Han}A-Za-z0-9._-]/gu;

export type DrillNameProblem = 'empty' | 'tooLong' | 'chars';

/** Why the service would refuse this drill name (≤ 64 bytes of CJK, letters, digits, `.`, `_`, `-`), or undefined. */
export function drillNameProblem(name: string): DrillNameProblem | undefined {
	if (name === '') {
		return 'empty';
	}
	if (!NAME_CHARS.test(name)) {
		return 'chars';
	}
	return Buffer.byteLength(name, 'utf8') > DRILL_NAME_MAX_BYTES ? 'tooLong' : undefined;
}

/** Cuts a string to at most `max` UTF-8 bytes, never inside a character. */
function cutBytes(s: string, max: number): string {
	let out = '';
	for (const ch of s) {
		if (Buffer.byteLength(out + ch, 'utf8') > max) {
			break;
		}
		out += ch;
	}
	return out;
}

/**
 * `<group>-drill-<yyyymmdd-hhmm>` (local time), valid as the API validates it: characters the
 * name may not hold become `-`, and the group's part is shortened so the whole fits in 64 bytes.
 */
export function defaultDrillName(groupName: string, at: Date): string {
	const two = (n: number): string => String(n).padStart(2, '0');
	const suffix = `-drill-${at.getFullYear()}${two(at.getMonth() + 1)}${two(at.getDate())}-${two(at.getHours())}${two(at.getMinutes())}`;
	const base = cutBytes(groupName.replace(NOT_NAME_CHAR, '-'), DRILL_NAME_MAX_BYTES - suffix.length) || 'group';
	return base + suffix;
}

/** What the drill's status says about its create or delete job: the job, seen through the drill. */
export function drillAsJob(kind: DrillKind, drill: Drill | undefined, groupId: string): Job {
	const job = (status: string, failReason?: string): Job => ({
		jobId: '',
		status,
		jobType: kind === 'createDrill' ? DRILL.create.jobType : DRILL.delete.jobType,
		failReason,
		serverGroupId: groupId,
		...(drill ? { drillId: drill.id } : {}),
		subJobs: [],
	});
	if (kind === 'createDrill') {
		if (!drill) {
			return job('FAIL', 'the DR drill is gone');
		}
		return drill.status === DRILL.create.success ? job('SUCCESS') : drill.status === DRILL.create.failure ? job('FAIL', `the DR drill is now ${drill.status}`) : job('RUNNING');
	}
	// Delete: gone is done.
	return !drill ? job('SUCCESS') : drill.status === DRILL.delete.failure ? job('FAIL', `the DR drill is now ${drill.status}`) : job('RUNNING');
}

/** Whether an error says the drill does not exist (SDRS.1902). */
export const drillGone = (e: unknown): boolean => toSdrsError(e).code === 'SDRS.1902';

/**
 * The drill a create or delete job is about, read now: undefined when it does not exist (any
 * longer). A create whose drill id is not known yet is looked for by its name among the group's
 * drills, ignoring drills of that name that were there before it was sent.
 */
export async function readDrill(client: SdrsClient, project: Project, groupId: string, ref: DrillRef, signal?: AbortSignal): Promise<Drill | undefined> {
	if (ref.id) {
		try {
			return await client.getDrill(project, ref.id, signal);
		} catch (e) {
			if (drillGone(e)) {
				return undefined;
			}
			throw e;
		}
	}
	const prior = new Set(ref.priorIds ?? []);
	return (await client.listDrills(project, groupId, signal)).find((d) => d.name === ref.name && !prior.has(d.id));
}

/**
 * Whether a drill request whose answer was lost was applied, from the drill as read now: a create
 * is applied when a new drill of that name exists; a delete when the drill is gone or deleting (or
 * its deletion failed: the service took it, unless the drill was in that status already, a retry).
 */
export function drillApplied(kind: DrillKind, now: Drill | undefined, ref?: Pick<DrillRef, 'status'>): boolean {
	if (kind === 'createDrill') {
		return now !== undefined;
	}
	return now === undefined || now.status === DRILL.delete.transitional || (now.status === DRILL.delete.failure && ref?.status !== DRILL.delete.failure);
}

/** The drill as the job left it, for its end: the drill servers it made (empty when unknown). */
export async function drillServersOf(client: SdrsClient, project: Project, drillId: string | undefined, signal?: AbortSignal): Promise<string[]> {
	if (!drillId) {
		return [];
	}
	try {
		const drill = await client.getDrill(project, drillId, signal);
		const ids = (drill.drillServers ?? []).map((s) => s.drillServerId);
		if (!ids.length) {
			return [];
		}
		const names = new Map((await client.listServers(project, ids, signal)).map((s) => [s.id, s.name]));
		return ids.map((id) => names.get(id) ?? id);
	} catch (e) {
		if (e instanceof SdrsError && e.kind === 'aborted') {
			throw e;
		}
		return [];
	}
}
