// Which action a protection group allows (sdrs-api.md §2.3) and the pre-flight checks run
// before it is sent. Pure decisions plus one function that reads live state through the client.
import type { SdrsClient } from './client';
import type { Project, ProtectionGroup, Server } from './model';

export type ActionKind = 'enable' | 'enableAgain';
export type StatusKind = 'stable' | 'transitional' | 'error' | 'unknown';

/** What an action is on the wire and in the group's status (sdrs-api.md §2.2, §2.4). */
export interface ActionRule {
	/** The statuses it may be sent from. */
	from: readonly string[];
	/** While its job runs. */
	transitional: string;
	/** After its job succeeded. */
	success: string;
	/** After its job failed. */
	failure: string;
	/** The job's `job_type`. */
	jobType: string;
}

/** The actions, one row each: where the statuses of an action are written. */
export const ACTIONS: Readonly<Record<ActionKind, ActionRule>> = {
	enable: { from: ['available', 'error-starting'], transitional: 'starting', success: 'protected', failure: 'error-starting', jobType: 'startProtectionGroupNoCG' },
	enableAgain: { from: ['failed-over', 'error-reprotecting'], transitional: 'reprotecting', success: 'protected', failure: 'error-reprotecting', jobType: 'reprotectProtectionGroupNoCG' },
};

/**
 * Whether the group shows that `action` was applied since `before` was read: it moved to one of the
 * action's own statuses (transitional, success or failure). Any other change (an edited
 * description, another status) is no evidence.
 */
export function appliedEvidence(action: ActionKind, before: { status: string; updatedAt?: string }, now: ProtectionGroup): boolean {
	const rule = ACTIONS[action];
	if (![rule.transitional, rule.success, rule.failure].includes(now.status)) {
		return false;
	}
	return now.status !== before.status || (now.updatedAt !== undefined && before.updatedAt !== undefined && now.updatedAt !== before.updatedAt);
}

/**
 * The one table of status rules (sdrs-api.md §2.3): each documented status, what kind it is (the
 * tree's icon) and the action it allows. The menus (groupContextValue), the pickers and the
 * tooltips' "why not" all come from availability() below, which reads this table.
 */
export const STATUS_RULES: Readonly<Record<string, { kind: StatusKind; action?: ActionKind }>> = {
	available: { kind: 'stable', action: 'enable' },
	protected: { kind: 'stable' },
	'failed-over': { kind: 'stable', action: 'enableAgain' },
	'error-starting': { kind: 'error', action: 'enable' },
	'error-reprotecting': { kind: 'error', action: 'enableAgain' },
	creating: { kind: 'transitional' },
	deleting: { kind: 'transitional' },
	starting: { kind: 'transitional' },
	reprotecting: { kind: 'transitional' },
	stopping: { kind: 'transitional' },
	reversing: { kind: 'transitional' },
	'failing-over': { kind: 'transitional' },
	'failing-back': { kind: 'transitional' },
	'failing-over-back': { kind: 'transitional' },
	error: { kind: 'error' },
	'error-deleting': { kind: 'error' },
	'error-stopping': { kind: 'error' },
	'error-reversing': { kind: 'error' },
	'error-failing-over': { kind: 'error' },
};

const ruleOf = (status: string): { kind: StatusKind; action?: ActionKind } | undefined => (Object.hasOwn(STATUS_RULES, status) ? STATUS_RULES[status] : undefined);

export function statusKind(status: string): StatusKind {
	// Statuses the table does not know yet are tolerated: error-* is an error, the rest unknown.
	return ruleOf(status)?.kind ?? (status.startsWith('error-') ? 'error' : 'unknown');
}

/** The action a status allows, if any (no replication-pair or server checks here). */
export function actionForStatus(status: string): ActionKind | undefined {
	return ruleOf(status)?.action;
}

