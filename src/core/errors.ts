// One error type for everything that can go wrong talking to Huawei Cloud, a parser for every
// error body shape the services use (sdrs-api.md §8.1), and plain explanations for the codes.

export type ErrorKind =
	| 'http' // the service answered with a non-2xx status
	| 'network' // connection refused, reset, DNS, TLS
	| 'timeout' // no complete answer within the request timeout
	| 'parse' // a 2xx answer whose body is not what the API documents
	| 'too-large' // the body passed the response size cap
	| 'aborted' // the caller stopped waiting
	| 'config'; // refused before sending (bad endpoint, plain http to a remote host, ...)

export class SdrsError extends Error {
	override readonly name = 'SdrsError';
	constructor(
		message: string,
		readonly kind: ErrorKind,
		readonly status?: number,
		readonly code?: string,
		readonly requestId?: string,
		/** For `network` errors: the system code (ECONNRESET, ENOTFOUND, ...). */
		override readonly cause?: unknown,
	) {
		super(message);
	}

	/** Whether an idempotent request may be sent again. */
	get transient(): boolean {
		// A 2xx body that does not parse is most often a proxy or transport glitch.
		if (this.kind === 'network' || this.kind === 'timeout' || this.kind === 'parse') {
			return true;
		}
		if (this.kind !== 'http' || this.status === undefined) {
			return false;
		}
		return isThrottled(this) || [500, 502, 503, 504].includes(this.status);
	}

	/** One line for logs and messages; never contains credentials. */
	override toString(): string {
		const parts = [this.message];
		if (this.code) {
			parts.push(`code ${this.code}`);
		}
		if (this.status && !this.message.startsWith(`HTTP ${this.status}`)) {
			parts.push(`HTTP ${this.status}`);
		}
		if (this.requestId) {
			parts.push(`request ${this.requestId}`);
		}
		return parts.join(' · ');
	}
}

/** The one place an unknown failure becomes an SdrsError (a network error unless it already is one). */
export function toSdrsError(e: unknown): SdrsError {
	return e instanceof SdrsError ? e : new SdrsError(e instanceof Error ? e.message : String(e), 'network', undefined, undefined, undefined, e);
}

/**
 * Whether the gateway refused temporary credentials because they expired (a 401 that says so;
 * the exact code is unconfirmed, so the message decides, tolerantly).
 */
export function isExpiredCredentials(e: SdrsError): boolean {
	return e.kind === 'http' && e.status === 401 && /(token|credential|security).{0,40}expired|expired.{0,40}(token|credential)/i.test(e.message);
}

export function isThrottleCode(code: string | undefined): boolean {
	return code === 'APIGW.0308' || code === 'APIG.0308';
}

/** The gateway throttled the request (429 / APIGW.0308): it was refused, so nothing was applied. */
export function isThrottled(error: SdrsError): boolean {
	return error.status === 429 || isThrottleCode(error.code);
}

/**
 * The service refused the keys themselves (401, 403, APIGW.0301): every further request with them
 * would be refused too, and repeated failures may lock the access key.
 */
export function isAuthFailure(error: SdrsError): boolean {
	return (error.kind === 'http' && (error.status === 401 || error.status === 403)) || error.code === 'APIGW.0301' || error.code === 'APIG.0301';
}

interface CodeAndMessage {
	code?: string;
	message?: string;
}

