// The extension's settings, read and bounded in one place.
import * as vscode from 'vscode';
import type { EndpointOverrides } from '../../core/endpoints';

export interface Settings {
	regions: string[];
	projects: string[];
	endpoints: EndpointOverrides;
	jobTimeoutMs: number;
	requestTimeoutMs: number;
	maxConcurrentRequests: number;
}

export function readSettings(): Settings {
	const c = vscode.workspace.getConfiguration('sdrs');
	const num = (key: string, def: number, min: number, max: number): number => {
		const v = c.get<number>(key, def);
		return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : def;
	};
	const strings = (key: string): string[] => (c.get<unknown[]>(key, []) ?? []).filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
	return {
		regions: strings('regions'),
		projects: strings('projects'),
		// Where keys go: from the user's own settings only. The setting is application-scoped (a
		// folder's .vscode/settings.json cannot set it), and a value from anywhere else is ignored.
		endpoints: userEndpoints(c.inspect<unknown>('endpoints')?.globalValue),
		jobTimeoutMs: num('jobs.timeoutMinutes', 30, 1, 1440) * 60_000,
		requestTimeoutMs: num('requestTimeoutSeconds', 30, 1, 600) * 1000,
		maxConcurrentRequests: Math.round(num('maxConcurrentRequests', 4, 1, 32)),
	};
}

function userEndpoints(value: unknown): EndpointOverrides {
	if (value === null || typeof value !== 'object') {
		return {};
	}
	const v = value as Record<string, unknown>;
	const pick = (k: 'iam' | 'sdrs' | 'ecs' | 'vpc'): string | undefined => (typeof v[k] === 'string' && v[k].trim() ? v[k].trim() : undefined);
	return { iam: pick('iam'), sdrs: pick('sdrs'), ecs: pick('ecs'), vpc: pick('vpc') };
}
