// The actions on a protection group, one row each (sdrs-api.md §2.2–2.4): its body, the statuses it
// may be sent from, its transitional, success and failure statuses, its job type, the pre-flight
// checks it needs and how dangerous it is. Everything else follows from this table: what a group
// allows (availability), the tree's menu tokens, the pickers and plans, what counts as evidence
// for a lost answer, and the words (the UI words each row). Adding an action is adding a row here,
// its checks in checks.ts and its words in ui/text.ts. (The simulator keeps its own statement of
// the service's rules: it plays the service, and sharing this table would hide a wrong row.)
import type { ProtectionGroup } from './model';

export type ActionKind = 'enable' | 'enableAgain' | 'disable' | 'plannedFailover' | 'failover';
export type StatusKind = 'stable' | 'transitional' | 'error' | 'unknown';
/** A pre-flight check an action needs beyond its status, its replication pairs and nothing in flight. */
export type ExtraCheck = 'drServersStopped' | 'productionServersStopped' | 'pairsInSync' | 'linkIntact';
/**
 * How the user confirms: a modal naming the consequence; a choice naming the consequence line by
 * line whose first, selected answer is Cancel (`cancelFirst`: Enter sends nothing), for an action
 * that stops or deletes something; or typing the group's name (for a batch, the number of groups)
 * when the action cannot be undone by running it again.
 */
export type Danger = 'modal' | 'cancelFirst' | 'typed';

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
	/** The body of `POST …/server-groups/{id}/action` for this group. */
	body(group: ProtectionGroup): Record<string, unknown>;
	checks: readonly ExtraCheck[];
	danger: Danger;
	/** It moves production to the other site (`priority_station` flips). */
	flips: boolean;
	/** The tree item's capability token the menus match (`viewItem =~ /\bcanEnable\b/`). */
	token: string;
}

/** The site that becomes production: the opposite of the current one. */
export const otherStation = (group: Pick<ProtectionGroup, 'priorityStation'>): 'source' | 'target' => (group.priorityStation === 'target' ? 'source' : 'target');

export const ACTIONS: Readonly<Record<ActionKind, ActionRule>> = {
	enable: {
		from: ['available', 'error-starting'],
		transitional: 'starting',
		success: 'protected',
		failure: 'error-starting',
		jobType: 'startProtectionGroupNoCG',
		body: () => ({ 'start-server-group': {} }),
		checks: [],
		danger: 'modal',
		flips: false,
		token: 'canEnable',
	},
	enableAgain: {
		from: ['failed-over', 'error-reprotecting'],
		transitional: 'reprotecting',
		success: 'protected',
		failure: 'error-reprotecting',
		jobType: 'reprotectProtectionGroupNoCG',
		body: () => ({ 'start-server-group': {} }),
		checks: ['drServersStopped'],
		danger: 'modal',
		flips: false,
		token: 'canEnableAgain',
	},
	disable: {
		from: ['protected', 'error-stopping'],
		transitional: 'stopping',
		success: 'available',
		failure: 'error-stopping',
		jobType: 'stopProtectionGroupNoCG',
		body: () => ({ 'stop-server-group': {} }),
		checks: [],
		danger: 'cancelFirst',
		flips: false,
		token: 'canDisable',
	},
	plannedFailover: {
		from: ['protected', 'error-reversing'],
		transitional: 'reversing',
		success: 'protected',
		failure: 'error-reversing',
		jobType: 'reverseProtectionGroupNoCG',
		body: (g) => ({ 'reverse-server-group': { priority_station: otherStation(g) } }),
		checks: ['productionServersStopped', 'pairsInSync'],
		danger: 'modal',
		flips: true,
		token: 'canPlannedFailover',
	},
	failover: {
		from: ['protected', 'error-failing-over', 'error-reversing'],
		transitional: 'failing-over',
		success: 'failed-over',
		failure: 'error-failing-over',
		jobType: 'failoverProtectionGroupNoCG',
		body: () => ({ 'failover-server-group': {} }),
		checks: ['linkIntact'],
		danger: 'typed',
		flips: true,
		token: 'canFailover',
	},
};

