// The simulated service's own statement of the protection-group actions (it never reads the
// extension's tables): which status each action starts from, the status while its job runs, after
// success and after failure, the job's type and its error code on FAIL, and the Task Center's
// failure_status. Sources: the API reference's action pages, status tables and error codes.
export type ActionKey = 'enable' | 'reprotect' | 'stop' | 'reverse' | 'failover';

export interface ActionRule {
	/** The key of the request body (`{"stop-server-group": {}}`). */
	body: 'start-server-group' | 'stop-server-group' | 'reverse-server-group' | 'failover-server-group';
	from: ReadonlySet<string>;
	transitional: string;
	success: string;
	failure: string;
	jobType: string;
	subJobType: string;
	/** The job's error_code on FAIL, and its fail_reason. */
	failCode: string;
	failReason: string;
	/** The Task Center record's failure_status. */
	failureStatus: string;
	/** priority_station changes on success (the other site becomes production). */
	flips: boolean;
	/** Refused while a replication pair synchronises (SDRS.1830). */
	waitsForSync: boolean;
}

const rule = (r: Omit<ActionRule, 'from'> & { from: string[] }): ActionRule => ({ ...r, from: new Set(r.from) });

export const ACTION_RULES: Record<ActionKey, ActionRule> = {
	enable: rule({
		body: 'start-server-group',
		from: ['available', 'error-starting'],
		transitional: 'starting',
		success: 'protected',
		failure: 'error-starting',
		jobType: 'startProtectionGroupNoCG',
		subJobType: 'startProtectionGroupRepNoCG',
		failCode: 'SDRS.1027',
		failReason: 'Failed to enable protection.',
		failureStatus: 'startFail',
		flips: false,
		waitsForSync: false,
	}),
	reprotect: rule({
		body: 'start-server-group',
		from: ['failed-over', 'error-reprotecting'],
		transitional: 'reprotecting',
		success: 'protected',
		failure: 'error-reprotecting',
		jobType: 'reprotectProtectionGroupNoCG',
		subJobType: 'reprotectProtectionGroupRepNoCG',
		failCode: 'SDRS.1032',
		failReason: 'Failed to enable protection again.',
		failureStatus: 'reprotectFail',
		flips: false,
		waitsForSync: false,
	}),
	stop: rule({
		body: 'stop-server-group',
		from: ['protected', 'error-stopping'],
		transitional: 'stopping',
		success: 'available',
		failure: 'error-stopping',
		jobType: 'stopProtectionGroupNoCG',
		subJobType: 'stopProtectionGroupRepNoCG',
		failCode: 'SDRS.1028',
		failReason: 'Failed to disable protection.',
		failureStatus: 'stopFail',
		flips: false,
		waitsForSync: true,
	}),
	reverse: rule({
		body: 'reverse-server-group',
		from: ['protected', 'error-reversing'],
		transitional: 'reversing',
		success: 'protected',
		failure: 'error-reversing',
		jobType: 'reverseProtectionGroupNoCG',
		subJobType: 'reverseProtectionGroupRepNoCG',
		failCode: 'SDRS.1029',
		failReason: 'Failed to perform the planned failover.',
		failureStatus: 'reverseFail',
		flips: true,
		waitsForSync: true,
	}),
	failover: rule({
		body: 'failover-server-group',
		from: ['protected', 'error-failing-over', 'error-reversing'],
		transitional: 'failing-over',
		success: 'failed-over',
		failure: 'error-failing-over',
		jobType: 'failoverProtectionGroupNoCG',
		subJobType: 'failoverProtectionGroupRepNoCG',
		failCode: 'SDRS.1030',
		failReason: 'Failed to perform the failover.',
		failureStatus: 'failoverFail',
		flips: true,
		waitsForSync: true,
	}),
};

/** The rule a `start-server-group` body runs: enable or re-protect, chosen by the group's status. */
export function startRule(status: string): ActionKey | undefined {
	return ACTION_RULES.enable.from.has(status) ? 'enable' : ACTION_RULES.reprotect.from.has(status) ? 'reprotect' : undefined;
}

/** Group statuses a DR drill may be created from. */
export const DRILL_FROM = new Set(['available', 'protected', 'failed-over', 'error-starting', 'error-stopping', 'error-reversing', 'error-reprotecting', 'error-failing-over']);
/** Drill statuses a drill may be deleted from. */
export const DRILL_DELETABLE = new Set(['available', 'error', 'error-deleting']);

/** The AZ that is production now, and the one that is the DR site now. */
export function sites(g: { priority_station: string; source_availability_zone: string; target_availability_zone: string }): { production: string; dr: string } {
	return g.priority_station === 'source' ? { production: g.source_availability_zone, dr: g.target_availability_zone } : { production: g.target_availability_zone, dr: g.source_availability_zone };
}

/** A pair is synchronising while a protected group has not reached 100%. */
export function synchronising(g: { status: string; progress: number }): boolean {
	return g.status === 'protected' && g.progress < 100;
}
