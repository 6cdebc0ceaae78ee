// The admin API under /__admin/: the programmatic controls (reset, config, groups, servers,
// projects, bulk data, stats, iam) over HTTP, for a simulator in another process. The server lets a
// call through only with this run's token (simulator.ts); every input is bounded here.
import type { FaultRule } from './faults';
import { iamAdmin } from './iamRoutes';
import type { SimState } from './state';
import { HttpError, isObject, text } from './wire';

const bad = (message: string): HttpError => new HttpError(400, { error: { code: 'ADMIN.400', message } });
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const GROUP_FIELDS = new Set([
	'name',
	'description',
	'status',
	'progress',
	'source_availability_zone',
	'target_availability_zone',
	'priority_station',
	'replication_num',
	'protected_instance_num',
	'disaster_recovery_drill_num',
	'last_drill_at',
	'nextOutcome',
	'jobDurationMs',
	'projectId',
]);
const MAX_BULK = 20_000;
const MAX_GROUPS = 100_000;

/** A JSON object with no prototype keys anywhere (a patch must not reach Object.prototype). */
function parseInput(body: Buffer): Record<string, unknown> {
	if (!body.length) {
		return {};
	}
	let value: unknown;
	try {
		value = JSON.parse(body.toString('utf8'), (key, v: unknown) => {
			if (FORBIDDEN_KEYS.has(key)) {
				throw bad(`the key ${key} is not accepted`);
			}
			return v;
		});
	} catch (e) {
		throw e instanceof HttpError ? e : bad('the body is not JSON');
	}
	if (!isObject(value)) {
		throw bad('the body must be a JSON object');
	}
	return value;
}

/**
 * Fault rules from outside: a `match` pattern is run against every request, so it is short and
 * has no nested quantifier (a catastrophic pattern such as (a+)+ would stall the event loop).
 */
function checkFaults(faults: unknown): FaultRule[] {
	if (!Array.isArray(faults) || faults.length > 50) {
		throw bad('faults must be an array of at most 50 rules');
	}
	for (const f of faults) {
		const match = isObject(f) ? f.match : undefined;
		if (typeof match !== 'string' || match.length > 200 || /\([^)]*[+*}][^)]*\)\s*[+*{]/.test(match) || /(\\[wWdDsS.]|[.\]])[+*]\s*[+*{]/.test(match)) {
			throw bad('a fault match must be a regular expression of at most 200 characters without nested quantifiers');
		}
		try {
			new RegExp(match);
		} catch {
			throw bad(`not a regular expression: ${match}`);
		}
	}
	return faults as FaultRule[];
}

export function admin(sim: SimState, method: string, path: string, body: Buffer): unknown {
	const input = parseInput(body);
	const parts = path.split('/').slice(2);
	if (method === 'GET' && parts[0] === 'stats') {
		return sim.stats;
	}
	if (method === 'POST' && parts[0] === 'reset') {
		sim.reset();
		return { ok: true };
	}
	if (method === 'POST' && parts[0] === 'config') {
		const patch: Parameters<SimState['configure']>[0] = {};
		for (const key of ['jobDurationMs', 'clockOffsetMs', 'latencyMs', 'randomSeed', 'transitionDelayMs'] as const) {
			if (input[key] !== undefined) {
				const n = Number(input[key]);
				if (!Number.isFinite(n) || Math.abs(n) > 7 * 86_400_000) {
					throw bad(`${key} must be a number of milliseconds`);
				}
				patch[key] = n;
			}
		}
		if (input.countMode !== undefined) {
			if (input.countMode !== 'total' && input.countMode !== 'page') {
				throw bad('countMode must be total or page');
			}
			patch.countMode = input.countMode;
		}
		if (input.paging !== undefined) {
			if (input.paging !== 'honoured' && input.paging !== 'ignoreOffset' && input.paging !== 'ignoreOffsetAndLimit') {
				throw bad('paging must be honoured, ignoreOffset or ignoreOffsetAndLimit');
			}
			patch.paging = input.paging;
		}
		if (input.faults !== undefined) {
			patch.faults = checkFaults(input.faults);
		}
		sim.configure(patch);
		return { ok: true };
	}
	if (method === 'POST' && parts[0] === 'iam') {
		return iamAdmin(sim, input);
	}
	if (method === 'GET' && parts[0] === 'groups') {
		return { groups: sim.groups() };
	}
	if (method === 'POST' && parts[0] === 'groups' && parts[1]) {
		const unknown = Object.keys(input).filter((k) => !GROUP_FIELDS.has(k));
		if (unknown.length) {
			throw bad(`unknown group fields: ${unknown.join(', ')}`);
		}
		return sim.patchGroup(decodeURIComponent(parts[1]), input);
	}
	if (method === 'POST' && parts[0] === 'instances' && parts[1]) {
		const unknown = Object.keys(input).filter((k) => !['name', 'sourceServer', 'targetServer'].includes(k));
		if (unknown.length || Object.values(input).some((v) => typeof v !== 'string')) {
			throw bad('an instance patch takes name, sourceServer and targetServer, as strings');
		}
		return sim.patchInstance(decodeURIComponent(parts[1]), input);
	}
	if (method === 'POST' && parts[0] === 'stop-dr-servers' && parts[1]) {
		sim.stopDrServers(decodeURIComponent(parts[1]));
		return { ok: true };
	}
	if (method === 'POST' && parts[0] === 'servers' && parts[1]) {
		sim.setServerStatus(decodeURIComponent(parts[1]), text(input.status));
		return { ok: true };
	}
	if (method === 'POST' && parts[0] === 'projects') {
		if (typeof input.region !== 'string' || !/^[a-z0-9-]+$/.test(input.region)) {
			throw new HttpError(400, { error: { code: 'ADMIN.400', message: 'region must be a region ID such as cn-north-4' } });
		}
		return { id: sim.addProject(input.region) };
	}
	if (method === 'POST' && parts[0] === 'bulk') {
		const count = Number(input.count);
		if (!Number.isInteger(count) || count < 1 || count > MAX_BULK || sim.groups().length + count > MAX_GROUPS) {
			throw bad(`count must be a whole number from 1 to ${MAX_BULK}, and the account holds at most ${MAX_GROUPS} groups`);
		}
		sim.bulkAddGroups(text(input.projectId), Number(input.count), input.status ? text(input.status) : undefined);
		return { ok: true };
	}
	throw new HttpError(404, { error: { code: 'ADMIN.404', message: `unknown admin call ${method} ${path}` } });
}