function asString(v: unknown): string | undefined {
	return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Finds `error_code`/`error_msg`, then `code`/`message`, then recurses into nested objects (Go SDK order). */
function findCode(value: unknown, depth = 0): CodeAndMessage | undefined {
	if (value === null || typeof value !== 'object' || depth > 4) {
		return undefined;
	}
	const o = value as Record<string, unknown>;
	const gwCode = asString(o.error_code);
	if (gwCode) {
		return { code: gwCode, message: asString(o.error_msg) ?? asString(o.message) };
	}
	const code = asString(o.code);
	if (code && (asString(o.message) !== undefined || /^[A-Z]+\.\d+/.test(code))) {
		return { code, message: asString(o.message) };
	}
	for (const nested of Object.values(o)) {
		const found = findCode(nested, depth + 1);
		if (found) {
			return found;
		}
	}
	return undefined;
}

/**
 * Turns an error response into an SdrsError. Handles `{"error":{code,message}}`, any other
 * wrapper key (`badrequest`, `itemNotFound`, ...), gateway `{"error_code","error_msg"}`, and
 * bodies that are not JSON at all (HTML error pages, empty, truncated).
 */
export function parseErrorResponse(status: number, body: string, requestId?: string): SdrsError {
	let found: CodeAndMessage | undefined;
	let bodyRequestId: string | undefined;
	const trimmed = body.trim();
	if (trimmed.startsWith('{')) {
		try {
			const parsed: unknown = JSON.parse(trimmed);
			found = findCode(parsed);
			bodyRequestId = asString((parsed as Record<string, unknown> | null)?.request_id);
		} catch {
			found = undefined;
		}
	}
	// The request ID and the code are the server's text too: shown in trees, notifications and reports.
	const reqId = clean(requestId ?? bodyRequestId, 128);
	if (found?.code || found?.message) {
		return new SdrsError(clean(found.message) ?? `HTTP ${status}`, 'http', status, clean(found.code, 64), reqId);
	}
	let summary: string;
	if (trimmed === '') {
		summary = `HTTP ${status} with an empty body`;
	} else if (/^<(!doctype|html)/i.test(trimmed)) {
		const title = /<title>([^<]{1,120})<\/title>/i.exec(trimmed)?.[1];
		summary = `HTTP ${status}: the server answered with an HTML page${title ? ` (“${clean(title)}”)` : ''}, not an API response`;
	} else {
		summary = `HTTP ${status}: ${clean(trimmed.slice(0, 160))}${trimmed.length > 160 ? '…' : ''}`;
	}
	return new SdrsError(summary, 'http', status, undefined, reqId);
}

// C0/C1 controls, and the bidi marks, embeddings, overrides and isolates that make text read as
// something else (U+061C, U+200E/F, U+202A–E, U+2066–9).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const BIDI_ALL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Removes control characters (a space each) and bidi controls (nothing), and caps the length of
 * text that came from a server: every field the model reads goes through it, so a name shown as a
 * tree label, description or tooltip cannot reorder itself.
 */
export function clean(text: string | undefined, max = 500): string | undefined {
	if (text === undefined) {
		return undefined;
	}
	// Most values are clean: testing first spares the copy (this runs on every field of every group).
	const s = (CONTROL.test(text) ? text.replace(CONTROL_ALL, ' ').replace(BIDI_ALL, '') : text).trim();
	return s.length > max ? s.slice(0, max) + '…' : s;
}

/** The code of the `config` error raised when a profile has no stored keys. */
export const NO_CREDENTIALS = 'NO_CREDENTIALS';

/** The code of the 401 an action gets when its temporary keys ran out and were renewed (it is not sent again). */
export const KEYS_RENEWED = 'KEYS_RENEWED';

export type ErrorCategory = 'no-credentials' | 'auth' | 'forbidden' | 'network' | 'throttled' | 'not-offered' | 'server' | 'bad-response' | 'other';

/** The category the UI uses to name the cause of a failure. */
export function categorize(err: unknown): ErrorCategory {
	if (!(err instanceof SdrsError)) {
		return 'other';
	}
	if (err.kind === 'config' && err.code === NO_CREDENTIALS) {
		return 'no-credentials';
	}
	if (err.kind === 'network' || err.kind === 'timeout') {
		const sys = (err.cause as { code?: string } | undefined)?.code;
		return sys === 'ENOTFOUND' ? 'not-offered' : 'network';
	}
	if (err.kind === 'parse' || err.kind === 'too-large') {
		return 'bad-response';
	}
	// Not a key problem any more: new keys are in hand, the message says to run the action again.
	if (err.kind !== 'http' || err.code === KEYS_RENEWED) {
		return 'other';
	}
	if (isThrottled(err)) {
		return 'throttled';
	}
	if (err.status === 401 || err.code === 'APIGW.0301' || err.code === 'APIGW.0201' || err.code === 'SDRS.0002') {
		return 'auth';
	}
	if (err.status === 403 || ['SDRS.0003', 'SDRS.0004', 'SDRS.0005'].includes(err.code ?? '')) {
		return 'forbidden';
	}
	if (err.status === 404) {
		return 'not-offered';
	}
	if ((err.status ?? 0) >= 500) {
		return 'server';
	}
	return 'other';
}
