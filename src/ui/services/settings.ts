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

/** The bounds of the numeric settings (package.json states the same minimum and maximum). */
export const LIMITS = {
	jobTimeoutMinutes: { def: 30, min: 5, max: 1440 },
	requestTimeoutSeconds: { def: 30, min: 10, max: 600 },
	maxConcurrentRequests: { def: 4, min: 1, max: 16 },
} as const;

export function readSettings(): Settings {
	const c = vscode.workspace.getConfiguration('sdrs');
	// The settings that change what an action does (how long a request or a job is waited for, how
	// many are sent at once) and where keys go are application-scoped: a folder's
	// .vscode/settings.json cannot set them, and only the user's own value is read here, whatever
	// the editor lets through.
	const user = <T>(key: string): T | undefined => c.inspect<T>(key)?.globalValue;
	const num = (key: string, { def, min, max }: { def: number; min: number; max: number }): number => {
		const v = user<unknown>(key);
		return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : def;
	};
	// Regions and projects may come from a folder, except in Restricted Mode (VS Code leaves out a
	// restricted setting's workspace value there; read the user's value to be sure).
	const strings = (key: string): string[] => {
		const v = vscode.workspace.isTrusted ? c.get<unknown>(key, []) : user<unknown>(key);
		return (Array.isArray(v) ? v : []).filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
	};
	return {
		regions: strings('regions'),
		projects: strings('projects'),
		endpoints: userEndpoints(user<unknown>('endpoints')),
		jobTimeoutMs: num('jobs.timeoutMinutes', LIMITS.jobTimeoutMinutes) * 60_000,
		requestTimeoutMs: num('requestTimeoutSeconds', LIMITS.requestTimeoutSeconds) * 1000,
		maxConcurrentRequests: Math.round(num('maxConcurrentRequests', LIMITS.maxConcurrentRequests)),
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

/** The projects the settings show (sdrs.regions, then sdrs.projects by id or name): the tree and every picker. */
export function visibleProjects<P extends { id: string; name: string; region: string }>(projects: readonly P[], settings: Pick<Settings, 'regions' | 'projects'> = readSettings()): P[] {
	return projects.filter(
		(p) => (settings.regions.length === 0 || settings.regions.includes(p.region)) && (settings.projects.length === 0 || settings.projects.includes(p.id) || settings.projects.includes(p.name)),
	);
}
