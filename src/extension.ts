// Activation: wires the log, profiles, clients, tree, jobs and commands. Nothing here talks to
// the network or loads the simulator; the tree loads lazily when the view is shown.
import * as vscode from 'vscode';
import { applyFilters, registerCommands } from './ui/commands';
import { JobsProvider } from './ui/jobsView';
import { Demo } from './ui/demo';
import { JobStore } from './core/jobStore';
import { Workflow } from './core/workflow';
import { EditorPorts } from './ui/editorPorts';
import { createLog } from './ui/log';
import { ProfileStore } from './ui/profiles';
import { readSettings, Sessions } from './ui/session';
import { ProtectionGroupsProvider, type Node } from './ui/tree';

/** What activate() returns: used by the benchmark and the extension-host tests. */
export interface SdrsApi {
	/** Settles when the start-up work deferred after activate() is done. */
	ready: Promise<void>;
	profiles: ProfileStore;
	sessions: Sessions;
	tree: ProtectionGroupsProvider;
	view: vscode.TreeView<Node>;
	store: JobStore;
	workflow: Workflow;
	ports: EditorPorts;
	demo: Demo;
	commandIds: string[];
}

export function activate(context: vscode.ExtensionContext): SdrsApi {
	const { channel, logger } = createLog(context);
	const profiles = new ProfileStore(context);
	const sessions = new Sessions(profiles, logger);
	const store = new JobStore(context.globalState);
	const ports = new EditorPorts(logger, () => channel.show(true));
	const workflow = new Workflow({
		store,
		clientFor: (id) => {
			const profile = profiles.get(id);
			return profile && sessions.client(profile);
		},
		ports,
		log: logger,
		jobTimeoutMs: () => readSettings().jobTimeoutMs,
	});
	const tree = new ProtectionGroupsProvider(profiles, sessions, store, workflow.onGroupRead);
	const view = vscode.window.createTreeView('sdrs.protectionGroups', { treeDataProvider: tree, showCollapseAll: true });
	const demo = new Demo(context, profiles, logger);
	tree.setPrepare(async (profile) => (profile.kind === 'demo' ? demo.ensure() : profile));
	const jobsView = new JobsProvider(store, profiles);
	const jobsTree = vscode.window.createTreeView('sdrs.jobs', { treeDataProvider: jobsView });
	context.subscriptions.push(profiles, tree, view, demo, workflow, store, jobsView, jobsTree);

	const commandContext = { context, profiles, sessions, tree, view, store, workflow, demo, log: channel };
	const commandIds = registerCommands(context, commandContext);

	context.subscriptions.push(
		profiles.onDidChange(() => {
			sessions.reset();
			void profiles.updateContext();
			void applyFilters(commandContext);
		}),
		store.onDidChange(() => void vscode.commands.executeCommand('setContext', 'sdrs.hasJobs', store.all().length > 0)),
		vscode.workspace.onDidChangeConfiguration((e) => {
			if (e.affectsConfiguration('sdrs')) {
				sessions.reset();
				tree.refresh();
			}
		}),
	);
	// Context keys, saved filters and unfinished jobs right after activation: none of them is
	// needed before VS Code asks the tree for its first children.
	const ready = new Promise<void>((resolve) => setTimeout(resolve, 0)).then(async () => {
		const resumed = workflow.resumeAll();
		await Promise.all([profiles.updateContext(), applyFilters(commandContext), vscode.commands.executeCommand('setContext', 'sdrs.hasJobs', store.all().length > 0)]);
		logger.info(`Activated${resumed ? `; resuming ${resumed} job(s)` : ''}`);
	});
	return { ready, profiles, sessions, tree, view, store, workflow, ports, demo, commandIds };
}

export function deactivate(): void {
	// Everything is disposed through context.subscriptions; unfinished jobs stay recorded.
}
