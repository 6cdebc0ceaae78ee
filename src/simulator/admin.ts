// The admin API under /__admin/: the programmatic controls (reset, config, groups, servers,
// projects, bulk data, stats) over HTTP, for a simulator in another process. Unsigned.
import type { SimState } from './state';
import { HttpError, text } from './wire';

export function admin(sim: SimState, method: string, path: string, body: Buffer): unknown {
	const input: Record<string, unknown> = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
	const parts = path.split('/').slice(2);
	if (method === 'GET' && parts[0] === 'stats') {
		return sim.stats;
	}
	if (method === 'POST' && parts[0] === 'reset') {
		sim.reset();
		return { ok: true };
	}
	if (method === 'POST' && parts[0] === 'config') {
		sim.configure(input);
		return { ok: true };
	}
	if (method === 'GET' && parts[0] === 'groups') {
		return { groups: sim.groups() };
	}
	if (method === 'POST' && parts[0] === 'groups' && parts[1]) {
		return sim.patchGroup(decodeURIComponent(parts[1]), input);
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
		sim.bulkAddGroups(text(input.projectId), Number(input.count), input.status ? text(input.status) : undefined);
		return { ok: true };
	}
	throw new HttpError(404, { error: { code: 'ADMIN.404', message: `unknown admin call ${method} ${path}` } });
}
