// IAM on the wire: temporary keys through an agency (CreateTemporaryAccessKeyByAgency), the
// project listings scoped to the caller's account, and the check that a /v1/{project_id} call is
// made in the caller's own account. Everything else goes on to routes.ts.
//
// IAM's error bodies are `{"error_msg", "error_code": "IAM.xxxx"}`; the codes used here are the
// ones IAM's API pages show in their example answers: IAM.0011 (400, invalid body), IAM.0003
// (403, not allowed), IAM.0004 (404, not found).
import { DEFAULT_DURATION_S, MAX_DURATION_S, MIN_DURATION_S, type Caller } from './iam';
import { route } from './routes';
import type { SimState } from './state';
import { Answer, HttpError, isObject, sdrsError } from './wire';

const iamError = (status: number, code: string, message: string): HttpError => new HttpError(status, { error_msg: message, error_code: code });
const badBody = (why: string): HttpError => iamError(400, 'IAM.0011', `Request body is invalid: ${why}`);

/** Answers a verified request: IAM here, the rest by routes.ts in the caller's account only. */
export function serve(sim: SimState, caller: Caller, method: string, path: string, search: string, body: Buffer): unknown {
	if (method === 'POST' && path === '/v3.0/OS-CREDENTIAL/securitytokens') {
		return assumeRole(sim, caller, body);
	}
	if (method === 'GET' && (path === '/v3/auth/projects' || path === '/v3/projects')) {
		const name = new URLSearchParams(search).get('name');
		const projects = sim.data.projects.filter((p) => p.domain_id === caller.domainId && (!name || p.name === name));
		return { projects: projects.map((p) => ({ ...p, is_domain: false, description: '' })), links: { self: path, next: null, previous: null } };
	}
	const seg = path.split('/');
	if (seg[1] === 'v1' && seg.length >= 4) {
		const project = sim.data.projects.find((p) => p.id === decodeSegment(seg[2]));
		// Another account's project is, to this caller, a project that does not exist.
		if (project && project.domain_id !== caller.domainId) {
			throw sdrsError(400, 'SDRS.0001', 'Invalid tenant ID.');
		}
	}
	return route(sim, method, path, search, body);
}

function decodeSegment(s: string | undefined): string {
	try {
		return decodeURIComponent(s ?? '');
	} catch {
		return s ?? '';
	}
}

/** POST /v3.0/OS-CREDENTIAL/securitytokens with `methods: ["assume_role"]`: 201 and the keys. */
function assumeRole(sim: SimState, caller: Caller, body: Buffer): Answer {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body.toString('utf8'));
	} catch {
		throw badBody('not JSON');
	}
	const identity = isObject(parsed) && isObject(parsed.auth) ? parsed.auth.identity : undefined;
	if (!isObject(identity) || !Array.isArray(identity.methods) || identity.methods.length !== 1 || identity.methods[0] !== 'assume_role' || !isObject(identity.assume_role)) {
		throw badBody('auth.identity.methods must be ["assume_role"], with auth.identity.assume_role');
	}
	const a = identity.assume_role;
	const domainId = typeof a.domain_id === 'string' && a.domain_id ? a.domain_id : undefined;
	const domainName = typeof a.domain_name === 'string' && a.domain_name ? a.domain_name : undefined;
	if (typeof a.agency_name !== 'string' || !a.agency_name || (!domainId && !domainName)) {
		throw badBody('assume_role needs agency_name and domain_id or domain_name');
	}
	const duration = a.duration_seconds === undefined ? DEFAULT_DURATION_S : a.duration_seconds;
	if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < MIN_DURATION_S || duration > MAX_DURATION_S) {
		throw badBody(`duration_seconds must be a whole number from ${MIN_DURATION_S} to ${MAX_DURATION_S}`);
	}
	if (sim.iam.denyAssume.has(caller.accessKey)) {
		throw iamError(403, 'IAM.0003', "Policy doesn't allow iam:tokens:assume to be performed.");
	}
	const owner = sim.iam.account(domainId ? { id: domainId } : { name: domainName });
	const agency = owner && sim.iam.agencies.find((g) => g.owner === owner.id && g.name === a.agency_name);
	if (!owner || !agency) {
		throw iamError(404, 'IAM.0004', 'Could not find agency.');
	}
	if (agency.trusted !== caller.domainId) {
		throw iamError(403, 'IAM.0003', "Policy doesn't allow iam:tokens:assume to be performed: the agency does not trust this account.");
	}
	const keys = sim.iam.issue(owner.id, agency.name, duration, sim.now());
	// IAM writes expires_at with microseconds.
	const expiresAt = new Date(keys.expiresAt).toISOString().replace(/Z$/, '000Z');
	return new Answer(201, { credential: { access: keys.accessKey, secret: keys.secretKey, securitytoken: keys.securityToken, expires_at: expiresAt } });
}

/**
 * POST /__admin/iam: `{ lifetimeMs?: number|null, revoke?: string[], denyAssume?: string[],
 * allowAssume?: string[], expireIssued?: true }`. Inputs are bounded; returns what is in force.
 */
export function iamAdmin(sim: SimState, input: Record<string, unknown>): unknown {
	const bad = (message: string): HttpError => new HttpError(400, { error: { code: 'ADMIN.400', message } });
	const keys = (v: unknown, name: string): string[] => {
		if (v === undefined) {
			return [];
		}
		if (!Array.isArray(v) || v.length > 100 || v.some((k) => typeof k !== 'string' || k.length > 128)) {
			throw bad(`${name} must be an array of at most 100 access keys`);
		}
		return v as string[];
	};
	if (input.lifetimeMs !== undefined) {
		const n = input.lifetimeMs;
		if (n !== null && (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > MAX_DURATION_S * 1000)) {
			throw bad('lifetimeMs must be null or a number of milliseconds up to 24 hours');
		}
		sim.iam.lifetimeMs = n ?? undefined;
	}
	keys(input.revoke, 'revoke').forEach((k) => sim.iam.revoked.add(k));
	keys(input.denyAssume, 'denyAssume').forEach((k) => sim.iam.denyAssume.add(k));
	keys(input.allowAssume, 'allowAssume').forEach((k) => sim.iam.denyAssume.delete(k));
	if (input.expireIssued === true) {
		sim.iam.expireIssued(sim.now());
	}
	return { lifetimeMs: sim.iam.lifetimeMs ?? null, revoked: [...sim.iam.revoked], denyAssume: [...sim.iam.denyAssume], issued: sim.iam.issued.size };
}
