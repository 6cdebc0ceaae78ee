// Running Enable / Enable Again: pre-flight checks, a modal that names the consequences, one
// POST, then the job tracked in a progress notification. Every job is recorded in globalState
// (no secrets) before it is watched, so a reload resumes it instead of forgetting it.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { runPreflight, type ActionKind } from '../core/actions';
import { groupAsJob, startAction } from '../core/actionRunner';
import { trackJob, type JobOutcome, type JobRecord } from '../core/jobTracker';
import type { Job, Project, ProtectionGroup } from '../core/model';
import type { StartResult } from '../core/actionRunner';
import type { Logger } from '../core/http';
import type { ProfileStore, Profile } from './profiles';
import { readSettings, type Sessions } from './session';
import { updateState } from './state';
import { actionTitle, checkList, consequences, describeError, explain, statusLabel } from './text';
import type { ProtectionGroupsProvider, RunningJobs } from './tree';

export interface StoredJob extends JobRecord {
	groupName: string;
	profile: string;
	/** The project's display name (region or sub-project name). */
	projectName: string;
	lastStatus?: string;
	endedAt?: number;
	outcome?: 'SUCCESS' | 'FAIL' | 'TIMEOUT' | 'ERROR';
	errorCode?: string;
	failReason?: string;
	/** The account (domain) ID, for job summaries. */
	account?: string;
	/** `group` when the action's answer was lost: the job id is unknown, the group is followed. */
	trackBy?: 'job' | 'group';
	/** Which window polls the job, and until when (renewed by a heartbeat). */
	lease?: { owner: string; until: number };
}

const JOBS_KEY = 'sdrs.jobs';
const LEASE_MS = 15_000;
const HEARTBEAT_MS = 5_000;
const KEEP_FINISHED = 50;
const KEEP_FINISHED_MS = 7 * 86_400_000;

export interface ActionTarget {
	profile: Profile;
	project: Project;
	group: ProtectionGroup;
}

/** The modal questions of the flow; the extension-host tests answer them through this seam. */
export interface Prompts {
	/** Resolves true when the user chose `verb`. */
	confirm(message: string, detail: string, verb: string): Thenable<boolean>;
	/** A blocking explanation (pre-flight failure, refusal). */
	alert(message: string, detail?: string): Thenable<void>;
}

export const modalPrompts: Prompts = {
	confirm: (message, detail, verb) => vscode.window.showWarningMessage(message, { modal: true, detail }, verb).then((a) => a === verb),
	alert: (message, detail) => vscode.window.showErrorMessage(message, { modal: true, detail }).then(() => undefined),
};

export class JobManager implements RunningJobs, vscode.Disposable {
	prompts: Prompts = modalPrompts;
	/** Jobs this window is watching: key → abort controller. */
	private readonly watching = new Map<string, AbortController>();
	private readonly changed = new vscode.EventEmitter<void>();
	readonly onDidChange = this.changed.event;
	/** Outcomes reported in this window (tests read them; the user sees notifications). */
	readonly reported: { jobId: string; outcome: JobOutcome['kind'] }[] = [];

	constructor(
		private readonly context: vscode.ExtensionContext,
		private readonly profiles: ProfileStore,
		private readonly sessions: Sessions,
		private readonly tree: ProtectionGroupsProvider,
		private readonly log: Logger,
		private readonly showLog: () => void,
	) {}

	/** This window's identity for leases (a new one after every reload). */
	readonly owner = randomUUID();
	/** Renews this window's leases and picks up jobs whose window went away; runs while active. */
	private heartbeat?: NodeJS.Timeout;

	dispose(): void {
		this.suspend();
		this.changed.dispose();
	}

	/** Stops watching every job here, as deactivation does; their leases are released. */
	suspend(): void {
		clearInterval(this.heartbeat);
		this.heartbeat = undefined;
		const mine = [...this.watching.keys()];
		for (const c of this.watching.values()) {
			c.abort();
		}
		this.watching.clear();
		if (mine.length) {
			void this.context.globalState.update(
				JOBS_KEY,
				this.all().map((j) => (mine.includes(j.jobId) && j.lease?.owner === this.owner ? { ...j, lease: undefined } : j)),
			);
		}
	}

