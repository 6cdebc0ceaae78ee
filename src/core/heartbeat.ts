// The one owner of this window's leases: every few seconds it renews the leases of the jobs and
// batches this window follows, then lets the engine look for work another window left (a lease
// expired or given up). Jobs and batches share it, so one timer keeps both.
import type { JobStore } from './jobStore';

export interface Held {
	jobs(): string[];
	batches(): string[];
}

export class Heartbeat {
	private timer?: ReturnType<typeof setInterval>;

	constructor(
		private readonly store: JobStore,
		private readonly held: Held,
		/** After each renewal: take over what others left. */
		private readonly afterBeat: () => void,
		readonly everyMs = 5000,
	) {}

	/** Starts beating, once (calling it again changes nothing). */
	start(): void {
		this.timer ??= setInterval(() => void this.beat(), this.everyMs);
	}

	stop(): void {
		clearInterval(this.timer);
		this.timer = undefined;
	}

	private async beat(): Promise<void> {
		await Promise.all([this.store.renew(this.held.jobs()), this.store.leaseBatches(this.held.batches())]);
		this.afterBeat();
	}
}
