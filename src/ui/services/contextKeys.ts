// The one owner of the context keys the manifest's `when` clauses and walkthrough read. A key is
// set only when its value changes (the job store changes on every write).
import * as vscode from 'vscode';

export type ContextKey =
	| 'sdrs.initialized'
	| 'sdrs.hasProfiles'
	| 'sdrs.hasAccountProfile'
	| 'sdrs.filterActive'
	| 'sdrs.hasJobs'
	| 'sdrs.hasBatches'
	| 'sdrs.batchRunning'
	| 'sdrs.demoStarted'
	| 'sdrs.protectionEnabled'
	| 'sdrs.batchStarted'
	| 'sdrs.productionMoved';

const shown = new Map<ContextKey, boolean>();

/** Sets a context key when its value changed; resolves once VS Code has it. */
export async function setContextKey(key: ContextKey, value: boolean): Promise<void> {
	if (shown.get(key) === value) {
		return;
	}
	shown.set(key, value);
	await vscode.commands.executeCommand('setContext', key, value);
}

/** At activation: what an earlier activation set is set again. */
export function resetContextKeys(): void {
	shown.clear();
}
