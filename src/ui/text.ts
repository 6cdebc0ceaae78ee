// User-visible words for statuses, actions, checks and error causes, all through vscode.l10n.
import * as vscode from 'vscode';
import { ACTIONS, ACTION_KINDS, type ActionKind, type BlockReason, type JobKind, type Site } from '../core/actions';
import { currentDrAz, currentProductionAz, type CheckResult } from '../core/checks';
import type { GroupFilter } from '../core/client';
import type { ProtectionGroup } from '../core/model';
import type { StoredJob } from '../core/records';
import { categorize, SdrsError } from '../core/errors';
import { explainCode } from '../core/explanations';
import type { PlanProblem } from '../core/plans/types';

export function statusLabel(status: string): string {
	const labels: Record<string, string> = {
		creating: vscode.l10n.t('Creating'),
		available: vscode.l10n.t('Not protected'),
		protected: vscode.l10n.t('Protected'),
		deleting: vscode.l10n.t('Deleting'),
		'error-deleting': vscode.l10n.t('Deletion failed'),
		error: vscode.l10n.t('Creation failed'),
		starting: vscode.l10n.t('Enabling protection'),
		'error-starting': vscode.l10n.t('Enabling protection failed'),
		reprotecting: vscode.l10n.t('Enabling protection again'),
		'error-reprotecting': vscode.l10n.t('Re-protection failed'),
		stopping: vscode.l10n.t('Disabling protection'),
		'error-stopping': vscode.l10n.t('Disabling protection failed'),
		reversing: vscode.l10n.t('Planned failover in progress'),
		'error-reversing': vscode.l10n.t('Planned failover failed'),
		'failing-over': vscode.l10n.t('Failing over'),
		'failed-over': vscode.l10n.t('Failed over'),
		'error-failing-over': vscode.l10n.t('Failover failed'),
	};
	return labels[status] ?? status;
}

export function actionTitle(action: JobKind): string {
	switch (action) {
		case 'createDrill':
			return vscode.l10n.t('Start DR Drill');
		case 'deleteDrill':
			return vscode.l10n.t('Delete DR Drill');
		case 'enable':
			return vscode.l10n.t('Enable Protection');
		case 'enableAgain':
			return vscode.l10n.t('Enable Protection Again');
		case 'disable':
			return vscode.l10n.t('Disable Protection');
		case 'plannedFailover':
			return vscode.l10n.t('Planned Failover (Switchover)');
		case 'failover':
			return vscode.l10n.t('Failover');
	}
}

/** A project's command for every group an action may go to (the menus' and the plan's title). */
export function projectPlanTitle(action: ActionKind): string {
	switch (action) {
		case 'enable':
			return vscode.l10n.t('Enable Protection for Unprotected Groups');
		case 'enableAgain':
			return vscode.l10n.t('Enable Protection Again for Failed-over Groups');
		case 'disable':
			return vscode.l10n.t('Disable Protection for Protected Groups');
		case 'plannedFailover':
			return vscode.l10n.t('Planned Failover of Protected Groups');
		case 'failover':
			return vscode.l10n.t('Fail Over Protected Groups');
	}
}

/** “available or error-starting”, from the action table. */
export function statusesText(statuses: readonly string[]): string {
	return statuses.join(vscode.l10n.t(' or '));
}

/** “Enable Protection needs available or error-starting”: one action's statuses, from its row. */
export function needsText(action: ActionKind): string {
	return vscode.l10n.t('{0} needs {1}', actionTitle(action), statusesText(ACTIONS[action].from));
}

export function blockReasonText(reason: BlockReason): string {
	switch (reason.kind) {
		case 'status':
			return reason.action
				? vscode.l10n.t('Status {0} does not allow {1}: it needs {2}.', reason.status, actionTitle(reason.action), statusesText(ACTIONS[reason.action].from))
				: vscode.l10n.t('No action for status {0}: {1}.', reason.status, ACTION_KINDS.map(needsText).join('; '));
		case 'noReplicationPairs':
			return vscode.l10n.t('No action: the group has no replication pairs. Add a protected instance first.');
		case 'jobRunning':
			return vscode.l10n.t('No action: job {0} of this extension is still running for this group.', reason.jobId);
	}
}

