// Where each service lives: the public region table (sdrs-api.md §7) and per-service URL
// templates for private clouds (Huawei Cloud Stack) and the simulator.
import { SdrsError } from './errors';

export type Service = 'iam' | 'sdrs' | 'ecs' | 'vpc';

export interface EndpointOverrides {
	iam?: string;
	sdrs?: string;
	ecs?: string;
	vpc?: string;
}

/** Regions whose BRS/SDRS endpoint is documented, with their display names. */
export const REGIONS: Readonly<Record<string, string>> = {
	'cn-north-4': 'CN North-Beijing4',
	'cn-east-3': 'CN East-Shanghai1',
	'cn-east-2': 'CN East-Shanghai2',
	'cn-south-1': 'CN South-Guangzhou',
	'ap-southeast-3': 'AP-Singapore',
	'ap-southeast-2': 'AP-Bangkok',
	'af-south-1': 'AF-Johannesburg',
	'sa-brazil-1': 'LA-Sao Paulo1',
	'la-south-2': 'LA-Santiago',
	'la-north-2': 'LA-Mexico City2',
	'tr-west-1': 'TR-Istanbul',
};

const DEFAULTS: Record<Service, string> = {
	iam: 'https://iam.myhuaweicloud.com',
	sdrs: 'https://sdrs.{region}.myhuaweicloud.com',
	ecs: 'https://ecs.{region}.myhuaweicloud.com',
	vpc: 'https://vpc.{region}.myhuaweicloud.com',
};

/** Loopback hosts: the only ones plain http is allowed for. */
export function isLoopbackHost(hostname: string): boolean {
	const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Validates an endpoint URL: https anywhere, http only on a loopback host, nothing else.
 * Returns the URL without a trailing slash. Throws a `config` SdrsError.
 */
export function checkEndpoint(url: string, service: string): string {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new SdrsError(`The ${service} endpoint “${url}” is not a valid URL.`, 'config');
	}
	if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
		throw new SdrsError(`Plain http is refused for ${parsed.host}: credentials and signatures would travel unencrypted. Use https (plain http is allowed only for loopback addresses).`, 'config');
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		throw new SdrsError(`The ${service} endpoint must use https, not ${parsed.protocol}`, 'config');
	}
	if (parsed.username || parsed.password) {
		throw new SdrsError(`The ${service} endpoint must not contain a user name or password.`, 'config');
	}
	if (parsed.search || parsed.hash || url.includes('?') || url.includes('#')) {
		throw new SdrsError(`The ${service} endpoint must not contain a query or a fragment: it is the start of every request's URL.`, 'config');
	}
	return url.replace(/\/+$/, '');
}

/** The base URL of a service in a region, from the override template if there is one. */
export function endpointFor(service: Service, region: string, overrides?: EndpointOverrides): string {
	const template = overrides?.[service]?.trim() || DEFAULTS[service];
	if (!/^[a-z0-9-]+$/i.test(region) && template.includes('{region}')) {
		throw new SdrsError(`“${region}” is not a region ID.`, 'config');
	}
	return checkEndpoint(template.replace(/\{region\}/g, region), service);
}

/**
 * Whether a host is one of Huawei Cloud's public endpoints for the documented regions (the hosts
 * the default templates give). Keys go to any other host only after the user allowed it.
 */
export function isPublicEndpointHost(host: string): boolean {
	const h = host.toLowerCase();
	return Object.keys(REGIONS).some((region) => (['iam', 'sdrs', 'ecs', 'vpc'] as const).some((service) => new URL(DEFAULTS[service].replace('{region}', region)).host === h));
}

export function regionName(region: string): string | undefined {
	return REGIONS[region];
}

/** The console page of a protection group (public cloud only). */
export function consoleUrl(region: string, groupId: string): string {
	return `https://console.huaweicloud.com/sdrs/?region=${encodeURIComponent(region)}#/sdrs/manager/groupDetail/${encodeURIComponent(groupId)}`;
}
