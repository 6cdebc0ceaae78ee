// The one seam for network I/O: the only file that imports node-fetch. Signs, limits
// concurrency per host, times out, retries idempotent reads, corrects clock skew, caps
// response size, and turns every failure into an SdrsError that carries the request id.
//
// VS Code patches Node's http/https for proxies and system certificates in the extension host,
// so no agent is passed here and TLS verification is never touched.
import nodeFetch from 'node-fetch';
import { KEYS_RENEWED, SdrsError, isExpiredCredentials, isThrottled, parseErrorResponse, toSdrsError } from './errors';
import { redactError, redactSecrets } from './redact';
import { signRequest, type Credentials } from './signer';
import type { Logger } from './logger';
import { silentLogger } from './logger';
import { Semaphore } from './semaphore';
import { abortableSleep } from './sleep';

export { redactSecrets } from './redact';

export interface FetchResponseLike {
	status: number;
	headers: { get(name: string): string | null };
	body: AsyncIterable<Uint8Array | string> | null;
}
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal; redirect: 'manual' }) => Promise<FetchResponseLike>;

export interface HttpRequest {
	method: 'GET' | 'POST' | 'DELETE';
	url: string;
	headers?: Record<string, string>;
	body?: string;
	/** Only idempotent requests are ever sent again after a failure. */
	idempotent: boolean;
	signal?: AbortSignal;
}

export interface HttpResult {
	status: number;
	body: string;
	requestId?: string;
	attempts: number;
}

export interface ParsedResult<T> extends HttpResult {
	data: T;
}

/**
 * Keys that change while a client lives (temporary keys obtained through an agency, core/agency.ts).
 * `get` is read before every request, so a job being followed goes on with renewed keys.
 */
export interface CredentialsProvider {
	get(): Promise<Credentials>;
	/**
	 * Told that the gateway refused `refused` because it expired; resolves true once other keys
	 * are in hand (or rejects with why none could be had).
	 */
	renewAfterExpiry?(refused: Credentials): Promise<boolean>;
}

export interface HttpOptions {
	credentials: (() => Credentials | Promise<Credentials>) | CredentialsProvider;
	/**
	 * Called with the host before any request is signed for it; rejects (with a `config`
	 * SdrsError) when the keys must not go there. Nothing is sent then.
	 */
	approveHost?: (host: string) => Promise<void>;
	/** Told of every 401 that is given up on (temporary keys that expired stop the profile). */
	onUnauthorized?: (error: SdrsError) => void;
	fetch?: FetchLike;
	logger?: Logger;
	/** Milliseconds since the epoch; injectable for tests. */
	now?: () => number;
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	random?: () => number;
	timeoutMs?: number;
	maxAttempts?: number;
	maxConcurrentPerHost?: number;
	maxResponseBytes?: number;
	baseBackoffMs?: number;
	maxBackoffMs?: number;
}

const SKEW_THRESHOLD_MS = 5 * 60_000;
const MAX_SKEW_MS = 60 * 60_000;

/** Parses Retry-After (seconds or an HTTP date) into milliseconds, capped at a minute. */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
	if (!value) {
		return undefined;
	}
	const seconds = Number(value);
	const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - nowMs;
	return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, 60_000) : undefined;
}

export class HttpPipeline {
	/** Per host: server time minus local time, learnt from a rejected request's `Date` header. */
	private readonly clockOffsets = new Map<string, number>();
	private readonly hosts = new Map<string, Semaphore>();
	private readonly o: Required<Omit<HttpOptions, 'credentials' | 'approveHost' | 'onUnauthorized'>> & Pick<HttpOptions, 'approveHost' | 'onUnauthorized'>;
	private readonly credentials: CredentialsProvider;

	constructor(options: HttpOptions) {
		this.o = {
			fetch: options.fetch ?? nodeFetch,
			logger: options.logger ?? silentLogger,
			now: options.now ?? Date.now,
			sleep: options.sleep ?? abortableSleep,
			random: options.random ?? Math.random,
			timeoutMs: options.timeoutMs ?? 30_000,
			maxAttempts: options.maxAttempts ?? 4,
			maxConcurrentPerHost: options.maxConcurrentPerHost ?? 4,
			maxResponseBytes: options.maxResponseBytes ?? 8 * 1024 * 1024,
			baseBackoffMs: options.baseBackoffMs ?? 500,
			maxBackoffMs: options.maxBackoffMs ?? 10_000,
			approveHost: options.approveHost,
			onUnauthorized: options.onUnauthorized,
		};
		const c = options.credentials;
		this.credentials = typeof c === 'function' ? { get: async () => c() } : c;
	}

