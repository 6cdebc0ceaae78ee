// Import KooCLI Profiles: KooCLI's ~/.hcloud/config.json (Windows: %USERPROFILE%\.hcloud\config.json)
// read as untrusted input (size-capped before it is read, parsed by core/koocli.ts), its profiles
// listed with mode, region and project ID, the ones this extension cannot take shown as not
// importable and why. Each chosen profile is checked with IAM before it is saved; keys go to
// SecretStorage only, and are asked for when KooCLI keeps them encrypted.
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SdrsError } from '../../core/errors';
import { MAX_CONFIG_BYTES, parseKooCliConfig, type KooCliImport, type KooCliProfile, type KooCliUnsupported } from '../../core/koocli';
import type { Credentials } from '../../core/signer';
import { pickText, say } from '../say';
import { createClient } from '../services/clients';
import type { Profile } from '../services/profiles';
import { readSettings } from '../services/settings';
import { describeError } from '../text';
import { checkAndSaveAgency } from './agency';
import { accountOf, askCredentials, checkWithIam, freeName, saveChecked } from './credentials';
import type { CommandContext } from './context';
import { randomUUID } from 'node:crypto';

type Item = vscode.QuickPickItem & { profile?: KooCliProfile; unsupported?: KooCliUnsupported };

/** Where KooCLI keeps its profiles (homedir() is %USERPROFILE% on Windows). */
export function kooCliConfigPath(): string {
	return join(homedir(), '.hcloud', 'config.json');
}

async function exists(uri: vscode.Uri): Promise<boolean> {
	try {
		await vscode.workspace.fs.stat(uri);
		return true;
	} catch {
		return false;
	}
}

/** The file KooCLI wrote, or one the user chooses when there is none. */
async function chooseFile(): Promise<vscode.Uri | undefined> {
	const own = vscode.Uri.file(kooCliConfigPath());
	if (await exists(own)) {
		return own;
	}
	const choose = vscode.l10n.t('Choose a KooCLI config file…');
	if ((await say.info(vscode.l10n.t('No KooCLI profiles at {0}.', own.fsPath), choose)) !== choose) {
		return undefined;
	}
	const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: vscode.l10n.t('Import'), filters: { JSON: ['json'] } });
	return picked?.[0];
}

/** The file's bytes, refused before reading when it is not a plain file or too large. */
async function readCapped(uri: vscode.Uri): Promise<Uint8Array> {
	const stat = await vscode.workspace.fs.stat(uri);
	if (stat.type !== vscode.FileType.File || stat.size > MAX_CONFIG_BYTES) {
		throw new SdrsError(vscode.l10n.t('{0} is not a KooCLI config file of at most {1} KB; it was not read.', uri.fsPath, MAX_CONFIG_BYTES / 1024), 'config');
	}
	return vscode.workspace.fs.readFile(uri);
}

function modeText(p: KooCliProfile): string {
	return p.agency ? vscode.l10n.t('agency') : p.mode === 'temporary' ? vscode.l10n.t('temporary AK/SK') : 'AK/SK';
}

function whyNot(u: KooCliUnsupported): string {
	switch (u.mode.toLowerCase()) {
		case 'ecsagency':
			return vscode.l10n.t('Not importable: its keys come from the metadata service of the ECS that KooCLI runs on; they are not in the file.');
		case 'sso':
			return vscode.l10n.t('Not importable: its keys come from an SSO sign-in that KooCLI renews. Add keys or an agency profile instead.');
		default:
			return vscode.l10n.t('Not importable: KooCLI does not document this mode.');
	}
}

export function kooCliItems(profiles: readonly KooCliProfile[], unsupported: readonly KooCliUnsupported[], encrypted: boolean): Item[] {
	const items: Item[] = profiles.map((p) => ({
		label: pickText(p.name),
		description: pickText([modeText(p), p.region ?? '—', p.projectId].filter(Boolean).join(' · ')),
		detail: pickText(
			[
				p.agency ? vscode.l10n.t('agency {0} of account {1}', p.agency.agencyName, p.agency.domainName ?? p.agency.domainId ?? '?') : undefined,
				p.needsKeys
					? encrypted
						? vscode.l10n.t('the keys are encrypted (KooCLI’s scheme is not public): you type the secret key')
						: vscode.l10n.t('no usable keys in the file: you type them')
					: vscode.l10n.t('keys in clear in the file'),
			]
				.filter(Boolean)
				.join(' · '),
		),
		picked: p.current,
		profile: p,
	}));
	if (unsupported.length) {
		items.push({ label: vscode.l10n.t('Not importable'), kind: vscode.QuickPickItemKind.Separator });
		items.push(...unsupported.map((u) => ({ label: `$(circle-slash) ${pickText(u.name)}`, description: pickText(u.mode), detail: whyNot(u), unsupported: u })));
	}
	return items;
}