/** “Production moves from cn-north-4a to cn-north-4b.”: the current production AZ to the other. */
export function directionText(group: Pick<ProtectionGroup, 'priorityStation' | 'sourceAz' | 'targetAz'>): string {
	const [from, to] = group.priorityStation === 'target' ? [group.targetAz, group.sourceAz] : [group.sourceAz, group.targetAz];
	return vscode.l10n.t('Production moves from {0} to {1}.', from, to);
}

/** What a finished job of each action means, and the next step. */
export function succeededText(action: JobKind, groupName: string): string {
	switch (action) {
		case 'createDrill':
			return vscode.l10n.t('DR drill of “{0}” created.', groupName);
		case 'deleteDrill':
			return vscode.l10n.t('DR drill of “{0}” deleted: its drill servers, their disks and NICs are gone; the drill VPC was kept.', groupName);
		case 'enable':
			return vscode.l10n.t('Protection enabled for “{0}”.', groupName);
		case 'enableAgain':
			return vscode.l10n.t('Protection enabled again for “{0}”.', groupName);
		case 'disable':
			return vscode.l10n.t('Protection disabled for “{0}”: replication has stopped.', groupName);
		case 'plannedFailover':
			return vscode.l10n.t('Planned failover of “{0}” done: production has moved to the other site. Power on the servers at the new production site.', groupName);
		case 'failover':
			return vscode.l10n.t(
				'Failover of “{0}” done: the DR site is production now and replication has stopped. Power on the servers at the new production site; when the old site is back, run Enable Protection Again.',
				groupName,
			);
	}
}

/** A drill's end: its name, its group, and the drill servers it made. */
export function drillCreatedText(drill: string, groupName: string, servers: readonly string[]): string {
	return servers.length
		? vscode.l10n.t('DR drill “{0}” of “{1}” is ready. Drill servers: {2}. When the drill is done, delete it with Delete DR Drill.', drill, groupName, servers.join(', '))
		: vscode.l10n.t('DR drill “{0}” of “{1}” is ready. When the drill is done, delete it with Delete DR Drill.', drill, groupName);
}

export function consequences(action: ActionKind): string {
	switch (action) {
		case 'enable':
			return vscode.l10n.t(
				'After protection is enabled, later changes to the production servers’ hostname, name, security group, agency, ECS group, tags and auto-recovery settings are not synchronised to the DR site; you must apply them there yourself.',
			);
		case 'enableAgain':
			return vscode.l10n.t('Data replication restarts from the current production site. The servers at the DR site must stay stopped while protection is enabled again and afterwards.');
		case 'disable':
			return vscode.l10n.t('Replication stops: data written at the production site from now on is not copied to the DR site until protection is enabled again.');
		case 'plannedFailover':
			return vscode.l10n.t('Production moves to the other site. Do not start servers in either AZ while it runs; afterwards, power on the servers at the new production site yourself.');
		case 'failover':
			return vscode.l10n.t(
				'Replication stops at once and the DR site becomes production. Data written at the old production site afterwards is not protected, and only Enable Protection Again brings the group back to protected. Power on the servers at the new production site yourself.',
			);
	}
}

/** A one-line cause for an error, naming its category and code. */
export function describeError(err: unknown): string {
	const e = err instanceof SdrsError ? err : undefined;
	const code = e?.code ? ` (${e.status ? `${e.status} ` : ''}${e.code})` : e?.status ? ` (HTTP ${e.status})` : '';
	const message = e?.message ?? (err instanceof Error ? err.message : String(err));
	if (e?.code?.startsWith('AGENCY.')) {
		const ex = explain(e.code);
		return vscode.l10n.t('No temporary keys from the agency{0}: {1} {2}', code, ex?.explanation ?? message, ex?.fix ?? '');
	}
	switch (categorize(err)) {
		case 'no-credentials':
			return vscode.l10n.t('No credentials: add them with “SDRS: Add Credentials”.');
		case 'auth':
			return vscode.l10n.t('Authentication failed{0}: check the access key, secret key and security token.', code);
		case 'forbidden':
			return vscode.l10n.t('Access denied{0}: the IAM user needs SDRS permissions in this project.', code);
		case 'network':
			return vscode.l10n.t('Network error: {0}. Check the connection and the http.proxy setting.', message);
		case 'throttled':
			return vscode.l10n.t('Throttled by the API gateway{0}: try again in a moment.', code);
		case 'not-offered':
			return vscode.l10n.t('SDRS is not offered in this region, or the endpoint is wrong{0}.', code);
		case 'server':
			return vscode.l10n.t('The service failed{0}: {1}', code, message);
		case 'bad-response':
			return vscode.l10n.t('The service sent an answer that could not be read: {0}', message);
		default:
			return message + code;
	}
}