	/** The offset learnt for a host (0 when none). */
	clockOffset(host: string): number {
		return this.clockOffsets.get(host) ?? 0;
	}

	/**
	 * Sends a request and parses its 2xx body with `parse` (which throws on a body that is not
	 * what the API documents). Idempotent requests are retried on transient failures, including
	 * unparseable bodies; others are sent exactly once. Rejects with an SdrsError.
	 */
	async send<T>(req: HttpRequest, parse: (body: string) => T): Promise<ParsedResult<T>> {
		const host = new URL(req.url).host;
		let sem = this.hosts.get(host);
		if (!sem) {
			sem = new Semaphore(this.o.maxConcurrentPerHost);
			this.hosts.set(host, sem);
		}
		let skewRetried = false;
		let renewed = false;
		for (let attempt = 1; ; attempt++) {
			let error: SdrsError | undefined;
			let waitMs: number | undefined;
			let answer: Awaited<ReturnType<HttpPipeline['sendOnce']>> | undefined;
			await sem.acquire();
			try {
				answer = await this.sendOnce(req, attempt);
			} catch (e) {
				error = toSdrsError(e);
			} finally {
				// Released before parsing, so the next request is on the wire while this body is parsed.
				sem.release();
			}
			if (answer) {
				const { result, serverDate, creds } = answer;
				if (result.status >= 200 && result.status < 300) {
					try {
						return { status: result.status, body: result.body, requestId: result.requestId, attempts: result.attempts, data: parse(result.body) };
					} catch (e) {
						const detail = e instanceof Error ? e.message : String(e);
						error = redactError(new SdrsError(`Unexpected response from ${urlPath(req.url)}: ${detail}`, 'parse', result.status, undefined, result.requestId), creds);
					}
				} else {
					// A gateway may echo what it was sent (a 401 quotes the canonical request, security
					// token included): the keys are taken out here, before the error is logged or shown.
					// The whole body is cleaned before any of it is cut to length: a token cut in two by
					// the cap would no longer be found, and its first hundreds of characters would stay.
					error = redactError(parseErrorResponse(result.status, redactSecrets(result.body, creds), result.requestId), creds);
					// A date rejection never reached the service, so even a POST may be sent again, once.
					if (!skewRetried && result.status === 401 && serverDate !== undefined && this.correctSkew(host, serverDate)) {
						skewRetried = true;
						attempt--;
						continue;
					}
					// Temporary keys that expired: the refusal never reached the service. The provider
					// renews them; a read is sent again with the new ones, an action never is.
					if (!renewed && result.status === 401 && this.credentials.renewAfterExpiry && isExpiredCredentials(error)) {
						renewed = true;
						const refused = error;
						try {
							if ((await this.credentials.renewAfterExpiry(creds)) && req.idempotent) {
								attempt--;
								continue;
							}
							error = new SdrsError(
								'The temporary keys had run out when this was sent, so the gateway refused it and nothing was done; new keys are in hand, but an action is never sent twice by itself. Run it again.',
								'http',
								401,
								KEYS_RENEWED,
								refused.requestId,
							);
						} catch (e) {
							error = toSdrsError(e);
						}
					}
					waitMs = retryAfterMs(result.retryAfter, this.o.now());
				}
			}
			if (!error) {
				throw new SdrsError('No answer and no error (internal)', 'network');
			}
			const retryable = req.idempotent && error.transient && attempt < this.o.maxAttempts && !req.signal?.aborted;
			if (!retryable) {
				if (error.status === 401) {
					this.o.onUnauthorized?.(error);
				}
				throw error;
			}
			const backoff = Math.min(this.o.maxBackoffMs, this.o.baseBackoffMs * 2 ** (attempt - 1));
			// Throttled without Retry-After: the gateway's documentation advises waiting 2–5 s.
			const throttled = isThrottled(error);
			const delay = waitMs ?? (throttled ? Math.round(2000 + this.o.random() * 3000) : Math.round(backoff / 2 + (this.o.random() * backoff) / 2));
			this.o.logger.debug(`retrying ${req.method} ${urlPath(req.url)} in ${delay} ms after: ${error.toString()}`);
			await this.o.sleep(delay, req.signal);
		}
	}

