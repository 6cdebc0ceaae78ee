// The pre-flight checks in words: each check's title, what it found, its fix, and the check list a
// refusal, a confirmation or a plan shows. (The checks themselves are core/checks.ts.)
import * as vscode from 'vscode';
import type { CheckResult } from '../core/checks';
import { needsText, statusesText } from './text';
export function checkTitle(check: CheckResult): string {
	switch (check.id) {
		case 'status':
			return vscode.l10n.t('Live status allows the action');
		case 'replicationPairs':
			return vscode.l10n.t('The group has replication pairs');
		case 'drServersStopped':
			return vscode.l10n.t('Every server at the current DR site is stopped');
		case 'productionServersStopped':
			return vscode.l10n.t('Every server at the current production site is stopped');
		case 'pairsInSync':
			return vscode.l10n.t('No replication pair is still synchronising');
		case 'linkIntact':
			return vscode.l10n.t('No replication link is broken');
		case 'noJobInFlight':
			return vscode.l10n.t('No job of this extension is running for the group');
	}
}

export function checkFix(check: CheckResult): string | undefined {
	if (check.ok) {
		return undefined;
	}
	switch (check.id) {
		case 'status':
			return vscode.l10n.t('Refresh the view: the group changed since it was shown.');
		case 'replicationPairs':
			return vscode.l10n.t('Create a protected instance (with its replication pairs) in the group first.');
		case 'drServersStopped':
		case 'productionServersStopped': {
			const fixes: string[] = [];
			if (check.facts.unidentified?.length) {
				const [az, names] = [check.facts.drAz ?? '?', check.facts.unidentified.join(', ')];
				fixes.push(
					check.id === 'drServersStopped'
						? vscode.l10n.t('In the SDRS console, check that each of these protected instances has its DR-site server in {0}, then refresh: {1}', az, names)
						: vscode.l10n.t('In the SDRS console, check that each of these protected instances has its production-site server in {0}, then refresh: {1}', az, names),
				);
			}
			if (check.runningServers?.length) {
				fixes.push(vscode.l10n.t('Stop these servers in the ECS console and wait until they show Stopped: {0}', check.runningServers.map((s) => s.name).join(', ')));
			}
			return fixes.length ? fixes.join(' ') : vscode.l10n.t('Check the protected instances of the group: their servers at that site could not be found.');
		}
		case 'pairsInSync':
			return check.facts.untoldPairs?.length && !check.facts.pairNames?.length
				? vscode.l10n.t('Refresh the group. If the service still reports no progress for these pairs, check in the SDRS console that each is synchronised (100%) before switching over.')
				: vscode.l10n.t('Wait until every replication pair is synchronised (100%), then try again.');
		case 'linkIntact':
			return vscode.l10n.t('Failover is impossible while a replication link is broken: contact Huawei Cloud support.');
		case 'noJobInFlight':
			return check.facts.inBatch
				? vscode.l10n.t('It waits in another batch: let that batch send it, or stop that batch in the Jobs view.')
				: vscode.l10n.t('Wait for the running job to end (see its notification).');
	}
}

/** What a check found, in the user's language. */
export function checkDetail(check: CheckResult): string {
	const f = check.facts;
	switch (check.id) {
		case 'status':
			if (!check.ok && f.movedTo) {
				return vscode.l10n.t('production moved to the {0} site since the plan was confirmed', f.movedTo);
			}
			if (!check.ok && f.needs) {
				return f.ofDrill
					? vscode.l10n.t('the DR drill is {0}; it needs {1}', f.status ?? '?', statusesText(f.needs))
					: vscode.l10n.t('status is {0}; it needs {1}', f.status ?? '?', statusesText(f.needs));
			}
			return check.ok || !f.action ? vscode.l10n.t('status is {0}', f.status ?? '?') : vscode.l10n.t('status is {0}; {1}', f.status ?? '?', needsText(f.action));
		case 'replicationPairs':
			return f.pairs === 1 ? vscode.l10n.t('1 replication pair') : vscode.l10n.t('{0} replication pairs', f.pairs ?? 0);
		case 'drServersStopped':
		case 'productionServersStopped': {
			// The same facts for either site; the words name the site checked.
			const dr = check.id === 'drServersStopped';
			const az = f.drAz ?? '?';
			if (f.noneFound) {
				return dr
					? vscode.l10n.t('no server of the group was found in the DR availability zone {0}', az)
					: vscode.l10n.t('no server of the group was found in the production availability zone {0}', az);
			}
			if (f.unidentified?.length || check.runningServers?.length) {
				const names = f.unidentified?.join(', ') ?? '';
				return [
					...(f.unidentified?.length
						? [
								dr
									? vscode.l10n.t('the DR-site server in {0} of these protected instances could not be identified: {1}', az, names)
									: vscode.l10n.t('the production-site server in {0} of these protected instances could not be identified: {1}', az, names),
							]
						: []),
					...(check.runningServers?.length ? [vscode.l10n.t('running in {0}: {1}', az, check.runningServers.map((s) => `${s.name} (${s.status})`).join(', '))] : []),
				].join('; ');
			}
			if (f.stoppedNames?.length) {
				const names = f.stoppedNames.join(', ');
				return dr ? vscode.l10n.t('{0} DR-site server(s) in {1} stopped: {2}', f.stopped ?? 0, az, names) : vscode.l10n.t('{0} production server(s) in {1} stopped: {2}', f.stopped ?? 0, az, names);
			}
			return dr ? vscode.l10n.t('{0} DR-site server(s) in {1} stopped', f.stopped ?? 0, az) : vscode.l10n.t('{0} production server(s) in {1} stopped', f.stopped ?? 0, az);
		}
		case 'pairsInSync': {
			const found = [
				...(f.pairNames?.length ? [vscode.l10n.t('still synchronising: {0}', f.pairNames.join(', '))] : []),
				...(f.untoldPairs?.length ? [vscode.l10n.t('no synchronisation progress reported, so not known to be in sync: {0}', f.untoldPairs.join(', '))] : []),
			];
			return found.length ? found.join('; ') : vscode.l10n.t('every replication pair is in sync');
		}
		case 'linkIntact':
			if (f.pairNames?.length) {
				return vscode.l10n.t('replication link broken: {0}', f.pairNames.join(', '));
			}
			return f.advisedBy?.length ? vscode.l10n.t('production disk failing: {0}; failover is advised', f.advisedBy.join(', ')) : vscode.l10n.t('no broken replication link');
		case 'noJobInFlight':
			return f.jobId ? vscode.l10n.t('job {0} is still running', f.jobId) : f.inBatch ? vscode.l10n.t('waiting to be sent in another batch') : vscode.l10n.t('no job running');
	}
}

/** One check in a line: ✓ or ✗, title, what was found. */
export function checkLine(c: CheckResult): string {
	return `${c.ok ? '✓' : '✗'} ${checkTitle(c)} — ${checkDetail(c)}`;
}

/** The check list as lines: ✓ or ✗, title, what was found, and the fix for failures. */
export function checkList(checks: readonly CheckResult[]): string {
	return checks
		.map((c) => {
			const fix = checkFix(c);
			return `${checkLine(c)}${fix ? `\n    ${fix}` : ''}`;
		})
		.join('\n');
}