	/** Forgets finished jobs (all jobs with `everything`, after stopping to watch them). */
	async clearHistory(everything = false): Promise<void> {
		if (everything) {
			this.suspend();
		}
		await this.context.globalState.update(
			JOBS_KEY,
			everything ? [] : this.all().filter((j) => !j.outcome),
		);
		this.changed.fire();
	}

	/** Another window on the same state (tests use it for the lease). */
	spawnPeer(): JobManager {
		return new JobManager(this.context, this.profiles, this.sessions, this.tree, this.log, this.showLog);
	}

	/** Is this window the one watching the job? */
	isWatching(jobId: string): boolean {
		return this.watching.has(jobId);
	}

	private async beat(): Promise<void> {
		const now = Date.now();
		if (this.watching.size) {
			await this.context.globalState.update(
				JOBS_KEY,
				this.all().map((j) => (this.watching.has(j.jobId) && !j.outcome ? { ...j, lease: { owner: this.owner, until: now + LEASE_MS } } : j)),
			);
		}
		this.resumeAll();
	}

	all(): StoredJob[] {
		return this.context.globalState.get<StoredJob[]>(JOBS_KEY, []);
	}

	runningJobFor(profileId: string, projectId: string, groupId: string): string | undefined {
		return this.all().find((j) => j.profile === profileId && j.projectId === projectId && j.groupId === groupId && !j.outcome)?.jobId;
	}

	private async save(job: StoredJob): Promise<void> {
		const now = Date.now();
		const current = this.all();
		const stored = current.find((j) => j.jobId === job.jobId);
		if (stored?.lease && !job.outcome) {
			job.lease = stored.lease;
		}
		const others = current.filter((j) => j.jobId !== job.jobId);
		const finished = others.filter((j) => j.outcome && now - (j.endedAt ?? now) < KEEP_FINISHED_MS).slice(-KEEP_FINISHED);
		await updateState(this.context.globalState, JOBS_KEY, [...others.filter((j) => !j.outcome), ...finished, job]);
		this.changed.fire();
	}

	/** The full Enable / Enable Again flow for a group. Resolves when the job is being watched or the user stopped. */
	async run(target: ActionTarget, action: ActionKind): Promise<'started' | 'cancelled' | 'refused' | 'failed'> {
		const key = `${target.profile.id}/${target.project.id}/${target.group.id}`;
		if (this.busy.has(key)) {
			void vscode.window.showWarningMessage(vscode.l10n.t('An action on “{0}” is already being prepared in this window.', target.group.name));
			return 'refused';
		}
		this.busy.add(key);
		try {
			return await this.runUnguarded(target, action);
		} finally {
			this.busy.delete(key);
		}
	}

	private readonly busy = new Set<string>();