/**
 * Explanation and fix for an error's service code, in the UI language: the core's English sentences
 * (core/explanations.ts) are keys of the l10n bundle, worded here by the only vscode.l10n.t calls
 * not given a literal (the l10n unit test counts the core's sentences among the bundle's keys).
 */
export function explain(code: string | undefined): { explanation: string; fix: string } | undefined {
	const english = explainCode(code);
	return english && { explanation: vscode.l10n.t(english.explanation), fix: vscode.l10n.t(english.fix) };
}

export function formatElapsed(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	const m = Math.floor(s / 60);
	return m ? `${m}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** A filter in words (empty when it filters nothing). */
export function filterLabel(f: GroupFilter): string {
	const parts: string[] = [];
	if (f.queryType === 'status_abnormal') {
		parts.push(vscode.l10n.t('abnormal status'));
	} else if (f.queryType === 'stop_protected') {
		parts.push(vscode.l10n.t('protection stopped'));
	} else if (f.queryType === 'period_no_dr_drill') {
		parts.push(vscode.l10n.t('no DR drill in 3 months'));
	}
	if (f.name) {
		parts.push(vscode.l10n.t('name contains “{0}”', f.name));
	}
	return parts.join(', ');
}

/** Text as Markdown that renders as typed: no link, emphasis, table break or HTML (one line). */
/** How a job stands or ended, in words. */
export function jobState(job: StoredJob): string {
	if (!job.outcome && job.notFollowed) {
		return job.notFollowed.reason === 'timeout'
			? vscode.l10n.t('not followed: still {0} after the timeout', job.lastStatus ?? '…')
			: vscode.l10n.t('not followed: the service did not say how it went');
	}
	if (!job.outcome && job.sending) {
		return vscode.l10n.t('sending…');
	}
	if (!job.outcome) {
		return vscode.l10n.t('running ({0})', job.lastStatus ?? '…');
	}
	switch (job.outcome) {
		case 'SUCCESS':
			return vscode.l10n.t('succeeded');
		case 'FAIL':
			return vscode.l10n.t('failed{0}', job.errorCode ? ` (${job.errorCode})` : '');
		case 'NOT_APPLIED':
			return vscode.l10n.t('not applied');
		default:
			return vscode.l10n.t('not followed to its end');
	}
}

/**
 * An agency profile that could not obtain (or renew) its temporary keys: what IAM's refusal means
 * and what to change, in the UI language, then IAM's own words (server text: the sink escapes it).
 */
export function agencyFailureText(profileName: string, e: SdrsError): string {
	const ex = explain(e.code);
	const iam = e.cause instanceof SdrsError ? `${e.cause.message}${e.cause.code ? ` (${e.cause.status ? `${e.cause.status} ` : ''}${e.cause.code})` : ''}` : e.message;
	return vscode.l10n.t('The agency profile “{0}” could not obtain temporary keys: {1} {2} IAM said: {3}', profileName, ex?.explanation ?? '', ex?.fix ?? '', iam);
}

/** “via agency X from Y”: how an agency profile reaches its account. */
export function viaAgencyText(agencyName: string, from: string): string {
	return vscode.l10n.t('via agency {0} from {1}', agencyName, from);
}

/** A site of a move: “la-south-2a (source)”, or only the site when the record has no AZ. */
export function siteText(site: Site): string {
	return site.az ? `${site.az} (${site.station})` : site.station;
}

/** A move in a few characters: “la-south-2a (source) → la-south-2b (target)”. */
export function moveText(move: { from: Site; to: Site }): string {
	return `${siteText(move.from)} → ${siteText(move.to)}`;
}

/** The servers a switchover's check found stopped at the production site, by name. */
export function checkedServersText(check: CheckResult): string {
	const names = check.facts.stoppedNames ?? [];
	return names.length
		? vscode.l10n.t('Checked: the servers at {0} are stopped: {1}.', check.facts.drAz ?? '?', names.join(', '))
		: vscode.l10n.t('Checked: no running server at {0}.', check.facts.drAz ?? '?');
}

/** After a move: the operator starts the servers at the new production site. */
export function powerOnText(to: Site): string {
	return vscode.l10n.t('Afterwards, power on the servers at {0} yourself: SDRS does not start them.', to.az ?? to.station);
}

/**
 * What an action that stops something stops and keeps, one short line each (the lines of its
 * Cancel-first confirmation): the sites named from the group as just read.
 */
export function consequenceLines(action: ActionKind, group: ProtectionGroup, checks: readonly CheckResult[]): string[] {
	const [prod, dr] = [currentProductionAz(group), currentDrAz(group)];
	switch (action) {
		case 'disable': {
			const pairs = checks.find((c) => c.id === 'replicationPairs')?.facts.pairs ?? group.replicationNum;
			return [
				vscode.l10n.t('Stops: replication from {0} to {1} ({2} replication pairs).', prod, dr, pairs),
				vscode.l10n.t('Not protected: data written at {0} from now on is not copied to {1}.', prod, dr),
				vscode.l10n.t('Kept: the group, its servers and disks, and its replication pairs.'),
				vscode.l10n.t('To protect it again: Enable Protection (replication starts again).'),
			];
		}
		default:
			return [consequences(action)];
	}
}

/** What Delete DR Drill deletes and keeps, one short line each. */
export function deleteDrillLines(drillName: string, drillServers: number | undefined): string[] {
	return [
		drillServers
			? vscode.l10n.t('Deleted: the {0} drill server(s) of “{1}”, with their disks and NICs.', drillServers, drillName)
			: vscode.l10n.t('Deleted: the drill servers of “{0}”, with their disks and NICs.', drillName),
		vscode.l10n.t('An EIP bound to a drill server is unbound, not released.'),
		vscode.l10n.t('Kept: the drill VPC and its subnets.'),
		vscode.l10n.t('Not touched: production, the DR site and replication.'),
	];
}
/** A plan file's problem in the user's language, from its code and arguments (the plan's words quoted as typed). */
export function planProblemText(p: PlanProblem): string {
	const a = (k: string): string => String(p.args[k] ?? '');
	switch (p.code) {
		case 'syntax':
			return vscode.l10n.t('Not valid JSON here: {0}', a('detail'));
		case 'notObject':
			return vscode.l10n.t('“{0}” must be an object.', a('field'));
		case 'missing':
			return vscode.l10n.t('“{0}” is missing: a plan needs it.', a('field'));
		case 'unknownField':
			return vscode.l10n.t('“{0}” is not part of a plan: a plan names only a profile, a project, protection groups and words.', a('field'));
		case 'duplicateField':
			return vscode.l10n.t('“{0}” is written twice.', a('field'));
		case 'wrongType':
			return a('expected') === 'steps'
				? vscode.l10n.t('“{0}” must be a list of steps.', a('field'))
				: a('expected') === 'groups'
					? vscode.l10n.t('“{0}” must be a list of protection group names or IDs.', a('field'))
					: vscode.l10n.t('“{0}” must be text.', a('field'));
		case 'empty':
			return vscode.l10n.t('“{0}” must not be empty.', a('field'));
		case 'tooLong':
			return a('unit') === 'steps' ? vscode.l10n.t('“{0}” has too many steps: at most {1}.', a('field'), a('max')) : vscode.l10n.t('“{0}” is too long: at most {1} characters.', a('field'), a('max'));
		case 'stepKind':
			return vscode.l10n.t('A step has exactly one of “groups”, “wait” or “prompt” (and an optional “name”).');
		case 'waitRange':
			return vscode.l10n.t('A wait is a whole number of seconds from 1 to {0}.', a('max'));
		case 'tooManyGroups':
			return vscode.l10n.t('A step switches at most {0} protection groups.', a('max'));
		case 'duplicateGroup':
			return vscode.l10n.t('“{0}” is already in step {1}: a group is switched once per plan.', a('name'), a('step'));
		case 'unknownProfile':
			return vscode.l10n.t('No profile is named “{0}” (the name as the Protection Groups view shows it).', a('name'));
		case 'unknownProject':
			return vscode.l10n.t('No project “{0}” (name or ID) is shown for this profile.', a('name'));
		case 'unknownGroup':
			return vscode.l10n.t('No protection group “{0}” (name or ID) in {1}.', a('name'), a('project'));
		case 'ambiguousGroup':
			return vscode.l10n.t('{0} protection groups in {1} are named “{2}”: name it by its ID.', a('count'), a('project'), a('name'));
		case 'unreadable':
			return vscode.l10n.t('The names were not checked against the service: {0}', a('detail'));
	}
}
