// How many POSTs of a batch go at once: up to the setting, halved (and a 2–5 s pause) each time the
// gateway throttles, one more again after each run of successes as long as the current limit.
export class AdaptiveLimit {
	private allowedNow: number;
	private streak = 0;
	private pausedUntil = 0;

	constructor(
		readonly max: number,
		private readonly random: () => number = Math.random,
	) {
		this.allowedNow = max;
	}

	get allowed(): number {
		return this.allowedNow;
	}

	/** Until when nothing is sent (0: no pause). */
	get pauseUntil(): number {
		return this.pausedUntil;
	}

	/** The gateway throttled a POST at `now`. */
	throttled(now: number): void {
		this.allowedNow = Math.max(1, Math.floor(this.allowedNow / 2));
		this.pausedUntil = now + Math.round(2000 + this.random() * 3000);
		this.streak = 0;
	}

	/** A POST went through. */
	succeeded(): void {
		if (this.allowedNow < this.max && ++this.streak >= this.allowedNow) {
			this.allowedNow++;
			this.streak = 0;
		}
	}
}
