// The editor's shared state as src/core sees it: the part of vscode.Memento it needs (globalState,
// or a Map in tests and chaos runs), and writes to it that hold.
export interface SharedState {
	get<T>(key: string, fallback: T): T;
	update(key: string, value: unknown): PromiseLike<void>;
}

/**
 * Writes `value` and reads it back. Right after a write, VS Code's extension host can hand back an
 * older value that storage echoes from an earlier write (seen in code-server when writes follow
 * each other within milliseconds, e.g. a profile saved and then removed): the newer write is then
 * lost. So it is written again, at most twice more, until it holds.
 */
export async function updateState(state: SharedState, key: string, value: unknown): Promise<void> {
	const expected = JSON.stringify(value);
	const previous = JSON.stringify(state.get(key, undefined));
	for (let attempt = 0; attempt < 3; attempt++) {
		await state.update(key, value);
		const now = JSON.stringify(state.get(key, undefined));
		// Written again only over the echo of the value it replaced: a newer value another writer
		// (another window) put there meanwhile is theirs, and is kept.
		if (now === expected || now !== previous) {
			return;
		}
	}
}

/** Shared state in memory, for runs outside the editor (chaos, tests). */
export class MemoryState implements SharedState {
	private readonly values = new Map<string, string>();
	get<T>(key: string, fallback: T): T {
		const v = this.values.get(key);
		return v === undefined ? fallback : (JSON.parse(v) as T);
	}
	update(key: string, value: unknown): Promise<void> {
		this.values.set(key, JSON.stringify(value));
		return Promise.resolve();
	}
}
