// A minimal event emitter for src/core (which cannot use vscode.EventEmitter); its `event` has the
// same shape as vscode.Event, so views subscribe to core events as to VS Code's own.
export interface Disposable {
	dispose(): void;
}
export type Event<T> = (listener: (value: T) => void) => Disposable;

export class Emitter<T> {
	private readonly listeners = new Set<(value: T) => void>();
	readonly event: Event<T> = (listener) => {
		this.listeners.add(listener);
		return { dispose: () => this.listeners.delete(listener) };
	};
	fire(value: T): void {
		for (const l of [...this.listeners]) {
			l(value);
		}
	}
	dispose(): void {
		this.listeners.clear();
	}
}