/**
 * DR drills (sdrs-api.md §2.4): not an action on the group (their own endpoint, body and job), but
 * the same kind of rule: the group statuses a drill may be started from, the drill statuses it may
 * be deleted from, the drill statuses while its jobs run and after, and the menu tokens. The drill
 * commands, the tree's tokens and the pre-flight checks all read this one row.
 */
export const DRILL = {
	from: ['available', 'protected', 'failed-over', 'error-starting', 'error-stopping', 'error-reversing', 'error-reprotecting', 'error-failing-over'],
	deletableFrom: ['available', 'error', 'error-deleting'],
	create: { transitional: 'creating', success: 'available', failure: 'error', jobType: 'createDisasterRecoveryDrill' },
	delete: { transitional: 'deleting', failure: 'error-deleting', jobType: 'deleteDisasterRecoveryDrill' },
	token: 'canCreateDrill',
	deleteToken: 'canDeleteDrill',
} as const;

/** A job the extension starts on a group: an action of the table, or a DR drill created or deleted. */
export type DrillKind = 'createDrill' | 'deleteDrill';
export type JobKind = ActionKind | DrillKind;
export const isDrillKind = (kind: JobKind): kind is DrillKind => kind === 'createDrill' || kind === 'deleteDrill';

/** Whether a drill may be started on the group now (its status, and no job of ours running). */
export const drillAllowed = (group: Pick<ProtectionGroup, 'status'>, runningJobId?: string): boolean => !runningJobId && (DRILL.from as readonly string[]).includes(group.status);

/** Whether a drill may be deleted in this status. */
export const drillDeletable = (status: string): boolean => (DRILL.deletableFrom as readonly string[]).includes(status);

/** Every action, in menu order. */
export const ACTION_KINDS = Object.keys(ACTIONS) as ActionKind[];

/** A group as read before an action: what its end is compared with. */
export interface Before {
	status: string;
	updatedAt?: string;
	priorityStation?: string;
	/** The group's two AZs (fixed at creation): the direction of a move, in words. Older records lack them. */
	sourceAz?: string;
	targetAz?: string;
}

/** What a record keeps of the group as read before an action. */
export function beforeOf(group: Before): Before {
	return { status: group.status, updatedAt: group.updatedAt, priorityStation: group.priorityStation, sourceAz: group.sourceAz, targetAz: group.targetAz };
}

/** One end of a move: a site (`source` or `target`) and its AZ when the record has it. */
export interface Site {
	station: 'source' | 'target';
	az?: string;
}

/**
 * Where an action that moves production moved it (or was to move it): from the production site of
 * `before` to the other. Undefined for an action that moves nothing, or a record that does not say
 * where production was.
 */
export function moveOf(action: JobKind, before: Before | undefined): { from: Site; to: Site } | undefined {
	if (isDrillKind(action) || !ACTIONS[action].flips || (before?.priorityStation !== 'source' && before?.priorityStation !== 'target')) {
		return undefined;
	}
	const site = (station: 'source' | 'target'): Site => ({ station, az: station === 'source' ? before.sourceAz : before.targetAz });
	return { from: site(before.priorityStation), to: site(before.priorityStation === 'source' ? 'target' : 'source') };
}

/**
 * Where the group is for `action`, compared with `before`: its success (for an action that moves
 * production, only once `priority_station` has flipped, since its success status may be where it
 * started), its failure status reached anew, its transitional status, or none of these.
 */
export function reached(action: ActionKind, before: Before, now: ProtectionGroup): 'success' | 'failure' | 'transitional' | undefined {
	const rule = ACTIONS[action];
	const moved = now.status !== before.status || (now.updatedAt !== undefined && before.updatedAt !== undefined && now.updatedAt !== before.updatedAt);
	if (now.status === rule.transitional) {
		return 'transitional';
	}
	if (now.status === rule.success) {
		// A record made before stations were kept has only the status to go by.
		const flipped = before.priorityStation === undefined ? now.status !== before.status : now.priorityStation !== before.priorityStation;
		if (rule.flips ? flipped : now.status !== before.status) {
			return 'success';
		}
	}
	if (now.status === rule.failure && moved) {
		return 'failure';
	}
	return undefined;
}

