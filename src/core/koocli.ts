// Reads KooCLI's profiles (`~/.hcloud/config.json`, sdrs-api.md §5.3) so they can be imported:
// names, modes, regions, project IDs and agency fields always; keys only when KooCLI stores them
// in clear (`"authEncrypt": "false"`), since its encryption scheme is not public. The file is
// JSON written by another program and read as hostile input: its size and nesting are bounded,
// only the documented fields are read (each checked for its type and shape, the rest ignored),
// nothing in it is executed or merged into an object, and control and bidirectional characters
// are taken out of every name. This module does no I/O: the caller reads the file.
import { SdrsError } from './errors';
import type { Credentials } from './signer';

export const MAX_CONFIG_BYTES = 1024 * 1024;
const MAX_DEPTH = 32;
const MAX_PROFILES = 500;
const MAX_NAME = 64;

/** How an importable profile signs: its own keys, temporary keys, or its keys assuming an agency. */
export type KooCliMode = 'aksk' | 'temporary' | 'assume-role';

export interface KooCliProfile {
	name: string;
	mode: KooCliMode;
	/** KooCLI's `current` profile. */
	current: boolean;
	region?: string;
	projectId?: string;
	domainId?: string;
	/** For `assume-role`: the agency the profile's keys assume. */
	agency?: { domainId?: string; domainName?: string; agencyName: string };
	/** The keys in clear (only with `"authEncrypt": "false"` and keys of the right shape). */
	keys?: Credentials;
	/** The access key when it is readable although the secret key is not (shown to help the user). */
	accessKeyHint?: string;
	/** True when the secret key (and the access key, unless hinted) must be typed in. */
	needsKeys: boolean;
}

export interface KooCliUnsupported {
	name: string;
	mode: string;
	why: string;
}

export interface KooCliImport {
	/** Whether KooCLI encrypts the keys in this file (anything but `"authEncrypt": "false"`). */
	encrypted: boolean;
	profiles: KooCliProfile[];
	unsupported: KooCliUnsupported[];
	/** Entries skipped and fields ignored, in words (names already neutralised). */
	warnings: string[];
}

const DROP = new Set(['__proto__', 'constructor', 'prototype']);
// C0/C1 controls, bidi marks, overrides and isolates, zero-width characters and the BOM.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const PRINTABLE = /^[\x21-\x7e]+$/;

/** A name from the file as plain visible text: invisible characters out, trimmed, capped. */
export function neutralizeName(value: string, max = MAX_NAME): string {
	const s = value
		.replace(/[\t\r\n\v\f\u0085\u2028\u2029]+/g, ' ')
		.replace(INVISIBLE, '')
		.replace(/\s+/g, ' ')
		.trim();
	return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Whether JSON text nests deeper than `max` (counted outside strings, in one pass). */
function nestsDeeper(text: string, max: number): boolean {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 0x5c) {
				i++; // an escaped character
			} else if (c === 0x22) {
				inString = false;
			}
		} else if (c === 0x22) {
			inString = true;
		} else if (c === 0x7b || c === 0x5b) {
			if (++depth > max) {
				return true;
			}
		} else if (c === 0x7d || c === 0x5d) {
			depth--;
		}
	}
	return false;
}

function own(o: Record<string, unknown>, key: string): unknown {
	return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, key: string, max = 1024): string | undefined {
	const v = own(o, key);
	return typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined;
}

const REGION = /^[a-z]{2,4}(-[a-z0-9]+){1,4}$/;
const ID = /^[A-Za-z0-9]{1,64}$/;

/**
 * Parses the content of KooCLI's config.json. Throws a `config` SdrsError when the file as a
 * whole cannot be read (too large, too deep, not JSON, no profile list); any single bad profile
 * or field is skipped and named in `warnings`.
 */