	private async runUnguarded(target: ActionTarget, action: ActionKind): Promise<'started' | 'cancelled' | 'refused' | 'failed'> {
		const { profile, project, group } = target;
		const title = actionTitle(action);
		const running = this.runningJobFor(profile.id, project.id, group.id);
		if (running) {
			void vscode.window.showWarningMessage(vscode.l10n.t('“{0}” already has a job running ({1}). Wait for it to end before starting another action.', group.name, running));
			return 'refused';
		}
		const client = this.sessions.client(profile);
		const preflight = await vscode.window.withProgress(
			{ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('{0}: checking “{1}”…', title, group.name) },
			() => runPreflight(client, project, group.id, action, running),
		);
		this.tree.updateGroup(profile.id, project.id, preflight.group);
		const list = checkList(preflight.checks);
		this.log.info(`Pre-flight for ${action} on ${group.id}: ${preflight.checks.map((c) => `${c.id}=${c.ok ? 'ok' : 'FAIL'}`).join(', ')}`);
		if (!preflight.ok) {
			await this.prompts.alert(vscode.l10n.t('{0} cannot run on “{1}”: a pre-flight check failed.', title, group.name), list);
			return 'refused';
		}
		const confirmed = await this.prompts.confirm(
			vscode.l10n.t('{0} for protection group “{1}”?', title, group.name),
			`${consequences(action)}\n\n${vscode.l10n.t('Pre-flight checks:')}\n${list}`,
			title,
		);
		if (!confirmed) {
			return 'cancelled';
		}
		// Re-check the in-flight guard: another window may have started a job meanwhile.
		if (this.runningJobFor(profile.id, project.id, group.id)) {
			void vscode.window.showWarningMessage(vscode.l10n.t('“{0}” already has a job running. Wait for it to end before starting another action.', group.name));
			return 'refused';
		}
		const startedAt = Date.now();
		const result = await startAction(client, project, preflight.group);
		if (result.kind === 'refused' || result.kind === 'not-applied' || result.kind === 'unknown') {
			await this.reportNotStarted(target, action, result);
			return 'failed';
		}
		const job: StoredJob = {
			jobId: result.kind === 'started' ? result.jobId : `unknown-${startedAt.toString(36)}`,
			trackBy: result.kind === 'started' ? 'job' : 'group',
			projectId: project.id,
			region: project.region,
			groupId: group.id,
			groupName: group.name,
			projectName: project.name,
			account: project.domainId,
			action,
			profile: profile.id,
			startedAt,
			lastStatus: result.kind === 'started' ? 'INIT' : result.group.status,
			lease: { owner: this.owner, until: Date.now() + LEASE_MS },
		};
		await this.save(job);
		if (result.kind === 'applied') {
			this.log.warn(`${action} on ${group.id}: the answer was lost (${result.error.toString()}), but the group is now ${result.group.status}; following the group.`);
			this.tree.updateGroup(profile.id, project.id, result.group);
			void vscode.window.showWarningMessage(
				vscode.l10n.t('The answer to {0} for “{1}” was lost, but the group is now “{2}”: the request was applied. It was not sent again; the group is followed until it settles.', title, group.name, statusLabel(result.group.status)),
			);
		} else {
			this.log.info(`Started ${action} on ${group.id}: job ${result.jobId}`);
		}
		this.tree.redrawGroup(profile.id, project.id, group.id);
		void this.watch(job);
		return 'started';
	}

	/** The action was refused, or its answer was lost and the group shows it was not applied (or cannot tell). */
	private async reportNotStarted(target: ActionTarget, action: ActionKind, result: Exclude<StartResult, { kind: 'started' } | { kind: 'applied' }>): Promise<void> {
		const title = actionTitle(action);
		this.log.error(`${action} on ${target.group.id} not started (${result.kind}): ${result.error.toString()}`);
		if (result.kind === 'refused') {
			const ex = explain(result.error.code);
			await this.prompts.alert(vscode.l10n.t('{0} was refused for “{1}”: {2}', title, target.group.name, describeError(result.error)), ex ? `${ex.explanation}\n\n${ex.fix}` : undefined);
			return;
		}
		if (result.kind === 'not-applied') {
			this.tree.updateGroup(target.profile.id, target.project.id, result.group);
		}
		const message =
			result.kind === 'not-applied'
				? vscode.l10n.t('{0} for “{1}” did not get an answer ({2}), and the group is unchanged. Nothing was sent twice; you can try again.', title, target.group.name, describeError(result.error))
				: vscode.l10n.t('{0} for “{1}” did not get an answer ({2}), and the group could not be re-read. Refresh before trying again: it may have been applied.', title, target.group.name, describeError(result.error));
		const choice = await vscode.window.showErrorMessage(message, vscode.l10n.t('Show Log'));
		if (choice) {
			this.showLog();
		}
	}

