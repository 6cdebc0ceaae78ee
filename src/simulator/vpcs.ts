// The VPC service's v1 list, GET /v1/{project_id}/vpcs (the `vpc` endpoint, on the same port):
// the VPC v1 model's fields, the `id` filter, and marker/limit paging (the page starts after the
// VPC named by `marker`; limit 0 to 2^31-1, default 2000).
import type { SimVpc } from './seed';
import type { SimState } from './state';
import { HttpError } from './wire';

const DEFAULT_LIMIT = 2000;

// INFERRED: the VPC service's error body for a bad parameter (top-level code and message).
const bad = (message: string): HttpError => new HttpError(400, { code: 'VPC.0002', message });

export function vpcView(v: SimVpc): Record<string, unknown> {
	const at = v.created_at.replace(/\.\d{3}Z$/, '');
	return {
		id: v.id,
		name: v.name,
		cidr: v.cidr,
		description: '',
		routes: [],
		status: v.status,
		enterprise_project_id: '0',
		tenant_id: v.projectId,
		created_at: at,
		updated_at: at,
		block_service_endpoint_states: 'off',
		enable_network_address_usage_metrics: false,
	};
}

export function listVpcs(sim: SimState, projectId: string, query: Map<string, string>): unknown {
	const raw = query.get('limit');
	const limit = raw === undefined || raw === '' ? DEFAULT_LIMIT : Number(raw);
	if (!Number.isInteger(limit) || limit < 0 || limit > 2 ** 31 - 1) {
		throw bad('Invalid limit: it must be an integer from 0 to 2147483647.');
	}
	const id = query.get('id');
	const vpcs = sim.data.vpcs.filter((v) => v.projectId === projectId && (!id || v.id === id));
	let start = 0;
	const marker = query.get('marker');
	if (marker) {
		const at = vpcs.findIndex((v) => v.id === marker);
		if (at < 0) {
			throw bad('Invalid marker: no VPC with this ID.');
		}
		start = at + 1;
	}
	// INFERRED: limit 0 is read as "no page size given".
	return { vpcs: vpcs.slice(start, start + (limit === 0 ? DEFAULT_LIMIT : limit)).map(vpcView) };
}
