// The pre-flight checks run before an action is sent: the group is read again live, and every check
// its row in the action table needs runs (a failed check does not stop the others), each with the
// facts the UI words and, when it fails, names the fix. They fail closed: what cannot be checked
// is not "all stopped".
import { ACTIONS, DRILL, type ActionKind, type ExtraCheck } from './actions';
import type { SdrsClient } from './client';
import type { Project, ProtectionGroup, Replication, Server } from './model';

export type CheckId = 'status' | 'replicationPairs' | ExtraCheck | 'noJobInFlight';

export interface CheckResult {
	id: CheckId;
	ok: boolean;
	/** What was found, in English, for the log (a failed check's line says it); the UI words it from `facts`. */
	detail: string;
	/** The facts behind the outcome, for wording in the user's language. */
	facts: CheckFacts;
	/** Servers at the site that must be stopped that are not SHUTOFF (drServersStopped, productionServersStopped). */
	runningServers?: Server[];
}

export interface CheckFacts {
	action?: ActionKind;
	status?: string;
	/** A DR drill's check: the statuses it needs (of the group to start one, of the drill to delete it). */
	needs?: readonly string[];
	/** The status is the drill's, not the group's. */
	ofDrill?: boolean;
	/** A plan's step: production moved to this site since the run was confirmed (not sent). */
	movedTo?: string;
	pairs?: number;
	/** The AZ the servers checked are in (the current DR site, or the current production site). */
	drAz?: string;
	stopped?: number;
	/** The servers found stopped at the checked site, by name (what a confirmation names as checked). */
	stoppedNames?: string[];
	/** The group reports protected instances, yet none were listed: no server was found. */
	noneFound?: boolean;
	/** Protected instances (names) whose server at the checked site could not be identified. */
	unidentified?: string[];
	/** pairsInSync: pairs still synchronising (names); linkIntact: pairs whose link is broken. */
	pairNames?: string[];
	/** pairsInSync: pairs that report neither progress nor sync status, in a group that does not either (names). */
	untoldPairs?: string[];
	/** linkIntact: pairs whose production disk is failing (failover advised). */
	advisedBy?: string[];
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

/** The AZ that is production now (`priority_station`). */
export function currentProductionAz(group: ProtectionGroup): string {
	return group.priorityStation === 'target' ? group.targetAz : group.sourceAz;
}

/** The AZ that is the DR site now: the one that is not production. */
export function currentDrAz(group: ProtectionGroup): string {
	return group.priorityStation === 'target' ? group.sourceAz : group.targetAz;
}

/**
 * Re-reads the group and runs every check `action` needs, returning every outcome: live status
 * allows it; replication pairs > 0; the action's own checks (ACTIONS[action].checks); no job of
 * ours running or queued.
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
	const rule = ACTIONS[action];
	const group = await client.getGroup(project, groupId, signal);
	const checks: CheckResult[] = [];
	const allowed = rule.from.includes(group.status);
	checks.push({
		id: 'status',
		ok: allowed,
		facts: { status: group.status, action },
		detail: allowed ? `status is ${group.status}` : `status is ${group.status}; ${action} needs ${rule.from.join(' or ')}`,
	});
	let pairs: Replication[] | undefined;
	let pairCount = group.replicationNum;
	if (pairCount <= 0 || rule.checks.some((c) => c === 'pairsInSync' || c === 'linkIntact')) {
		// replication_num can lag behind; ask for the pairs themselves before refusing.
		pairs = await client.listReplications(project, groupId, signal);
		pairCount = pairs.length;
	}
	checks.push({ id: 'replicationPairs', ok: pairCount > 0, facts: { pairs: pairCount }, detail: `${pairCount} replication pair${pairCount === 1 ? '' : 's'}` });
	for (const id of rule.checks) {
		if (id === 'drServersStopped' || id === 'productionServersStopped') {
			checks.push(await serversStopped(client, project, group, id, signal));
		} else {
			checks.push(pairsCheck(id, pairs ?? [], group));
		}
	}
	checks.push(inFlightResult(typeof inFlight === 'string' ? { jobId: inFlight } : (inFlight ?? {})));
	return { group, action, checks, ok: checks.every((c) => c.ok) };
}

/** Nothing of ours in flight for the group: no job running, no place in an unfinished batch. */
export function inFlightResult({ jobId, inBatch }: InFlight): CheckResult {
	return { id: 'noJobInFlight', ok: !jobId && !inBatch, facts: { jobId, inBatch }, detail: jobId ? `job ${jobId} is still running` : inBatch ? 'waiting in an unfinished batch' : 'no job running' };
}

/**
 * A DR drill's pre-flight on a group as read (§2.4): its status is one a drill may be started from
 * (the drill row), and nothing of ours is in flight for it.
 */
export function drillChecks(group: ProtectionGroup, inFlight: InFlight): CheckResult[] {
	const allowed = (DRILL.from as readonly string[]).includes(group.status);
	return [
		{
			id: 'status',
			ok: allowed,
			facts: { status: group.status, needs: DRILL.from },
			detail: allowed ? `status is ${group.status}` : `status is ${group.status}; a DR drill needs ${DRILL.from.join(' or ')}`,
		},
		inFlightResult(inFlight),
	];
}

/**
 * The servers of one site must all be stopped: the current DR site before Enable Again (it is
 * overwritten, §4.3), the current production site before a planned failover (its disks become the
 * replica). Per protected instance, its server there is the one of its two servers (source_server,
 * target_server) that ECS places in that AZ: found by AZ, not by assuming which field is which.
 * An instance with no such server, or with two (or a group whose priority_station names no site),
 * cannot be checked, and the check fails closed naming it; so does a group that reports instances
 * when none are listed.
 */
async function serversStopped(client: SdrsClient, project: Project, group: ProtectionGroup, id: 'drServersStopped' | 'productionServersStopped', signal?: AbortSignal): Promise<CheckResult> {
	const az = id === 'drServersStopped' ? currentDrAz(group) : currentProductionAz(group);
	const instances = await client.listProtectedInstances(project, group.id, signal);
	const ids = [...new Set(instances.flatMap((i) => [i.sourceServer, i.targetServer]).filter((x) => x !== ''))];
	const byId = new Map((ids.length ? await client.listServers(project, ids, signal) : []).map((s) => [s.id, s]));
	const found: Server[] = [];
	const unidentified: string[] = [];
	// A priority_station that is neither source nor target names no site: nothing can be identified.
	const siteKnown = group.priorityStation === 'source' || group.priorityStation === 'target';
	for (const instance of instances) {
		const here = [...new Set([instance.sourceServer, instance.targetServer])].map((x) => byId.get(x)).filter((s): s is Server => s?.availabilityZone === az);
		if (siteKnown && here.length === 1) {
			found.push(here[0]);
		} else {
			unidentified.push(instance.name);
		}
	}
	const running = found.filter((s) => s.status !== 'SHUTOFF');
	const noneFound = instances.length === 0 && group.protectedInstanceNum > 0;
	const problems = [
		...(noneFound ? [`no server of the group was found in ${az}`] : []),
		...(unidentified.length ? [`the server in ${az} of ${unidentified.join(', ')} could not be identified`] : []),
		...(running.length ? [`running in ${az}: ${running.map((s) => `${s.name} (${s.status})`).join(', ')}`] : []),
	];
	return {
		id,
		ok: problems.length === 0,
		facts: {
			drAz: az,
			stopped: found.length - running.length,
			stoppedNames: found.filter((s) => s.status === 'SHUTOFF').map((s) => s.name),
			noneFound,
			unidentified: unidentified.length ? unidentified : undefined,
		},
		detail: problems.length ? problems.join('; ') : `${found.length} server${found.length === 1 ? '' : 's'} in ${az} stopped`,
		runningServers: running,
	};
}

/**
 * pairsInSync: no pair still synchronising (a switchover of a pair that is copying would lose what
 * it has not copied; the service refuses with SDRS.1830), and each pair known to be in sync: by its
 * progress (100), its sync status (active), or, when it reports neither (the status is legacy and
 * may be null), by the group's own progress. When nothing says so the check fails: it cannot tell.
 * linkIntact: no pair whose replication link
 * is broken (fault level 5: failover is impossible); pairs whose production disk is failing (fault
 * level 2) are named as the reason failover is advised.
 */
function pairsCheck(id: 'pairsInSync' | 'linkIntact', pairs: Replication[], group: Pick<ProtectionGroup, 'progress'>): CheckResult {
	if (id === 'pairsInSync') {
		const untold = (p: Replication): boolean => p.progress === undefined && p.replicationStatus !== 'active' && p.replicationStatus !== 'copying';
		const syncing = pairs.filter((p) => p.replicationStatus === 'copying' || (p.progress !== undefined && p.progress < 100) || (untold(p) && group.progress !== undefined && group.progress < 100));
		const unknown = group.progress === undefined ? pairs.filter(untold) : [];
		const problems = [
			...(syncing.length ? [`synchronising: ${syncing.map((p) => p.name).join(', ')}`] : []),
			...(unknown.length ? [`no sync progress reported: ${unknown.map((p) => p.name).join(', ')}`] : []),
		];
		return {
			id,
			ok: problems.length === 0,
			facts: { pairNames: syncing.map((p) => p.name), ...(unknown.length ? { untoldPairs: unknown.map((p) => p.name) } : {}) },
			detail: problems.length ? problems.join('; ') : 'every pair in sync',
		};
	}
	const broken = pairs.filter((p) => p.faultLevel === 5);
	const failing = pairs.filter((p) => p.faultLevel === 2);
	return {
		id,
		ok: broken.length === 0,
		facts: { pairNames: broken.map((p) => p.name), advisedBy: failing.length ? failing.map((p) => p.name) : undefined },
		detail: broken.length
			? `replication link broken: ${broken.map((p) => p.name).join(', ')}`
			: failing.length
				? `production disk failing: ${failing.map((p) => p.name).join(', ')} (failover advised)`
				: 'no broken replication link',
	};
}