/**
 * Whether the group shows that `action` was applied since `before` was read: it moved to one of the
 * action's own statuses. Any other change (an edited description, another status) is no evidence.
 */
export function appliedEvidence(action: ActionKind, before: Before, now: ProtectionGroup): boolean {
	return reached(action, before, now) !== undefined;
}

/** Each documented status and its kind (the tree's icon); unknown statuses are tolerated. */
const STATUS_KINDS: Readonly<Record<string, StatusKind>> = {
	available: 'stable',
	protected: 'stable',
	'failed-over': 'stable',
	creating: 'transitional',
	deleting: 'transitional',
	starting: 'transitional',
	reprotecting: 'transitional',
	stopping: 'transitional',
	reversing: 'transitional',
	'failing-over': 'transitional',
	'failing-back': 'transitional',
	'failing-over-back': 'transitional',
	error: 'error',
	'error-starting': 'error',
	'error-reprotecting': 'error',
	'error-deleting': 'error',
	'error-stopping': 'error',
	'error-reversing': 'error',
	'error-failing-over': 'error',
};

const known = (status: string): boolean => Object.hasOwn(STATUS_KINDS, status);

export function statusKind(status: string): StatusKind {
	// Statuses the table does not know yet are tolerated: error-* is an error, the rest unknown.
	return known(status) ? STATUS_KINDS[status] : status.startsWith('error-') ? 'error' : 'unknown';
}

/** The actions a status allows (no replication-pair or server checks here), in menu order. */
export function actionsFor(status: string): ActionKind[] {
	return ACTION_KINDS.filter((a) => ACTIONS[a].from.includes(status));
}

export type BlockReason = { kind: 'status'; status: string; action?: ActionKind } | { kind: 'noReplicationPairs' } | { kind: 'jobRunning'; jobId: string };

/** Whether `action` can be run on the group now, and if not, why. */
export function availability(group: ProtectionGroup, action: ActionKind, runningJobId?: string): { ok: boolean; blocked?: BlockReason } {
	if (runningJobId) {
		return { ok: false, blocked: { kind: 'jobRunning', jobId: runningJobId } };
	}
	if (!ACTIONS[action].from.includes(group.status)) {
		return { ok: false, blocked: { kind: 'status', status: group.status, action } };
	}
	if (group.replicationNum <= 0) {
		return { ok: false, blocked: { kind: 'noReplicationPairs' } };
	}
	return { ok: true };
}

/** The actions the group allows now, and (when none) why: the tree's menus and tooltips. */
export function allowedActions(group: ProtectionGroup, runningJobId?: string): { actions: ActionKind[]; blocked?: BlockReason } {
	const candidates = actionsFor(group.status);
	if (runningJobId) {
		return { actions: [], blocked: { kind: 'jobRunning', jobId: runningJobId } };
	}
	if (!candidates.length) {
		return { actions: [], blocked: { kind: 'status', status: group.status } };
	}
	if (group.replicationNum <= 0) {
		return { actions: [], blocked: { kind: 'noReplicationPairs' } };
	}
	return { actions: candidates };
}

/**
 * The tree item's `contextValue`: space-separated capability tokens that the menus match with
 * `viewItem =~ /\bcanEnable\b/`. An action appears exactly when allowedActions() allows it, the
 * rule the Command Palette's pickers use too.
 */
export function groupContextValue(group: ProtectionGroup, opts: { runningJobId?: string; simulated?: boolean } = {}): string {
	// The status is server text: only a status of the table is named; any other becomes one fixed
	// token, so no status (say `x-canEnable`) can spell a capability the menus match.
	const tokens = ['protectionGroup', `status-${known(group.status) ? group.status : 'unknown'}`];
	if (opts.runningJobId) {
		tokens.push('jobRunning');
	}
	tokens.push(...allowedActions(group, opts.runningJobId).actions.map((a) => ACTIONS[a].token));
	if (drillAllowed(group, opts.runningJobId)) {
		tokens.push(DRILL.token);
	}
	if (opts.simulated) {
		tokens.push('simulated');
	}
	return tokens.join(' ');
}