	/**
	 * Resumes watching every unfinished job recorded in globalState (after a reload or restart)
	 * whose lease is free or expired; the lease makes sure only one window polls a job.
	 */
	resumeAll(): number {
		this.heartbeat ??= setInterval(() => void this.beat(), HEARTBEAT_MS);
		let resumed = 0;
		const now = Date.now();
		for (const job of this.all().filter((j) => !j.outcome)) {
			if (!this.profiles.get(job.profile)) {
				// Its credentials were removed: it can no longer be followed; say so in the Jobs view.
				void this.save({ ...job, outcome: 'ERROR', endedAt: Date.now(), failReason: vscode.l10n.t('not followed: its profile was removed') });
				continue;
			}
			if (this.watching.has(job.jobId)) {
				continue;
			}
			if (job.lease && job.lease.owner !== this.owner && job.lease.until > now) {
				continue; // another window is watching it
			}
			resumed++;
			void this.claimAndWatch(job);
		}
		return resumed;
	}

	private async claimAndWatch(job: StoredJob): Promise<void> {
		const lease = { owner: this.owner, until: Date.now() + LEASE_MS };
		// Reserve locally first so a second beat does not claim it again.
		const placeholder = new AbortController();
		this.watching.set(job.jobId, placeholder);
		await this.context.globalState.update(
			JOBS_KEY,
			this.all().map((j) => (j.jobId === job.jobId ? { ...j, lease } : j)),
		);
		// Two windows may claim at once: the last write wins; the other backs off.
		await new Promise((r) => setTimeout(r, 300));
		const now = this.all().find((j) => j.jobId === job.jobId);
		if (!now || now.outcome || now.lease?.owner !== this.owner || placeholder.signal.aborted) {
			this.watching.delete(job.jobId);
			return;
		}
		this.watching.delete(job.jobId);
		this.log.info(`Resuming job ${job.jobId} (${job.action} on ${job.groupId})`);
		this.resumed.push(job.jobId);
		await this.watch(now);
	}

	/** Jobs this window picked up after a reload or from another window (tests read it). */
	readonly resumed: string[] = [];

