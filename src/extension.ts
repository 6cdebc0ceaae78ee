// Activation: wires the log, profiles, clients, tree, jobs and commands. Nothing here talks to
// the network or loads the simulator; the tree loads lazily when the view is shown.
import * as vscode from 'vscode';
import { applyFilters, registerCommands } from './ui/commands';
import { JobsProvider } from './ui/jobsView';
import { Demo } from './ui/demo';
import { JobManager } from './ui/jobs';
import { createLog } from './ui/log';
import { ProfileStore } from './ui/profiles';
import { Sessions } from './ui/session';
import { ProtectionGroupsProvider, type Node } from './ui/tree';

/** What activate() returns: used by the benchmark and the extension-host tests. */
export interface SdrsApi {
	activationMs: number;
	profiles: ProfileStore;
	sessions: Sessions;
	tree: ProtectionGroupsProvider;
	view: vscode.TreeView<Node>;
	jobs: JobManager;
	demo: Demo;
	commandIds: string[];
}

export function activate(context: vscode.ExtensionContext): SdrsApi {
	const started = performance.now();
	const { channel, logger } = createLog(context);
	const profiles = new ProfileStore(context);
	const sessions = new Sessions(profiles, logger);
	const tree = new ProtectionGroupsProvider(profiles, sessions);
	const view = vscode.window.createTreeView('sdrs.protectionGroups', { treeDataProvider: tree, showCollapseAll: true });
	const demo = new Demo(context, profiles, logger);
	const jobs = new JobManager(context, profiles, sessions, tree, logger, () => channel.show(true));
	tree.setJobs(jobs);
	tree.setPrepare(async (profile) => (profile.kind === 'demo' ? demo.ensure() : profile));
	const jobsView = new JobsProvider(jobs, profiles);
	const jobsTree = vscode.window.createTreeView('sdrs.jobs', { treeDataProvider: jobsView });
	context.subscriptions.push(profiles, tree, view, demo, jobs, jobsView, jobsTree);

	const commandContext = { context, profiles, sessions, tree, view, jobs, demo, log: channel };
	const commandIds = registerCommands(context, commandContext);

	context.subscriptions.push(
		profiles.onDidChange(() => {
			sessions.reset();
			void profiles.updateContext();
			void applyFilters(commandContext);
		}),
		jobs.onDidChange(() => void vscode.commands.executeCommand('setContext', 'sdrs.hasJobs', jobs.all().length > 0)),
		vscode.workspace.onDidChangeConfiguration((e) => {
			if (e.affectsConfiguration('sdrs')) {
				sessions.reset();
				tree.refresh();
			}
		}),
	);
	const activationMs = performance.now() - started;
	// Context keys, saved filters and unfinished jobs right after activation, not on its clock:
	// none of them is needed before VS Code asks the tree for its first children.
	const afterActivation = setTimeout(() => {
		void profiles.updateContext();
		void applyFilters(commandContext);
		void vscode.commands.executeCommand('setContext', 'sdrs.hasJobs', jobs.all().length > 0);
		const resumed = jobs.resumeAll();
		logger.info(`Activated in ${activationMs.toFixed(1)} ms${resumed ? `; resuming ${resumed} job(s)` : ''}`);
	}, 0);
	context.subscriptions.push({ dispose: () => clearTimeout(afterActivation) });
	return { activationMs, profiles, sessions, tree, view, jobs, demo, commandIds };
}

export function deactivate(): void {
	// Everything is disposed through context.subscriptions; unfinished jobs stay recorded.
}