	/**
	 * Returns true when the offset for this host changed enough to be worth a new attempt. Each
	 * host has its own offset, and none beyond an hour is believed: a hostile endpoint's `Date`
	 * cannot move the clock used for any other host, nor by days.
	 */
	private correctSkew(host: string, serverDate: number): boolean {
		const localNow = this.o.now();
		const offset = serverDate - localNow;
		if (Math.abs(offset - this.clockOffset(host)) < SKEW_THRESHOLD_MS || Math.abs(offset) > MAX_SKEW_MS) {
			return false;
		}
		this.clockOffsets.set(host, offset);
		this.o.logger.warn(`This computer's clock differs from ${host}'s by ${Math.round(offset / 1000)} s; signing requests to it with its time from now on.`);
		return true;
	}

	private async sendOnce(req: HttpRequest, attempt: number): Promise<{ result: HttpResult & { retryAfter: string | null }; serverDate?: number; creds: Credentials }> {
		await this.o.approveHost?.(new URL(req.url).host);
		const creds = await this.credentials.get();
		// Stopped while waiting for a slot or for the keys: nothing is sent (an 'abort' listener
		// added now would never fire).
		if (req.signal?.aborted) {
			throw new SdrsError('Stopped waiting', 'aborted');
		}
		const now = new Date(this.o.now() + this.clockOffset(new URL(req.url).host));
		const headers = signRequest({ method: req.method, url: req.url, headers: req.headers ?? {}, body: req.body }, creds, now);
		const controller = new AbortController();
		const onAbort = (): void => controller.abort();
		req.signal?.addEventListener('abort', onAbort, { once: true });
		const timer = setTimeout(() => controller.abort(), this.o.timeoutMs);
		const started = this.o.now();
		let status = 0;
		let requestId: string | undefined;
		try {
			const res = await this.o.fetch(req.url, { method: req.method, headers, body: req.body, signal: controller.signal, redirect: 'manual' });
			status = res.status;
			requestId = res.headers.get('x-request-id') ?? undefined;
			const body = await this.readBody(res, status, requestId);
			const dateHeader = res.headers.get('date');
			const serverDate = dateHeader ? Date.parse(dateHeader) : NaN;
			this.o.logger.info(`${req.method} ${urlPath(req.url)} → ${status} in ${this.o.now() - started} ms${requestId ? ` (request ${requestId})` : ''}${attempt > 1 ? ` [attempt ${attempt}]` : ''}`);
			return {
				result: { status, body, requestId, attempts: attempt, retryAfter: res.headers.get('retry-after') },
				serverDate: Number.isNaN(serverDate) ? undefined : serverDate,
				creds,
			};
		} catch (e) {
			const err = this.toError(e, req, controller.signal.aborted, status, requestId);
			this.o.logger.warn(`${req.method} ${urlPath(req.url)} failed after ${this.o.now() - started} ms: ${err.toString()}`);
			throw err;
		} finally {
			clearTimeout(timer);
			req.signal?.removeEventListener('abort', onAbort);
		}
	}

	/** The body as text, refused past the size cap (declared or counted as it arrives). */
	private async readBody(res: FetchResponseLike, status: number, requestId: string | undefined): Promise<string> {
		const tooLarge = (): SdrsError => new SdrsError(`The response is larger than ${this.o.maxResponseBytes} bytes`, 'too-large', status, undefined, requestId);
		if (Number(res.headers.get('content-length') ?? NaN) > this.o.maxResponseBytes) {
			throw tooLarge();
		}
		const chunks: Buffer[] = [];
		let size = 0;
		for await (const chunk of res.body ?? []) {
			const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
			size += bytes.byteLength;
			if (size > this.o.maxResponseBytes) {
				throw tooLarge();
			}
			chunks.push(bytes);
		}
		return Buffer.concat(chunks).toString('utf8'); // malformed UTF-8 becomes U+FFFD
	}

	private toError(e: unknown, req: HttpRequest, aborted: boolean, status: number, requestId: string | undefined): SdrsError {
		if (e instanceof SdrsError) {
			return e;
		}
		if (req.signal?.aborted) {
			return new SdrsError('Stopped waiting', 'aborted', status || undefined, undefined, requestId);
		}
		if (aborted) {
			return new SdrsError(`No complete answer within ${Math.round(this.o.timeoutMs / 1000)} s (${req.method} ${urlPath(req.url)})`, 'timeout', status || undefined, undefined, requestId);
		}
		const sys = (e as { code?: string }).code;
		const text = e instanceof Error ? e.message : String(e);
		const what = sys ? `${sys}` : text;
		return new SdrsError(`Network error: ${what} (${new URL(req.url).host})`, 'network', status || undefined, undefined, requestId, { code: sys });
	}
}

/** The path of a URL without its query (queries may carry names; logs keep only the path). */
export function urlPath(url: string): string {
	try {
		return new URL(url).pathname;
	} catch {
		return '?';
	}
}
