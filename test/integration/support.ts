// Shared by the extension-host suites: the real extension's API, a clean slate, and waiting.
import * as vscode from 'vscode';
import type { SdrsApi } from '../../src/extension';
import type { Prompts } from '../../src/ui/services/editorPorts';
import type { GroupNode, Node, ProjectNode } from '../../src/ui/views/groupsTree';

export const EXTENSION_ID = 'sdrs-explorer.sdrs-explorer';

export async function api(): Promise<SdrsApi> {
	const ext = vscode.extensions.getExtension<SdrsApi | undefined>(EXTENSION_ID);
	if (!ext) {
		throw new Error(`${EXTENSION_ID} is not installed in this host`);
	}
	const a = await ext.activate();
	if (!a) {
		throw new Error(`${EXTENSION_ID} returned no test API: it runs in Production mode`);
	}
	return a;
}

/** The plan, typed-count and Cancel-first questions fail a test that did not expect them. */
export const noQuestions: Pick<Prompts, 'choose' | 'input' | 'pick' | 'decide'> = {
	choose: () => Promise.reject(new Error('unexpected plan')),
	input: () => Promise.reject(new Error('unexpected input box')),
	pick: () => Promise.reject(new Error('unexpected picker')),
	decide: () => Promise.reject(new Error('unexpected Cancel-first question')),
};

/** Removes every profile and job so each test starts from nothing. */
export async function reset(a: SdrsApi): Promise<void> {
	for (const p of a.profiles.list()) {
		await a.profiles.remove(p.id);
	}
	await a.workflow.suspend();
	await a.store.clear(true);
	a.workflow.resumeAll();
	a.demo.running?.reset();
	a.ports.prompts = { ...noQuestions, confirm: () => Promise.resolve(true), alert: () => Promise.resolve() };
	a.tree.refresh();
}

/** The real extension for a suite: activated once, then a clean slate before each test. */
export function useExtension(use: (a: SdrsApi) => void): void {
	let a: SdrsApi;
	before(async () => {
		a = await api();
		use(a);
	});
	beforeEach(async () => {
		await reset(a);
	});
}

/** The recorded outcome of a job, once it has one (tests observe the job store). */
export function outcomeOf(a: SdrsApi, jobId: string): string | undefined {
	return a.store.get(jobId)?.outcome;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const v = await probe();
		if (v !== undefined && v !== false) {
			return v;
		}
		if (Date.now() > until) {
			throw new Error(`timed out waiting for ${what}`);
		}
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** The demo started and the projects of its profile (the only profile, so they are the roots). */
export async function demoProjects(a: SdrsApi): Promise<ProjectNode[]> {
	await vscode.commands.executeCommand('sdrs.startDemo');
	const roots = await a.tree.getChildren();
	return roots.filter((n): n is ProjectNode => n.type === 'project');
}

export async function groupsOf(a: SdrsApi, region: string): Promise<GroupNode[]> {
	const projects = await demoProjects(a);
	const project = projects.find((p) => p.project.name === region);
	if (!project) {
		throw new Error(`no project ${region}`);
	}
	const children: Node[] = await a.tree.getChildren(project);
	return children.filter((n): n is GroupNode => n.type === 'group');
}

export async function group(a: SdrsApi, name: string, region = 'cn-north-4'): Promise<GroupNode> {
	const g = (await groupsOf(a, region)).find((n) => n.group.name === name);
	if (!g) {
		throw new Error(`no group ${name}`);
	}
	return g;
}

/**
 * The tab of the locked Markdown preview showing `doc` (reports open rendered, locked to their
 * document: its title is "[Preview] <name>"), if there is exactly one such tab.
 */
export function previewTabOf(doc: vscode.TextDocument, active = false): vscode.Tab | undefined {
	const label = `[Preview] ${decodeURIComponent(doc.uri.path.split('/').pop() ?? '')}`;
	const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('markdown.preview') && t.label === label);
	const active_ = vscode.window.tabGroups.activeTabGroup.activeTab;
	return tabs.length === 1 && (!active || tabs[0] === active_) ? tabs[0] : undefined;
}

/** A report's place in the order reports were opened (its URI is /<n>/<name>.md). */
export const reportNumber = (doc: vscode.TextDocument): number => Number(doc.uri.path.split('/')[1]);
