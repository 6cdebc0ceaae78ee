// Authentication as the API gateway does it: SDK-HMAC-SHA256 signatures checked against the
// canonical request (the signer's own canonicalRequest, so both sides build it one way), the
// 15-minute date window, temporary credentials and their security token.
import type { IncomingMessage } from 'node:http';
import { canonicalRequest, parseAuthorization, parseSdkDate, sha256Hex, signatureFor } from '../core/signer';
import { DEMO_ACCOUNT, type Caller, type IamState } from './iam';
import type { SimState } from './state';
import { gatewayError } from './wire';

/** The seeded demo account's keys (simulator only; not a real credential). */
export const DEMO_CREDENTIALS = { accessKey: 'SIMDEMOAK0000000SDRS', secretKey: 'SimulatorDemoSecretKeyNotARealKey0000000' };

const DATE_WINDOW_MS = 15 * 60_000;

/** What an access key stands for: its secret, its account and, if temporary, its token and end. */
export function lookupKey(
	iam: IamState,
	temporary: Record<string, { secretKey: string; securityToken: string; expiresAt: number }>,
	accessKey: string,
): { secretKey: string; domainId: string; securityToken?: string; expiresAt?: number } | undefined {
	if (iam.revoked.has(accessKey)) {
		return undefined;
	}
	if (accessKey === DEMO_CREDENTIALS.accessKey) {
		return { secretKey: DEMO_CREDENTIALS.secretKey, domainId: DEMO_ACCOUNT.id };
	}
	const configured = temporary[accessKey];
	return configured ? { ...configured, domainId: DEMO_ACCOUNT.id } : iam.issued.get(accessKey);
}

/** Verifies a request's signature, date and token; returns who signed it (or throws a gateway 401). */
export function verify(sim: SimState, req: IncomingMessage, method: string, path: string, search: string, body: Buffer): Caller {
	const fail = (code: string, message: string): never => {
		sim.stats.authFailures++;
		throw gatewayError(401, code, message);
	};
	const auth = parseAuthorization(String(req.headers.authorization ?? ''));
	if (!auth) {
		return fail('APIGW.0301', 'Incorrect IAM authentication information: Authorization header missing or not SDK-HMAC-SHA256');
	}
	const key = lookupKey(sim.iam, sim.options.temporaryCredentials, auth.accessKey);
	const temp = key?.securityToken !== undefined ? { securityToken: key.securityToken, expiresAt: key.expiresAt ?? 0 } : undefined;
	const secret = key?.secretKey;
	if (!key || !secret) {
		return fail('APIGW.0301', 'Incorrect IAM authentication information: ak not found');
	}
	const signed = new Set(auth.signedHeaders);
	const sdkDate = String(req.headers['x-sdk-date'] ?? '');
	if (!signed.has('x-sdk-date') || !signed.has('host')) {
		return fail('APIGW.0301', 'Incorrect IAM authentication information: host and x-sdk-date must be signed');
	}
	const date = parseSdkDate(sdkDate);
	if (!date) {
		return fail('APIGW.0301', 'Incorrect IAM authentication information: x-sdk-date is malformed');
	}
	if (Math.abs(date.getTime() - sim.now()) > DATE_WINDOW_MS) {
		return fail('APIGW.0201', 'Request expired: x-sdk-date is more than 15 minutes from the server time');
	}
	if (temp) {
		if (String(req.headers['x-security-token'] ?? '') !== temp.securityToken || !signed.has('x-security-token')) {
			return fail('APIGW.0301', 'Incorrect IAM authentication information: invalid or unsigned security token');
		}
		if (temp.expiresAt < sim.now()) {
			return fail('APIGW.0301', 'Incorrect IAM authentication information: the security token has expired');
		}
	}
	const headers: Record<string, string> = {};
	for (const name of signed) {
		const v = req.headers[name];
		if (v === undefined) {
			return fail('APIGW.0301', `Incorrect IAM authentication information: signed header ${name} is missing`);
		}
		headers[name] = Array.isArray(v) ? v.join(',') : v;
	}
	const payloadHash = headers['x-sdk-content-sha256'] ?? sha256Hex(body);
	const canonical = canonicalRequest(method, path, search, headers, [...signed], payloadHash);
	if (signatureFor(canonical, sdkDate, secret) !== auth.signature) {
		return fail('APIGW.0301', `Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest: ${canonical.replace(/\n/g, '|')}`);
	}
	return { accessKey: auth.accessKey, domainId: key.domainId, temporary: temp !== undefined };
}
