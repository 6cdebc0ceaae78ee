// Waiting that a caller can cut short: shared by the HTTP pipeline's backoff and the job tracker.
import { SdrsError } from './errors';

/** Resolves after `ms`, or rejects with an `aborted` SdrsError as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) {
			reject(new SdrsError('Stopped waiting', 'aborted'));
			return;
		}
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = (): void => {
			clearTimeout(timer);
			reject(new SdrsError('Stopped waiting', 'aborted'));
		};
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}