	/** Watches a job in a progress notification until it ends, then reports the outcome once. */
	private async watch(job: StoredJob): Promise<void> {
		const profile = this.profiles.get(job.profile);
		if (!profile) {
			return;
		}
		const controller = new AbortController();
		this.watching.set(job.jobId, controller);
		job.lease = { owner: this.owner, until: Date.now() + LEASE_MS };
		const client = this.sessions.client(profile);
		const project: Project = { id: job.projectId, name: job.projectName, region: job.region, isSubProject: false };
		const title = vscode.l10n.t('{0}: “{1}”', actionTitle(job.action), job.groupName);
		let outcome: JobOutcome | undefined;
		await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, async (progress) => {
			const started = job.startedAt;
			let status = job.lastStatus ?? 'INIT';
			const tick = (): void => progress.report({ message: vscode.l10n.t('Job {0} · {1} elapsed · keeps running if you hide this', status, formatElapsed(Date.now() - started)) });
			tick();
			const timer = setInterval(tick, 1000);
			const refreshTimer = setInterval(() => void this.refreshGroup(profile, project, job.groupId), 5000);
			try {
				outcome = await trackJob(job, {
					getJob: async (id, signal) =>
						job.trackBy === 'group' ? groupAsJob(await client.getGroup(project, job.groupId, signal), job.action) : client.getJob(project, id, signal),
					signal: controller.signal,
					timeoutMs: readSettings().jobTimeoutMs,
					onStatus: (j) => {
						status = j.status;
						tick();
						job.lastStatus = j.status;
						void this.save(job);
					},
					onTransientError: (e) => this.log.warn(`Polling job ${job.jobId}: ${e.toString()} (will keep trying)`),
				});
			} finally {
				clearInterval(timer);
				clearInterval(refreshTimer);
			}
		});
		this.watching.delete(job.jobId);
		if (!outcome || outcome.kind === 'ABORTED') {
			return; // the window is closing; the record stays unfinished and is resumed next time
		}
		if (this.all().find((j) => j.jobId === job.jobId)?.outcome) {
			return; // another window reported it
		}
		await this.finish(job, profile, project, outcome);
	}

	private async refreshGroup(profile: Profile, project: Project, groupId: string): Promise<void> {
		try {
			this.tree.updateGroup(profile.id, project.id, await this.sessions.client(profile).getGroup(project, groupId));
		} catch (e) {
			this.log.debug(`Refreshing ${groupId}: ${String(e)}`);
		}
	}

	private async finish(job: StoredJob, profile: Profile, project: Project, outcome: Exclude<JobOutcome, { kind: 'ABORTED' }>): Promise<void> {
		if (outcome.kind === 'TIMEOUT' || outcome.kind === 'ERROR') {
			// The job may still be running: keep it unfinished so a later window picks it up again.
			job.lastStatus = outcome.lastStatus ?? job.lastStatus;
			await this.save(job);
			this.reported.push({ jobId: job.jobId, outcome: outcome.kind });
			const detail = outcome.kind === 'ERROR' ? describeError(outcome.error) : vscode.l10n.t('still {0} after {1}', outcome.lastStatus ?? '?', formatElapsed(Date.now() - job.startedAt));
			this.log.warn(`Stopped watching job ${job.jobId}: ${detail}`);
			const choice = await vscode.window.showWarningMessage(
				vscode.l10n.t('Stopped watching job {0} for “{1}” ({2}). It may still be running; it is checked again when the window reloads.', job.jobId, job.groupName, detail),
				vscode.l10n.t('Show Log'),
			);
			if (choice) {
				this.showLog();
			}
			return;
		}
		job.endedAt = Date.now();
		job.outcome = outcome.kind;
		job.lastStatus = outcome.kind;
		if (outcome.kind === 'FAIL') {
			job.errorCode = outcome.errorCode;
			job.failReason = outcome.failReason;
		}
		await this.save(job);
		this.reported.push({ jobId: job.jobId, outcome: outcome.kind });
		await this.refreshGroup(profile, project, job.groupId);
		this.tree.redrawGroup(profile.id, project.id, job.groupId);
		if (outcome.kind === 'SUCCESS') {
			void vscode.commands.executeCommand('setContext', 'sdrs.protectionEnabled', true);
			this.log.info(`Job ${job.jobId} succeeded (${job.action} on ${job.groupId})`);
			void vscode.window.showInformationMessage(
				job.action === 'enable'
					? vscode.l10n.t('Protection enabled for “{0}”.', job.groupName)
					: vscode.l10n.t('Protection enabled again for “{0}”.', job.groupName),
			);
			return;
		}
		const ex = explain(outcome.errorCode);
		const subs = outcome.failedSubJobs.map((s: Job) => `${s.jobType || s.jobId}: ${s.errorCode ?? ''} ${s.failReason ?? ''}`.trim());
		this.log.error(
			[`Job ${job.jobId} failed (${job.action} on ${job.groupId}): ${outcome.errorCode ?? ''} ${outcome.failReason ?? ''}`, ...subs.map((s) => `  failing sub-job ${s}`), ex ? `  fix: ${ex.fix}` : ''].filter(Boolean).join('\n'),
		);
		const choice = await vscode.window.showErrorMessage(
			vscode.l10n.t(
				'{0} failed for “{1}”: {2} {3}{4}{5}',
				actionTitle(job.action),
				job.groupName,
				outcome.errorCode ?? '',
				outcome.failReason ?? '',
				subs.length ? ` ${vscode.l10n.t('Failing sub-jobs: {0}.', subs.join('; '))}` : '',
				ex ? ` ${ex.fix}` : '',
			),
			vscode.l10n.t('Show Details'),
		);
		if (choice) {
			this.showLog();
		}
	}
}

export function formatElapsed(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	const m = Math.floor(s / 60);
	return m ? `${m}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