export type BlockReason =
	| { kind: 'status'; status: string }
	| { kind: 'noReplicationPairs' }
	| { kind: 'jobRunning'; jobId: string };

export interface Availability {
	action?: ActionKind;
	/** Why no action (or why the status' action cannot run now). */
	blocked?: BlockReason;
}

/** What can be done with a group right now, and if nothing, why. */
export function availability(group: ProtectionGroup, runningJobId?: string): Availability {
	const action = actionForStatus(group.status);
	if (runningJobId) {
		return { action, blocked: { kind: 'jobRunning', jobId: runningJobId } };
	}
	if (!action) {
		return { blocked: { kind: 'status', status: group.status } };
	}
	if (group.replicationNum <= 0) {
		return { action, blocked: { kind: 'noReplicationPairs' } };
	}
	return { action };
}

/**
 * The tree item's `contextValue`: space-separated capability tokens that the menus match with
 * `viewItem =~ /\bcanEnable\b/`. An action appears exactly when availability() allows it, the
 * rule the Command Palette's picker uses too.
 */
export function groupContextValue(group: ProtectionGroup, opts: { runningJobId?: string; simulated?: boolean } = {}): string {
	// The status is server text: only a status of the table is named; any other becomes one fixed
	// token, so no status (say `x-canEnable`) can spell a capability the menus match.
	const tokens = ['protectionGroup', `status-${ruleOf(group.status) ? group.status : 'unknown'}`];
	const a = availability(group, opts.runningJobId);
	if (opts.runningJobId) {
		tokens.push('jobRunning');
	} else if (!a.blocked) {
		tokens.push(a.action === 'enable' ? 'canEnable' : 'canEnableAgain');
	}
	if (opts.simulated) {
		tokens.push('simulated');
	}
	return tokens.join(' ');
}

export type CheckId = 'status' | 'replicationPairs' | 'drServersStopped' | 'noJobInFlight';

export interface CheckResult {
	id: CheckId;
	ok: boolean;
	/** What was found, in English, for logs; the UI words it from `facts`. */
	detail: string;
	/** The facts behind the outcome, for wording in the user's language. */
	facts: CheckFacts;
	/** DR-site servers that are not SHUTOFF (drServersStopped only). */
	runningServers?: Server[];
}

export interface CheckFacts {
	status?: string;
	pairs?: number;
	drAz?: string;
	stopped?: number;
	/** The group reports protected instances, yet none were listed: no DR-site server was found. */
	noneFound?: boolean;
	/** Protected instances (names) whose current DR-site server could not be identified. */
	unidentified?: string[];
	jobId?: string;
	/** The group waits in (or is being sent by) an unfinished batch. */
	inBatch?: boolean;
}

/** What is already in flight for a group: a job of ours, or a place in an unfinished batch. */
export interface InFlight {
	jobId?: string;
	inBatch?: boolean;
}

export interface PreflightResult {
	/** The group as just re-read from the service. */
	group: ProtectionGroup;
	action: ActionKind;
	checks: CheckResult[];
	ok: boolean;
}

/** The AZ that is the DR site now: the one that is not production (`priority_station`). */
export function currentDrAz(group: ProtectionGroup): string {
	return group.priorityStation === 'target' ? group.sourceAz : group.targetAz;
}

/**
 * Re-reads the group and runs every check for `action`, returning every outcome (a failed check
 * does not stop the others). Checks: live status allows the action; replication pairs > 0; for
 * Enable Again, every protected instance's current DR-site server is identified and SHUTOFF
 * (drServersCheck); no job of ours running.
 */
