// VS Code's globalState as the editor implements it (code-server 4.139's extensionHostProcess.js:
// ExtensionMemento, ExtHostStorage; workbench.js: MainThreadStorage), for tests of what writes to
// it: all of an extension's keys live in one stored object; update() changes the extension host's
// copy and schedules one write of the whole object (setTimeout 0); the main thread stores it and
// echoes the stored object back ($acceptValue) before it answers; the extension host replaces its
// whole copy with every echo. Messages each way arrive in order, after a delay from a seeded
// sequence, so a run can be repeated.
import type { SharedState } from '../../src/core/sharedState';
import { mulberry32 } from '../../src/simulator/state';

/**
 * One direction of the RPC, a socket: messages arrive in order, in bursts (all sent within a short
 * random delay arrive together); those of one burst are handled one after another in the same turn
 * of the event loop, before any timer (Node handles every message read from the socket before it
 * runs its timers), with the promise continuations of each in between.
 */
class Channel {
	private queue: (() => void)[] = [];
	private pumping = false;
	constructor(private readonly delay: () => number) {}
	send(deliver: () => void): void {
		this.queue.push(deliver);
		if (!this.pumping) {
			this.pumping = true;
			setTimeout(() => this.pump(), this.delay());
		}
	}
	private pump(): void {
		const next = this.queue.shift();
		if (!next) {
			this.pumping = false;
			return;
		}
		next();
		setImmediate(() => this.pump());
	}
}

export class EditorMemento implements SharedState {
	/** What the main thread has stored (the object as a JSON string). */
	stored = '{}';
	private value: Record<string, unknown> = {};
	private waiting: (() => void)[] = [];
	private scheduled = false;
	private readonly toMain: Channel;
	private readonly toExt: Channel;

	constructor(seed = 1, maxDelayMs = 3) {
		const random = mulberry32(seed);
		const delay = (): number => Math.floor(random() * maxDelayMs);
		this.toMain = new Channel(delay);
		this.toExt = new Channel(delay);
	}

	get<T>(key: string, fallback: T): T {
		const v = this.value[key];
		return (v === undefined ? fallback : v) as T;
	}

	update(key: string, value: unknown): Promise<void> {
		this.value[key] = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
		return new Promise<void>((resolve) => {
			this.waiting.push(resolve);
			if (!this.scheduled) {
				this.scheduled = true;
				setTimeout(() => this.flush(), 0);
			}
		});
	}

	/** The scheduled write: the whole object, answered once the main thread has stored it. */
	private flush(): void {
		this.scheduled = false;
		const answered = this.waiting.splice(0);
		const raw = JSON.stringify(this.value);
		this.toMain.send(() => {
			this.stored = raw;
			// The main thread's storage change event: the stored object echoed back, then the answer.
			this.toExt.send(() => {
				this.value = JSON.parse(raw) as Record<string, unknown>;
			});
			this.toExt.send(() => answered.forEach((r) => r()));
		});
	}

	/** The stored object's key, as the next window (or reload) would read it. */
	storedValue<T>(key: string, fallback: T): T {
		const v = (JSON.parse(this.stored) as Record<string, unknown>)[key];
		return (v === undefined ? fallback : v) as T;
	}
}
