// SDK-HMAC-SHA256 request signing for Huawei Cloud APIs (API Gateway "AK/SK" authentication).
// Algorithm: ../shared/reference/sdrs-api.md §5.1; checked against the official vector and the
// official Node SDK's signer in test/unit/signer.test.ts.
import * as crypto from 'node:crypto';

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

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;

/** RFC 3986 percent-encoding: only A-Z a-z 0-9 - _ . ~ stay as they are; hex is upper-case. */
export function strictEncode(value: string): string {
	// Ids, dates and numbers need no encoding: skip the work (signing is on every request).
	return UNRESERVED.test(value) ? value : encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
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

// An absolute http(s) URL with nothing a URL parser would rewrite: no dot segments, no
// characters it would percent-encode, an explicit or no port. Such URLs (all that buildUrl
// makes) are split by hand, which is several times cheaper than new URL().
const PLAIN_URL = /^(https?):\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?(\/[A-Za-z0-9\-_.~%!$&'()*+,;=:@/]*)?(\?[A-Za-z0-9\-_.~%!$&'()*+,;=:@/?]*)?$/;

/** host (without a default port), pathname and search of a URL, as WHATWG URL would give them. */
export function splitUrl(raw: string): { host: string; pathname: string; search: string } {
	const m = PLAIN_URL.exec(raw);
	const path = m?.[4];
	if (m && (path === undefined || (!path.includes('.') && !path.includes('%')) || !/\/\.\.?(\/|$|\?)|%2e/i.test(path))) {
		const defaultPort = m[1] === 'https' ? '443' : '80';
		const host = m[2].toLowerCase() + (m[3] !== undefined && m[3] !== defaultPort ? `:${m[3]}` : '');
		const search = m[5] === '?' ? '' : (m[5] ?? '');
		return { host, pathname: path ?? '/', search };
	}
	const url = new URL(raw);
	return { host: url.host, pathname: url.pathname, search: url.search };
}

let lastSecond = NaN;
let lastSdkDate = '';

/** `YYYYMMDDTHHMMSSZ` in UTC (the last second's value is reused: requests come in bursts). */
export function formatSdkDate(now: Date): string {
	const second = Math.floor(now.getTime() / 1000);
	if (second !== lastSecond) {
		const iso = now.toISOString(); // 2019-11-15T03:36:55.000Z
		lastSdkDate = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
		lastSecond = second;
	}
	return lastSdkDate;
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

const SAFE_PATH = /^[A-Za-z0-9\-_.~/]*$/;

/** Each path segment decoded, then strictly re-encoded; always ends in `/`. */
export function canonicalUri(pathname: string): string {
	if (SAFE_PATH.test(pathname)) {
		return pathname.endsWith('/') ? pathname : pathname + '/';
	}
	const path = pathname
		.split('/')
		.map((segment) => strictEncode(safeDecode(segment)))
		.join('/');
	return path.endsWith('/') ? path : path + '/';
}

/**
 * Compares strings in UTF-8 byte order without encoding them. UTF-16 order equals UTF-8 order
 * except that surrogates (U+D800–DFFF, i.e. code points above U+FFFF) sort before U+E000–FFFF in
 * UTF-16 and after them in UTF-8; remapping those two ranges fixes it.
 */
export function byteCompare(a: string, b: string): number {
	if (a === b) {
		return 0;
	}
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) {
		let x = a.charCodeAt(i);
		let y = b.charCodeAt(i);
		if (x !== y) {
			if (x >= 0xd800 && y >= 0xd800) {
				x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
				y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
			}
			return x - y;
		}
	}
	return a.length - b.length;
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
	return canonicalQueryInPlace([...pairs]);
}

// A query part already in canonical form: `key=value`, each only unreserved characters and
// upper-case escapes of ASCII characters that must stay escaped (decoding and re-encoding such a
// part gives it back unchanged).
const ESCAPED = '(?:[A-Za-z0-9\\-_.~]|%(?:[01][0-9A-F]|2[0-9A-CF]|3[A-F]|40|5[B-E]|60|7[B-DF]))*';
const CANONICAL_QUERY = new RegExp(`^${ESCAPED}=${ESCAPED}(?:&${ESCAPED}=${ESCAPED})*$`);

/**
 * The canonical query string of a raw one (no `?`): the string itself when it is already
 * canonical (every URL buildUrl makes), which costs a test and a scan instead of a rebuild.
 */
export function canonicalQueryOf(raw: string): string {
	if (CANONICAL_QUERY.test(raw)) {
		// Sorted by decoded key, then decoded value? Decoded text is ASCII here, where UTF-16 order
		// is byte order. Values are decoded only to order a repeated key.
		let sorted = true;
		let prevKey: string | undefined;
		let prevValue = '';
		for (let start = 0; start < raw.length && sorted; ) {
			let end = raw.indexOf('&', start);
			if (end < 0) {
				end = raw.length;
			}
			const eq = raw.indexOf('=', start);
			const key = decodeIfEscaped(raw.slice(start, eq));
			const value = raw.slice(eq + 1, end);
			if (prevKey !== undefined) {
				sorted = prevKey < key || (prevKey === key && decodeIfEscaped(prevValue) <= decodeIfEscaped(value));
			}
			prevKey = key;
			prevValue = value;
			start = end + 1;
		}
		if (sorted) {
			return raw;
		}
	}
	return canonicalQueryInPlace(parseQuery(raw));
}

const decodeIfEscaped = (s: string): string => (s.includes('%') ? decodeURIComponent(s) : s); // ASCII escapes only: cannot throw

function canonicalQueryInPlace(pairs: (readonly [string, string])[]): string {
	const sorted = pairs.sort((a, b) => byteCompare(a[0], b[0]) || byteCompare(a[1], b[1]));
	let out = '';
	for (const [k, v] of sorted) {
		out += `${out === '' ? '' : '&'}${strictEncode(k)}=${strictEncode(v)}`;
	}
	return out;
}

const oneShotHash = (crypto as { hash?: (algorithm: string, data: string | Uint8Array) => string }).hash;

let lastBody: string | undefined;
let lastBodyHash = '';

/** A string body's hash; the last one is remembered (an action POST body is the same every time). */
function bodyHash(body: string | Uint8Array): string {
	if (typeof body !== 'string') {
		return sha256Hex(body);
	}
	if (body !== lastBody) {
		lastBodyHash = sha256Hex(body);
		lastBody = body;
	}
	return lastBodyHash;
}

export function sha256Hex(data: string | Uint8Array): string {
	// crypto.hash (Node 20.12+) is about 3x faster than createHash for small inputs.
	return oneShotHash ? oneShotHash('sha256', data) : crypto.createHash('sha256').update(data).digest('hex');
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
	for (const name in headers) {
		lower.set(name.toLowerCase(), headers[name]);
	}
	const pairs = signedHeaders.map((n): [string, string] => [n.toLowerCase(), lower.get(n.toLowerCase()) ?? '']).sort((a, b) => byteCompare(a[0], b[0]));
	return canonicalFromSorted(
		method,
		pathname,
		search,
		pairs.map((p) => p[0]),
		pairs.map((p) => p[1]),
		payloadHash,
	).canonical;
}

/**
 * The canonical request, and the signed-headers list, from header names already lower-cased and
 * sorted with their values at the same index. The one place both signing and verifying build it.
 */
function canonicalFromSorted(
	method: string,
	pathname: string,
	search: string,
	names: readonly string[],
	values: readonly string[],
	payloadHash: string,
): { canonical: string; signedHeaders: string } {
	let canonicalHeaders = '';
	let signedHeaders = '';
	for (let i = 0; i < names.length; i++) {
		canonicalHeaders += `${names[i]}:${values[i].trim()}\n`;
		signedHeaders += i === 0 ? names[i] : `;${names[i]}`;
	}
	const query = search === '' || search === '?' ? '' : canonicalQueryOf(search.startsWith('?') ? search.slice(1) : search);
	return { canonical: `${method.toUpperCase()}\n${canonicalUri(pathname)}\n${query}\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`, signedHeaders };
}

type OneShot = (algorithm: string, data: Uint8Array, outputEncoding: 'latin1' | 'hex') => string;

/**
 * HMAC-SHA256 (RFC 2104) over the string to sign, with the key's padded blocks prepared once per
 * secret key. The string to sign always has the same length (algorithm, date, hex digest), so
 * each key keeps two buffers it fills in place and hashes with crypto.hash: about twice as fast
 * as createHmac for these short messages. Falls back to createHmac where crypto.hash is missing.
 */
interface HmacPads {
	inner: Buffer; // ipad(64) + message
	outer: Buffer; // opad(64) + inner digest(32)
}

const pads = new Map<string, HmacPads>();
const STRING_TO_SIGN_LENGTH = SIGNING_ALGORITHM.length + 1 + 16 + 1 + 64;

function padsFor(secretKey: string): HmacPads {
	let p = pads.get(secretKey);
	if (!p) {
		if (pads.size >= 16) {
			pads.clear();
		}
		let key = Buffer.from(secretKey, 'utf8');
		if (key.length > 64) {
			key = crypto.createHash('sha256').update(key).digest();
		}
		const inner = Buffer.alloc(64 + STRING_TO_SIGN_LENGTH);
		const outer = Buffer.alloc(64 + 32);
		for (let i = 0; i < 64; i++) {
			const k = i < key.length ? key[i] : 0;
			inner[i] = k ^ 0x36;
			outer[i] = k ^ 0x5c;
		}
		p = { inner, outer };
		pads.set(secretKey, p);
	}
	return p;
}

/** HMAC-SHA256 signature of a canonical request; the SK is the key itself (no derivation). */
export function signatureFor(canonical: string, sdkDate: string, secretKey: string): string {
	const stringToSign = `${SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
	const hash = oneShotHash as OneShot | undefined;
	if (!hash || stringToSign.length !== STRING_TO_SIGN_LENGTH) {
		return crypto.createHmac('sha256', secretKey).update(stringToSign).digest('hex');
	}
	const { inner, outer } = padsFor(secretKey);
	inner.write(stringToSign, 64, 'latin1'); // ASCII only: algorithm, digits, hex
	// A latin1 string carries the 32 digest bytes as they are, and is about twice as cheap to get
	// from crypto.hash as a Buffer.
	outer.write(hash('sha256', inner, 'latin1'), 64, 'latin1');
	return hash('sha256', outer, 'hex');
}

const lowerNames = new Map<string, string>();

/** Lower-cased header names, remembered: the same dozen names are signed on every request. */
function lowerName(name: string): string {
	let lower = lowerNames.get(name);
	if (lower === undefined) {
		lower = name.toLowerCase();
		if (lowerNames.size < 256) {
			lowerNames.set(name, lower);
		}
	}
	return lower;
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
	const url = splitUrl(req.url);
	const sdkDate = formatSdkDate(now);
	const token = creds.securityToken;
	const headers: Record<string, string> = {};
	// The signed headers, lower-cased, kept sorted by name as they are added (a handful at most).
	const names: string[] = [];
	const values: string[] = [];
	const addSigned = (lower: string, value: string): void => {
		let i = names.length;
		while (i > 0 && byteCompare(names[i - 1], lower) > 0) {
			names[i] = names[i - 1];
			values[i] = values[i - 1];
			i--;
		}
		names[i] = lower;
		values[i] = value;
	};
	let hasHost = false;
	let contentSha: string | undefined;
	for (const name in req.headers) {
		const lower = lowerName(name);
		// These are (re)set below; any given value is dropped.
		if (lower === 'authorization' || lower === 'x-sdk-date' || (lower === 'x-security-token' && token)) {
			continue;
		}
		const value = req.headers[name];
		if (lower === 'host') {
			hasHost = true;
		} else if (lower === 'x-sdk-content-sha256') {
			contentSha = value;
		}
		headers[name] = value;
		if (!name.includes('_')) {
			addSigned(lower, value);
		}
	}
	if (!hasHost) {
		headers.Host = url.host;
		addSigned('host', url.host);
	}
	headers['X-Sdk-Date'] = sdkDate;
	addSigned('x-sdk-date', sdkDate);
	if (token) {
		headers['X-Security-Token'] = token;
		addSigned('x-security-token', token);
	}
	const body = req.body;
	const payloadHash = contentSha ?? (body === undefined || body.length === 0 ? EMPTY_BODY_SHA256 : bodyHash(body));
	const { canonical, signedHeaders } = canonicalFromSorted(req.method, url.pathname, url.search, names, values, payloadHash);
	headers.Authorization = `${SIGNING_ALGORITHM} Access=${creds.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signatureFor(canonical, sdkDate, creds.secretKey)}`;
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