/** One profile: its keys (typed when the file has none), the IAM check, then saved. */
async function importOne(c: CommandContext, p: KooCliProfile, encrypted: boolean): Promise<Profile | undefined> {
	let keys: Credentials | undefined = p.keys;
	let expiresAt: number | undefined;
	if (!keys) {
		const typed = await askCredentials(c, {
			accessKey: p.accessKeyHint,
			prompt: encrypted
				? vscode.l10n.t('“{0}” from KooCLI: KooCLI encrypts its keys with a scheme that is not public, so type the access key ID (AK) and then the secret key.', p.name)
				: vscode.l10n.t('“{0}” from KooCLI: type the access key ID (AK) and then the secret key.', p.name),
		});
		if (!typed) {
			return undefined;
		}
		keys = typed;
		expiresAt = typed.expiresAt;
	}
	const creds = keys;
	const endpoints = readSettings().endpoints;
	const name = freeName(c, p.name);
	if (p.agency) {
		return checkAndSaveAgency(c, { domainId: p.agency.domainId, domainName: p.agency.domainName, agencyName: p.agency.agencyName, durationSeconds: 3600 }, () => creds, creds, {
			endpoints,
			simulated: false,
			suggestion: name,
			quiet: true,
		});
	}
	const id = randomUUID();
	const projects = await checkWithIam(c, () =>
		createClient(
			() => creds,
			endpoints,
			c.log,
			(host) => c.approvals.approve(id, name, host),
		),
	);
	if (!projects || projects === 'retry') {
		return undefined;
	}
	return saveChecked(c, id, { name, kind: 'aksk', temporary: !!creds.securityToken, expiresAt, account: p.domainId ? { id: p.domainId } : accountOf(projects) }, creds, true);
}

export async function importKooCliProfiles(c: CommandContext, file?: vscode.Uri): Promise<Profile[]> {
	const uri = file instanceof vscode.Uri ? file : await chooseFile();
	if (!uri) {
		return [];
	}
	let config: KooCliImport;
	try {
		config = parseKooCliConfig(await readCapped(uri));
	} catch (e) {
		c.log.warn(`KooCLI import: ${e instanceof Error ? e.message : String(e)}`);
		void say.error(vscode.l10n.t('The KooCLI profiles could not be read: {0}', describeError(e)));
		return [];
	}
	config.warnings.forEach((w) => c.log.warn(`KooCLI import: ${w}`));
	if (!config.profiles.length && !config.unsupported.length) {
		void say.info(vscode.l10n.t('{0} has no KooCLI profiles.', uri.fsPath));
		return [];
	}
	const chosen = await c.ports.prompts.choose(kooCliItems(config.profiles, config.unsupported, config.encrypted), {
		title: vscode.l10n.t('Import KooCLI Profiles: {0} importable, {1} not', config.profiles.length, config.unsupported.length),
		placeholder: vscode.l10n.t('Tick the profiles to import, then press Enter. Each is checked with IAM before it is saved.'),
		locked: (i) => !i.profile,
	});
	const picked = (chosen ?? []).flatMap((i) => (i.profile ? [i.profile] : []));
	const imported: Profile[] = [];
	const failed: string[] = [];
	for (const p of picked) {
		const saved = await importOne(c, p, config.encrypted);
		if (saved) {
			imported.push(saved);
		} else {
			failed.push(p.name);
		}
	}
	if (picked.length) {
		const notImported = [...failed, ...config.unsupported.map((u) => u.name)];
		void say.info(
			notImported.length
				? vscode.l10n.t('Imported from KooCLI: {0}. Not imported: {1}.', imported.map((p) => p.name).join(', ') || '—', notImported.join(', '))
				: vscode.l10n.t('Imported from KooCLI: {0}.', imported.map((p) => p.name).join(', ')),
		);
	}
	return imported;
}
