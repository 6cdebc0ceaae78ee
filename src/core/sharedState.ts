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

/**
 * The one way this extension writes the editor's globalState: one write at a time, each after the
 * previous one has been answered. VS Code keeps all of an extension's keys in one stored object and
 * echoes every write back to the extension host, which replaces its whole copy with the echo. A
 * write of one key (a plan run's step) in flight while another key (a job just recorded) is
 * changed meant the echo of the first put the second back to its older value, and the second's
 * write then sent that older copy: the job record was gone, and nothing said so. One at a time, the
 * echo of each write arrives before its answer, so nothing can come between. Reads see the writes
 * waiting their turn.
 */
export class SerialState implements SharedState {
	private last: Promise<unknown> = Promise.resolve();
	/** Values asked to be written and not yet answered, by key (the latest of each). */
	private readonly waiting = new Map<string, { value: unknown }>();

	constructor(readonly inner: SharedState) {}

	get<T>(key: string, fallback: T): T {
		const w = this.waiting.get(key);
		if (w) {
			return (w.value === undefined ? fallback : w.value) as T;
		}
		return this.inner.get(key, fallback);
	}

	update(key: string, value: unknown): Promise<void> {
		// A copy as the editor keeps it (JSON), so a caller changing its object later changes nothing.
		const mine = { value: value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown) };
		this.waiting.set(key, mine);
		const written = this.last.then(() => this.inner.update(key, mine.value));
		const settled = written.then(
			() => undefined,
			() => undefined,
		);
		this.last = settled;
		void settled.then(() => {
			if (this.waiting.get(key) === mine) {
				this.waiting.delete(key);
			}
		});
		return Promise.resolve(written);
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
