// The simulator's answers on the wire: errors in the two documented shapes (SDRS and the API
// gateway), and small helpers shared by its modules.
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: unknown,
	) {
		super(JSON.stringify(body));
	}
}

/** A successful answer with a status other than 200 (IAM answers 201 when it issues keys). */
export class Answer {
	constructor(
		readonly status: number,
		readonly body: unknown,
	) {}
}

export const sdrsError = (status: number, code: string, message: string, wrapper = 'error'): HttpError => new HttpError(status, { [wrapper]: { code, message } });
export const gatewayError = (status: number, code: string, message: string): HttpError => new HttpError(status, { error_code: code, error_msg: message, request_id: '' });

export function isObject(v: unknown): v is Record<string, unknown> {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function text(v: unknown): string {
	return typeof v === 'string' ? v : JSON.stringify(v);
}
