// A batch in words: its progress line, its end, its report (counts, then every group that did not
// succeed with code, reason and fix) and its Markdown summary for the change ticket.
import * as vscode from 'vscode';
import { ACTIONS, moveOf, type ActionKind } from '../core/actions';
import type { BatchCounts } from '../core/batch';
import { PROFILE_REMOVED, UNSENT, type BatchEntry, type StoredBatch, type StoredJob } from '../core/records';
import { markdownText } from '../core/safeText';
import { actionTitle, explain, jobState, moveText } from './text';

/** "12 of 20 done · 1 failed · 7 running · 3 to send". */
export function batchProgressText(c: BatchCounts, stopped = false): string {
	const done = c.total - c.running - c.queued;
	const failed = c.failed + c.refused + c.notApplied;
	const parts = [vscode.l10n.t('{0} of {1} done', done, c.total)];
	if (failed) {
		parts.push(vscode.l10n.t('{0} failed', failed));
	}
	if (c.running) {
		parts.push(vscode.l10n.t('{0} running', c.running));
	}
	if (c.queued) {
		parts.push(stopped ? vscode.l10n.t('stopping') : vscode.l10n.t('{0} to send', c.queued));
	}
	if (c.unsent) {
		parts.push(vscode.l10n.t('{0} not sent', c.unsent));
	}
	return parts.join(' · ');
}

/** The counts by outcome, in words (only those that are not zero). */
export function countsText(c: BatchCounts): string {
	const parts: string[] = [];
	const add = (n: number, text: string): void => {
		if (n) {
			parts.push(text);
		}
	};
	add(c.succeeded, vscode.l10n.t('{0} succeeded', c.succeeded));
	add(c.failed, vscode.l10n.t('{0} failed', c.failed));
	add(c.refused, vscode.l10n.t('{0} refused', c.refused));
	add(c.notApplied, vscode.l10n.t('{0} not applied', c.notApplied));
	add(c.notFollowed, vscode.l10n.t('{0} not followed to the end', c.notFollowed));
	add(c.unsent, vscode.l10n.t('{0} not sent', c.unsent));
	add(c.running, vscode.l10n.t('{0} running', c.running));
	add(c.queued, vscode.l10n.t('{0} to send', c.queued));
	return parts.join(', ');
}

export function batchEndedText(action: ActionKind, c: BatchCounts): string {
	return vscode.l10n.t('{0} for {1} protection groups ended: {2}.', actionTitle(action), c.total, countsText(c));
}

/** How an entry of a batch ended (or stands), in words. */
export function entryState(e: BatchEntry, job: StoredJob | undefined): string {
	switch (e.state) {
		case 'queued':
			return vscode.l10n.t('waiting to be sent');
		case 'sending':
			return vscode.l10n.t('being sent');
		case 'refused':
			return vscode.l10n.t('refused{0}', e.errorCode ? ` (${e.errorCode})` : '');
		case 'unsent':
			return vscode.l10n.t('not sent');
		default:
			return job ? jobState(job) : vscode.l10n.t('sent (job {0})', e.jobId ?? '?');
	}
}

/** Why a group of a batch was never sent, in words. */
function unsentReason(entry: BatchEntry): string {
	return unsentText(entry.error) ?? vscode.l10n.t('another job started on the group meanwhile');
}

/** One of the batch's reasons for not sending a group (UNSENT, PROFILE_REMOVED) in words; undefined for any other text. */
export function unsentText(error: string | undefined): string | undefined {
	switch (error) {
		case PROFILE_REMOVED:
			return vscode.l10n.t('its profile was removed');
		case UNSENT.stopped:
			return vscode.l10n.t('stopped before it was sent');
		case UNSENT.windowClosed:
			return vscode.l10n.t('the window closed before it was sent');
		case UNSENT.authFailed:
			return vscode.l10n.t('not sent: the service refused the keys (authentication failed); nothing more was sent with them');
		case UNSENT.lostLease:
			return vscode.l10n.t('another window took the batch over before it was sent');
		case UNSENT.statusChanged:
			return vscode.l10n.t('its status changed before it was sent');
		case UNSENT.unreadable:
			return vscode.l10n.t('the group could not be read right before sending, so it was not sent');
		case UNSENT.inFlight:
			return vscode.l10n.t('another job started on the group meanwhile');
		default:
			return undefined;
	}
}

interface Problem {
	entry: BatchEntry;
	job?: StoredJob;
	code?: string;
	reason: string;
	fix: string;
}

