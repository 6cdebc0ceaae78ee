// SDK-HMAC-SHA256 request signing for Huawei Cloud APIs (API Gateway "AK/SK" authentication).
// Algorithm: ../shared/reference/sdrs-api.md §5.1; checked against the official vector and the
// official Node SDK's signer in test/unit/signer.test.ts.
import { createHash, createHmac } from 'node:crypto';

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';
const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface SignableRequest {
	method: string;
	url: string;
	headers: Record<string, string>;
	body?: string | Uint8Array;
}

export interface Credentials {
	accessKey: string;
	secretKey: string;
	securityToken?: string;
}

/** RFC 3986 percent-encoding: only A-Z a-z 0-9 - _ . ~ stay as they are; hex is upper-case. */
export function strictEncode(value: string): string {
	return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function safeDecode(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		return value; // a stray '%' is signed as the literal character
	}
}

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function formatSdkDate(now: Date): string {
	return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Parses `YYYYMMDDTHHMMSSZ`; undefined when malformed. */
export function parseSdkDate(value: string): Date | undefined {
	const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
	if (!m) {
		return undefined;
	}
	const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
	return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Each path segment decoded, then strictly re-encoded; always ends in `/`. */
export function canonicalUri(pathname: string): string {
	const path = pathname
		.split('/')
		.map((segment) => strictEncode(safeDecode(segment)))
		.join('/');
	return path.endsWith('/') ? path : path + '/';
}

function byteCompare(a: string, b: string): number {
	return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Decoded `[key, value]` pairs of a raw query string (`?` optional). `+` is taken literally. */
export function parseQuery(search: string): [string, string][] {
	const raw = search.startsWith('?') ? search.slice(1) : search;
	if (raw === '') {
		return [];
	}
	return raw
		.split('&')
		.filter((part) => part !== '')
		.map((part) => {
			const eq = part.indexOf('=');
			return eq < 0 ? [safeDecode(part), ''] : [safeDecode(part.slice(0, eq)), safeDecode(part.slice(eq + 1))];
		});
}

/** Keys and values sorted in UTF-8 byte order (values within a repeated key too), strictly encoded. */
export function canonicalQuery(pairs: readonly (readonly [string, string])[]): string {
	return [...pairs]
		.sort((a, b) => byteCompare(a[0], b[0]) || byteCompare(a[1], b[1]))
		.map(([k, v]) => `${strictEncode(k)}=${strictEncode(v)}`)
		.join('&');
}

export function sha256Hex(data: string | Uint8Array): string {
	return createHash('sha256').update(data).digest('hex');
}

/**
 * The canonical request string. `headers` must hold every signed header (any case);
 * `signedHeaders` are the lower-case names, in any order (they are sorted here).
 */
export function canonicalRequest(
	method: string,
	pathname: string,
	search: string,
	headers: Record<string, string>,
	signedHeaders: readonly string[],
	payloadHash: string,
): string {
	const lower = new Map<string, string>();
	for (const [name, value] of Object.entries(headers)) {
		lower.set(name.toLowerCase(), value);
	}
	const names = [...signedHeaders].map((n) => n.toLowerCase()).sort(byteCompare);
	const canonicalHeaders = names.map((n) => `${n}:${(lower.get(n) ?? '').trim()}\n`).join('');
	return [method.toUpperCase(), canonicalUri(pathname), canonicalQuery(parseQuery(search)), canonicalHeaders, names.join(';'), payloadHash].join('\n');
}

/** HMAC-SHA256 signature of a canonical request; the SK is the key itself (no derivation). */
export function signatureFor(canonical: string, sdkDate: string, secretKey: string): string {
	const stringToSign = `${SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
	return createHmac('sha256', Buffer.from(secretKey, 'utf8')).update(stringToSign).digest('hex');
}

function findHeader(headers: Record<string, string>, name: string): string | undefined {
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
	return key === undefined ? undefined : headers[key];
}

function setHeader(headers: Record<string, string>, name: string, value: string): void {
	for (const k of Object.keys(headers)) {
		if (k.toLowerCase() === name.toLowerCase()) {
			delete headers[k];
		}
	}
	headers[name] = value;
}

/**
 * Signs a request and returns every header to send: the given ones plus `Host` (from the URL
 * unless given), `X-Sdk-Date`, `X-Security-Token` (temporary credentials) and `Authorization`.
 * Every returned header except `Authorization` is signed, except names containing `_`.
 * The body hash covers the exact bytes given, unless `X-Sdk-Content-Sha256` is set.
 */
export function signRequest(
	req: { method: string; url: string; headers: Record<string, string>; body?: string | Uint8Array },
	creds: { accessKey: string; secretKey: string; securityToken?: string },
	now: Date,
): Record<string, string> {
	const url = new URL(req.url);
	const headers: Record<string, string> = { ...req.headers };
	for (const k of Object.keys(headers)) {
		if (k.toLowerCase() === 'authorization') {
			delete headers[k];
		}
	}
	if (findHeader(headers, 'host') === undefined) {
		headers.Host = url.host;
	}
	const sdkDate = formatSdkDate(now);
	setHeader(headers, 'X-Sdk-Date', sdkDate);
	if (creds.securityToken) {
		setHeader(headers, 'X-Security-Token', creds.securityToken);
	}
	const signed = Object.keys(headers)
		.filter((n) => !n.includes('_'))
		.map((n) => n.toLowerCase());
	const payloadHash =
		findHeader(headers, 'x-sdk-content-sha256') ?? (req.body === undefined || req.body.length === 0 ? EMPTY_BODY_SHA256 : sha256Hex(req.body));
	const canonical = canonicalRequest(req.method, url.pathname, url.search, headers, signed, payloadHash);
	const signature = signatureFor(canonical, sdkDate, creds.secretKey);
	const signedList = [...new Set(signed)].sort(byteCompare).join(';');
	headers.Authorization = `${SIGNING_ALGORITHM} Access=${creds.accessKey}, SignedHeaders=${signedList}, Signature=${signature}`;
	return headers;
}

/** Parses an `Authorization` header of this algorithm; undefined when it is not one. */
export function parseAuthorization(value: string): { accessKey: string; signedHeaders: string[]; signature: string } | undefined {
	const m = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/.exec(value.trim());
	return m ? { accessKey: m[1], signedHeaders: m[2].split(';'), signature: m[3] } : undefined;
}

/**
 * An absolute path from raw segments, each strictly encoded, so ids with `/` or `%` stay one
 * segment. Empty, `.` and `..` segments are refused: URL parsers resolve them, even encoded.
 */
export function pathOf(...segments: string[]): string {
	for (const s of segments) {
		if (s === '' || s === '.' || s === '..' || /^(%2e|\.){1,2}$/i.test(s)) {
			throw new RangeError(`“${s}” cannot be used as an id in a URL path`);
		}
	}
	return '/' + segments.map(strictEncode).join('/');
}

/**
 * Builds a URL from a base, an encoded path (see `pathOf`) and a query whose string is already
 * canonical, so what is sent is what is signed.
 */
export function buildUrl(base: string, path: string, query?: Record<string, string | number | boolean | readonly string[] | undefined>): string {
	const pairs: [string, string][] = [];
	for (const [k, v] of Object.entries(query ?? {})) {
		if (v === undefined) {
			continue;
		}
		for (const item of Array.isArray(v) ? v : [v]) {
			pairs.push([k, String(item)]);
		}
	}
	const q = canonicalQuery(pairs);
	return base.replace(/\/+$/, '') + path + (q ? '?' + q : '');
}
