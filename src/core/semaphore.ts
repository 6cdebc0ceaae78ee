// A counting semaphore: at most `limit` holders; a released slot goes straight to the next waiter.
export class Semaphore {
	private active = 0;
	private readonly waiting: (() => void)[] = [];
	constructor(private readonly limit: number) {}
	async acquire(): Promise<void> {
		if (this.active < this.limit) {
			this.active++;
			return;
		}
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}
	release(): void {
		const next = this.waiting.shift();
		if (next) {
			next(); // hand the slot over without decrementing
		} else {
			this.active--;
		}
	}
}
