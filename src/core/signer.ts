// SDK-HMAC-SHA256 request signing for Huawei Cloud APIs (API Gateway "AK/SK" authentication).
// Algorithm: Huawei Cloud's API signing guide (SDK-HMAC-SHA256); checked against the official vector and the
// official Node SDK's signer in test/unit/signer.test.ts. No state: nothing outlives a call.
import * as crypto from 'node:crypto';

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';

export interface Credentials {
	accessKey: string;
	secretKey: string;
	securityToken?: string;
}

/** RFC 3986 percent-encoding: only A-Z a-z 0-9 - _ . ~ stay as they are; hex is upper-case. */
export function strictEncode(value: string): string {
	if (/^[A-Za-z0-9\-_.~]*$/.test(value)) {
		return value; // ids, dates and numbers
	}
	return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function safeDecode(value: string): string {
	if (!value.includes('%')) {
		return value;
	}
	try {
		return decodeURIComponent(value);
	} catch {
		return value; // a stray '%' is signed as the literal character
	}
}

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function formatSdkDate(now: Date): string {
	return now
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d{3}/, '');
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

/**
 * Compares strings in UTF-8 byte order, as the algorithm sorts names and values. UTF-16 order is
 * the same except that surrogates (code points above U+FFFF) sort after U+E000–FFFF in UTF-8.
 */
export function byteCompare(a: string, b: string): number {
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) {
		const x = a.charCodeAt(i);
		const y = b.charCodeAt(i);
		if (x !== y) {
			const rank = (c: number): number => (c >= 0xd800 && c < 0xe000 ? c + 0x2000 : c >= 0xe000 ? c - 0x800 : c);
			return rank(x) - rank(y);
		}
	}
	return a.length - b.length;
}

/** Decoded `[key, value]` pairs of a raw query string (`?` optional). `+` is taken literally. */
export function parseQuery(search: string): [string, string][] {
	const raw = search.startsWith('?') ? search.slice(1) : search;
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
	return crypto.createHash('sha256').update(data).digest('hex');
}

/**
 * The canonical request string, the one place signing and verifying build it. `headers` must
 * hold every signed header (any case); `signedHeaders` are the names, in any order and case.
 */
export function canonicalRequest(method: string, pathname: string, search: string, headers: Record<string, string>, signedHeaders: readonly string[], payloadHash: string): string {
	const values = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
	const names = signedHeaders.map((n) => n.toLowerCase()).sort(byteCompare);
	const canonicalHeaders = names.map((n) => `${n}:${(values.get(n) ?? '').trim()}\n`).join('');
	return [method.toUpperCase(), canonicalUri(pathname), canonicalQuery(parseQuery(search)), canonicalHeaders, names.join(';'), payloadHash].join('\n');
}

/** HMAC-SHA256 signature of a canonical request; the SK is the key itself (no derivation). */
export function signatureFor(canonical: string, sdkDate: string, secretKey: string): string {
	const stringToSign = `${SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
	return crypto.createHmac('sha256', secretKey).update(stringToSign).digest('hex');
}

/**
 * Signs a request and returns every header to send: the given ones plus `Host` (from the URL
 * unless given), `X-Sdk-Date`, `X-Security-Token` (temporary credentials) and `Authorization`.
 * Every returned header except `Authorization` is signed, except names containing `_`.
 * The body hash covers the exact bytes given, unless `X-Sdk-Content-Sha256` is set.
 */
export function signRequest(req: { method: string; url: string; headers: Record<string, string>; body?: string | Uint8Array }, creds: Credentials, now: Date): Record<string, string> {
	const url = new URL(req.url);
	const sdkDate = formatSdkDate(now);
	const replaced = new Set(['authorization', 'x-sdk-date', ...(creds.securityToken ? ['x-security-token'] : [])]);
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (!replaced.has(name.toLowerCase())) {
			headers[name] = value;
		}
	}
	const given = (lower: string): string | undefined => Object.entries(headers).find(([n]) => n.toLowerCase() === lower)?.[1];
	if (given('host') === undefined) {
		headers.Host = url.host;
	}
	headers['X-Sdk-Date'] = sdkDate;
	if (creds.securityToken) {
		headers['X-Security-Token'] = creds.securityToken;
	}
	const signed = Object.keys(headers).filter((name) => !name.includes('_'));
	const payloadHash = given('x-sdk-content-sha256') ?? sha256Hex(req.body ?? '');
	const canonical = canonicalRequest(req.method, url.pathname, url.search, headers, signed, payloadHash);
	const signedHeaders = signed
		.map((n) => n.toLowerCase())
		.sort(byteCompare)
		.join(';');
	headers.Authorization = `${SIGNING_ALGORITHM} Access=${creds.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signatureFor(canonical, sdkDate, creds.secretKey)}`;
	return headers;
}

/** Parses an `Authorization` header of this algorithm; undefined when it is not one. */
export function parseAuthorization(value: string): { accessKey: string; signedHeaders: string[]; signature: string } | undefined {
	const m = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/.exec(value.trim());
	return m ? { accessKey: m[1], signedHeaders: m[2].split(';'), signature: m[3] } : undefined;
}

/**
 * An absolute URL path from raw segments, each strictly encoded, so ids with `/` or `%` stay one
 * segment. Empty, `.` and `..` segments are refused: URL parsers resolve them, even encoded.
 */
export function encodePath(...segments: string[]): string {
	for (const s of segments) {
		if (s === '' || s === '.' || s === '..' || /^(%2e|\.){1,2}$/i.test(s)) {
			throw new RangeError(`“${s}” cannot be used as an id in a URL path`);
		}
	}
	return '/' + segments.map(strictEncode).join('/');
}

/**
 * Builds a URL from a base, an encoded path (see `encodePath`) and a query, written in its
 * canonical form so what is sent is what is signed.
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