export function parseKooCliConfig(content: string | Uint8Array): KooCliImport {
	const size = typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : content.byteLength;
	if (size > MAX_CONFIG_BYTES) {
		throw new SdrsError(`KooCLI's config.json is larger than ${MAX_CONFIG_BYTES / 1024} KB; it is not read.`, 'config');
	}
	const text = (typeof content === 'string' ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8')).replace(/^\ufeff/, '');
	if (nestsDeeper(text, MAX_DEPTH)) {
		throw new SdrsError(`KooCLI's config.json nests deeper than ${MAX_DEPTH} levels; it is not read.`, 'config');
	}
	let root: unknown;
	try {
		// Prototype keys are dropped as the file is read, wherever they are.
		root = JSON.parse(text, (key, value: unknown) => (DROP.has(key) ? undefined : value));
	} catch {
		throw new SdrsError("KooCLI's config.json is not valid JSON.", 'config');
	}
	if (!isRecord(root) || !Array.isArray(own(root, 'profiles'))) {
		throw new SdrsError("KooCLI's config.json has no list of profiles.", 'config');
	}
	const authEncrypt = own(root, 'authEncrypt');
	const encrypted = !(authEncrypt === 'false' || authEncrypt === false);
	const currentRaw = str(root, 'current');
	const current = currentRaw === undefined ? undefined : neutralizeName(currentRaw);
	const result: KooCliImport = { encrypted, profiles: [], unsupported: [], warnings: [] };
	const seen = new Set<string>();
	const entries = own(root, 'profiles') as unknown[];
	if (entries.length > MAX_PROFILES) {
		result.warnings.push(`Only the first ${MAX_PROFILES} of ${entries.length} profiles are read.`);
	}
	entries.slice(0, MAX_PROFILES).forEach((entry, index) => {
		if (!isRecord(entry)) {
			result.warnings.push(`Profile ${index + 1} is not an object; skipped.`);
			return;
		}
		const rawName = str(entry, 'name');
		const name = rawName === undefined ? '' : neutralizeName(rawName);
		if (!name) {
			result.warnings.push(`Profile ${index + 1} has no name; skipped.`);
			return;
		}
		if (seen.has(name)) {
			result.warnings.push(`A second profile named “${name}” is skipped.`);
			return;
		}
		seen.add(name);
		const read = readProfile(entry, name, encrypted, result.warnings);
		if ('why' in read) {
			result.unsupported.push(read);
		} else {
			result.profiles.push({ ...read, current: name === current });
		}
	});
	return result;
}

function readProfile(p: Record<string, unknown>, name: string, encrypted: boolean, warnings: string[]): Omit<KooCliProfile, 'current'> | KooCliUnsupported {
	const modeRaw = str(p, 'mode', 64);
	const mode = modeRaw === undefined ? 'AKSK' : neutralizeName(modeRaw, 32);
	switch (mode.toLowerCase()) {
		case 'aksk':
			break;
		case 'ecsagency':
			return { name, mode, why: 'its keys come from the metadata service of the ECS that KooCLI runs on; they are not in the file.' };
		case 'sso':
			return { name, mode, why: 'its keys come from an IAM Identity Center (SSO) sign-in that KooCLI renews; sign in with KooCLI and add the keys, or use an agency profile.' };
		default:
			return { name, mode, why: `KooCLI does not document the mode “${mode}”.` };
	}
	const field = (key: string, pattern: RegExp, max: number): string | undefined => {
		const v = str(p, key, max);
		if (v !== undefined && !pattern.test(v)) {
			warnings.push(`“${name}”: ${key} is not of the expected form; ignored.`);
			return undefined;
		}
		return v;
	};
	const region = field('region', REGION, 32);
	const projectId = field('projectId', ID, 64);
	const domainId = field('domainId', ID, 64);
	const agencyName = str(p, 'agencyName', 256);
	const agencyDomainId = field('agencyDomainId', ID, 64);
	const agencyDomainNameRaw = str(p, 'agencyDomainName', 256);
	const agencyDomainName = agencyDomainNameRaw === undefined ? undefined : neutralizeName(agencyDomainNameRaw) || undefined;
	const agency =
		agencyName && neutralizeName(agencyName) && (agencyDomainId || agencyDomainName) ? { domainId: agencyDomainId, domainName: agencyDomainName, agencyName: neutralizeName(agencyName) } : undefined;
	if (agencyName && !agency) {
		warnings.push(`“${name}”: an agency name without the delegating account; the agency is ignored.`);
	}
	const accessKey = str(p, 'accessKeyId', 128);
	const secretKey = str(p, 'secretAccessKey', 512);
	const securityToken = str(p, 'securityToken', 16_384);
	const plainAk = accessKey !== undefined && /^[A-Za-z0-9]{1,128}$/.test(accessKey) ? accessKey : undefined;
	let keys: Credentials | undefined;
	if (!encrypted && plainAk && secretKey && PRINTABLE.test(secretKey) && (securityToken === undefined || PRINTABLE.test(securityToken))) {
		keys = { accessKey: plainAk, secretKey, securityToken };
	} else if (!encrypted && (accessKey || secretKey)) {
		warnings.push(`“${name}”: the keys are not of the expected form; they must be typed in.`);
	}
	// Encrypted access keys are not printable key-shaped text; a Huawei access key is 20 of A-Z, 0-9.
	const accessKeyHint = keys ? undefined : accessKey !== undefined && /^[A-Z0-9]{16,40}$/.test(accessKey) ? accessKey : undefined;
	return {
		name,
		mode: agency ? 'assume-role' : securityToken ? 'temporary' : 'aksk',
		region,
		projectId,
		domainId,
		agency,
		keys,
		accessKeyHint,
		needsKeys: keys === undefined,
	};
}