export async function runPreflight(
	client: SdrsClient,
	project: Project,
	groupId: string,
	action: ActionKind,
	/** A running job's id, or what is in flight for the group. */
	inFlight: string | InFlight | undefined,
	signal?: AbortSignal,
): Promise<PreflightResult> {
	const group = await client.getGroup(project, groupId, signal);
	const checks: CheckResult[] = [];
	const allowed = actionForStatus(group.status) === action;
	checks.push({
		id: 'status',
		ok: allowed,
		facts: { status: group.status },
		detail: allowed
			? `status is ${group.status}`
			: `status is ${group.status}; ${action === 'enable' ? 'Enable Protection needs available or error-starting' : 'Enable Protection Again needs failed-over or error-reprotecting'}`,
	});
	let pairs = group.replicationNum;
	if (pairs <= 0) {
		// replication_num can lag behind; ask for the pairs themselves before refusing.
		pairs = (await client.listReplications(project, groupId, signal)).length;
	}
	checks.push({ id: 'replicationPairs', ok: pairs > 0, facts: { pairs }, detail: `${pairs} replication pair${pairs === 1 ? '' : 's'}` });
	if (action === 'enableAgain') {
		checks.push(await drServersCheck(client, project, group, signal));
	}
	const { jobId, inBatch } = typeof inFlight === 'string' ? { jobId: inFlight } : (inFlight ?? {});
	checks.push({
		id: 'noJobInFlight',
		ok: !jobId && !inBatch,
		facts: { jobId, inBatch },
		detail: jobId ? `job ${jobId} is still running` : inBatch ? 'waiting in an unfinished batch' : 'no job running',
	});
	return { group, action, checks, ok: checks.every((c) => c.ok) };
}

/**
 * Enable Again overwrites the current DR site, so each protected instance's server there must be
 * stopped (§4.3). Per instance, its DR-site server is the one of its two servers (source_server,
 * target_server) that ECS places in the current DR AZ: found by AZ, not by assuming which field
 * is which. An instance with no such server, or with two (or a group whose priority_station
 * names no site), cannot be checked, and the check fails closed naming it; so does a group that
 * reports instances when none are listed.
 */
async function drServersCheck(client: SdrsClient, project: Project, group: ProtectionGroup, signal?: AbortSignal): Promise<CheckResult> {
	const drAz = currentDrAz(group);
	const instances = await client.listProtectedInstances(project, group.id, signal);
	const ids = [...new Set(instances.flatMap((i) => [i.sourceServer, i.targetServer]).filter((id) => id !== ''))];
	const byId = new Map((ids.length ? await client.listServers(project, ids, signal) : []).map((s) => [s.id, s]));
	const drServers: Server[] = [];
	const unidentified: string[] = [];
	// A priority_station that is neither source nor target names no DR site: nothing can be identified.
	const siteKnown = group.priorityStation === 'source' || group.priorityStation === 'target';
	for (const instance of instances) {
		const here = [...new Set([instance.sourceServer, instance.targetServer])].map((id) => byId.get(id)).filter((s): s is Server => s?.availabilityZone === drAz);
		if (siteKnown && here.length === 1) {
			drServers.push(here[0]);
		} else {
			unidentified.push(instance.name);
		}
	}
	const running = drServers.filter((s) => s.status !== 'SHUTOFF');
	// The group says it has instances, yet none are listed: nothing to check is not "all stopped".
	const noneFound = instances.length === 0 && group.protectedInstanceNum > 0;
	const problems = [
		...(noneFound ? [`no server of the group was found in the DR availability zone ${drAz}`] : []),
		...(unidentified.length ? [`the DR-site server in ${drAz} of ${unidentified.join(', ')} could not be identified`] : []),
		...(running.length ? [`running in ${drAz}: ${running.map((s) => `${s.name} (${s.status})`).join(', ')}`] : []),
	];
	return {
		id: 'drServersStopped',
		ok: problems.length === 0,
		facts: { drAz, stopped: drServers.length - running.length, noneFound, unidentified: unidentified.length ? unidentified : undefined },
		detail: problems.length ? problems.join('; ') : `${drServers.length} DR-site server${drServers.length === 1 ? '' : 's'} in ${drAz} stopped`,
		runningServers: running,
	};
}
