// Keys out of server text: the one boundary is the HTTP pipeline (http.ts), which cleans every
// error built from an answer before it is logged or shown; the log applies it again.
import { SdrsError } from './errors';
import type { Credentials } from './signer';

/**
 * Text with the keys taken out: the access key, secret key and security token given, and any
 * token a gateway quotes back (`x-security-token:`, `token=`). Redact before cutting text to
 * length: a cut secret is no longer found. The one boundary where server text that may echo
 * a request is cleaned, before it reaches an error, a log line or a message.
 */
export function redactSecrets(text: string, creds?: Partial<Credentials>): string {
	// Any `…token=` or `…token:` a gateway quotes (X-Security-Token, security_token, token), whoever's;
	// a value of 12 characters or more, so words ("token: expired") stay.
	let out = text.replace(/(\b[\w-]*token["']?\s*[:=]\s*["']?)[^\s|,;"'&]{12,}/gi, '$1<redacted>');
	for (const secret of [creds?.securityToken, creds?.secretKey, creds?.accessKey]) {
		if (secret && secret.length >= 4) {
			out = out.split(secret).join('<redacted>');
		}
	}
	return out;
}

export function redactError(e: SdrsError, creds: Credentials): SdrsError {
	const message = redactSecrets(e.message, creds);
	return message === e.message ? e : new SdrsError(message, e.kind, e.status, e.code, e.requestId, e.cause);
}
