// What the extension host's environment says about keys. Keys imported from the SDK's variables
// (HUAWEICLOUD_SDK_AK / _SK / _SECURITY_TOKEN) are checked before anything is signed with them:
// in a dev container or a remote window they come from files and scripts that may add a newline,
// quotes or a stray value. And the variables that would route or intercept the signed requests
// (a proxy, an extra certificate authority, TLS checks turned off, code loaded into Node) are
// named, never their values, which may hold a proxy password.

export interface ImportedKeys {
	accessKey?: string;
	secretKey?: string;
	securityToken?: string;
}

/** The variable whose value is refused, and why. */
export interface KeyProblem {
	variable: 'HUAWEICLOUD_SDK_AK' | 'HUAWEICLOUD_SDK_SK' | 'HUAWEICLOUD_SDK_SECURITY_TOKEN';
	reason: 'missing' | 'spaceOrControl' | 'format';
}

/** Huawei Cloud access key IDs (permanent and temporary) are capital letters and digits. */
const ACCESS_KEY = /^[A-Z0-9]{16,64}$/;
/** Printable ASCII without spaces: secret keys (40 characters) and security tokens (kilobytes, base64-like). */
const SECRET_KEY = /^[\x21-\x7e]{20,128}$/;
const SECURITY_TOKEN = /^[\x21-\x7e]{16,16384}$/;
// eslint-disable-next-line no-control-regex
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** The first problem with keys read from the environment, or undefined when they may be used. */
export function checkImportedKeys(keys: ImportedKeys): KeyProblem | undefined {
	const fields = [
		['HUAWEICLOUD_SDK_AK', keys.accessKey, ACCESS_KEY, true],
		['HUAWEICLOUD_SDK_SK', keys.secretKey, SECRET_KEY, true],
		['HUAWEICLOUD_SDK_SECURITY_TOKEN', keys.securityToken, SECURITY_TOKEN, false],
	] as const;
	for (const [variable, value, format, required] of fields) {
		if (value === undefined || value === '') {
			if (required) {
				return { variable, reason: 'missing' };
			}
			continue;
		}
		if (SPACE_OR_CONTROL.test(value)) {
			return { variable, reason: 'spaceOrControl' };
		}
		if (!format.test(value)) {
			return { variable, reason: 'format' };
		}
	}
	return undefined;
}

const PROXIES = ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY'];
// Node reads OpenSSL's SSL_CERT_FILE / SSL_CERT_DIR only with --use-openssl-ca (NODE_OPTIONS,
// below); many systems set them for every program.
const CERTIFICATES = ['NODE_EXTRA_CA_CERTS'];

/**
 * The names of the set variables that would carry or intercept the keys' requests: proxies (in
 * either case), extra certificate authorities, NODE_TLS_REJECT_UNAUTHORIZED=0, and NODE_OPTIONS
 * that load code or change the certificate store. Sorted, each once; never a value.
 */
export function requestRoutingVariables(env: Readonly<Record<string, string | undefined>>): string[] {
	const set = (name: string): boolean => (env[name] ?? '').trim() !== '';
	const names = new Set<string>();
	for (const name of PROXIES) {
		for (const spelling of [name, name.toLowerCase()]) {
			if (set(spelling)) {
				names.add(spelling);
			}
		}
	}
	for (const name of CERTIFICATES) {
		if (set(name)) {
			names.add(name);
		}
	}
	if ((env.NODE_TLS_REJECT_UNAUTHORIZED ?? '').trim() === '0') {
		names.add('NODE_TLS_REJECT_UNAUTHORIZED');
	}
	if (/(^|\s)(--require|-r|--import|--loader|--experimental-loader|--use-openssl-ca|--use-system-ca)(=|\s|$)/.test(env.NODE_OPTIONS ?? '')) {
		names.add('NODE_OPTIONS');
	}
	return [...names].sort();
}