/** Every group of the batch that did not succeed: code, reason and fix. */
export function batchProblems(batch: StoredBatch, jobOf: (id: string) => StoredJob | undefined): Problem[] {
	const problems: Problem[] = [];
	for (const entry of batch.entries) {
		const job = entry.jobId ? jobOf(entry.jobId) : undefined;
		if (entry.state === 'refused') {
			const ex = explain(entry.errorCode);
			problems.push({ entry, code: entry.errorCode, reason: ex?.explanation ?? entry.error ?? '', fix: ex?.fix ?? vscode.l10n.t('Check the reason, then run the action again for this group.') });
		} else if (entry.state === 'unsent') {
			problems.push({ entry, reason: unsentReason(entry), fix: vscode.l10n.t('Nothing was sent for it: run the action again for this group when ready.') });
		} else if (job?.outcome === 'FAIL') {
			const ex = explain(job.errorCode);
			problems.push({
				entry,
				job,
				code: job.errorCode,
				reason: job.failReason ?? ex?.explanation ?? '',
				fix: ex?.fix ?? vscode.l10n.t('See the job in the Huawei Cloud console for the failing step.'),
			});
		} else if (job?.outcome === 'NOT_APPLIED') {
			problems.push({ entry, job, reason: vscode.l10n.t('no answer came, and the group did not change'), fix: vscode.l10n.t('Nothing was applied and nothing was sent twice: you can run it again.') });
		} else if (job && (job.notFollowed || (job.outcome && job.outcome !== 'SUCCESS'))) {
			problems.push({ entry, job, reason: jobState(job), fix: vscode.l10n.t('It may still be running: follow it again or dismiss it in the Jobs view, and refresh before acting again.') });
		}
	}
	return problems;
}

/**
 * The report a person reads and files, as Markdown for an editor tab: the summary table, then each
 * group that did not succeed with its code, reason and fix. Server text is escaped.
 */
export function batchReportMarkdown(batch: StoredBatch, counts: BatchCounts, jobOf: (id: string) => StoredJob | undefined, profileName: (id: string) => string | undefined): string {
	const esc = markdownText;
	const problems = batchProblems(batch, jobOf);
	const lines = [batchSummaryMarkdown(batch, counts, jobOf, profileName)];
	if (problems.length) {
		lines.push(`#### ${esc(vscode.l10n.t('What did not succeed, and what to do'))}`, '');
		for (const p of problems) {
			lines.push(
				`- **${esc(p.entry.groupName)}** (${esc(p.entry.projectName)}): ${esc(entryState(p.entry, p.job))}${p.code || p.reason ? ` — ${esc([p.code, p.reason].filter(Boolean).join(': '))}` : ''}  `,
				`  ${esc(p.fix)}`,
			);
		}
		lines.push('');
	}
	return lines.join('\n');
}

/**
 * The batch as a Markdown table for the change ticket: profile, account, region, project, group,
 * action (and, for one that moves production, each group's direction), job id, start, end, outcome.
 * Server text is escaped.
 */
export function batchSummaryMarkdown(batch: StoredBatch, counts: BatchCounts, jobOf: (id: string) => StoredJob | undefined, profileName: (id: string) => string | undefined): string {
	const esc = markdownText;
	const iso = (t: number | undefined): string => (t ? new Date(t).toISOString() : '—');
	const moves = ACTIONS[batch.action].flips;
	const header = [
		vscode.l10n.t('Profile'),
		vscode.l10n.t('Account'),
		vscode.l10n.t('Region'),
		vscode.l10n.t('Project'),
		vscode.l10n.t('Protection group'),
		vscode.l10n.t('Action'),
		...(moves ? [vscode.l10n.t('Direction')] : []),
		vscode.l10n.t('Job ID'),
		vscode.l10n.t('Started'),
		vscode.l10n.t('Ended'),
		vscode.l10n.t('Outcome'),
	];
	const problems = new Map(batchProblems(batch, jobOf).map((p) => [p.entry, p]));
	const rows = batch.entries.map((e) => {
		const job = e.jobId ? jobOf(e.jobId) : undefined;
		const p = problems.get(e);
		const outcome = `${entryState(e, job)}${p && (p.code || p.reason) ? ` — ${[p.code, p.reason].filter(Boolean).join(': ')}` : ''}`;
		const jobId = job?.trackBy === 'group' ? vscode.l10n.t('unknown (the answer was lost)') : (e.jobId ?? '—');
		const move = moveOf(batch.action, e.before);
		return [
			profileName(e.profile) ?? e.profile,
			e.account ?? '—',
			e.region,
			`${e.projectName} (${e.projectId})`,
			`${e.groupName} (${e.groupId})`,
			actionTitle(batch.action),
			...(moves ? [move ? moveText(move) : '—'] : []),
			jobId,
			iso(job?.startedAt ?? e.sentAt),
			iso(job?.endedAt),
			outcome,
		];
	});
	return [
		`### SDRS: ${esc(actionTitle(batch.action))} — ${esc(vscode.l10n.t('{0} protection groups', batch.entries.length))}`,
		'',
		esc(countsText(counts)),
		'',
		`| ${header.map(esc).join(' | ')} |`,
		`|${header.map(() => '---').join('|')}|`,
		...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
		'',
	].join('\n');
}
