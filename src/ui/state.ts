// Writes to globalState that hold. Right after a write, VS Code's extension host can take back an
// older value that storage echoes from an earlier write (seen in code-server when writes follow
// each other within milliseconds, e.g. a profile saved and then removed): the newer write is then
// lost. The value is read back and written again, at most twice more, until it holds.
import type * as vscode from 'vscode';

export async function updateState(memento: vscode.Memento, key: string, value: unknown): Promise<void> {
	const expected = JSON.stringify(value);
	for (let attempt = 0; attempt < 3; attempt++) {
		await memento.update(key, value);
		if (JSON.stringify(memento.get(key)) === expected) {
			return;
		}
	}
}
