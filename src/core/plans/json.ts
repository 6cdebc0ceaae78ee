// A small JSON parser that keeps where each value is written, so a plan's problems point at their
// line in the Problems panel. Strict JSON (RFC 8259); bounded: input size, depth and the number of
// values are capped, because a plan comes from a repository and is hostile input.

export type JsonNode =
	| { type: 'object'; offset: number; length: number; properties: JsonProperty[] }
	| { type: 'array'; offset: number; length: number; items: JsonNode[] }
	| { type: 'string'; offset: number; length: number; value: string }
	| { type: 'number'; offset: number; length: number; value: number }
	| { type: 'boolean'; offset: number; length: number; value: boolean }
	| { type: 'null'; offset: number; length: number };

export interface JsonProperty {
	key: string;
	keyOffset: number;
	keyLength: number;
	value: JsonNode;
}

export class JsonSyntaxError extends Error {
	constructor(
		message: string,
		readonly offset: number,
	) {
		super(message);
	}
}

/** A plan is a few kilobytes; these are far above any real one. */
export const JSON_LIMITS = { chars: 1_000_000, depth: 32, values: 100_000 };

/** Parses `text` into nodes with offsets; throws JsonSyntaxError with where. */
export function parseJson(text: string): JsonNode {
	if (text.length > JSON_LIMITS.chars) {
		throw new JsonSyntaxError(`The file is larger than ${JSON_LIMITS.chars} characters.`, 0);
	}
	let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
	let values = 0;

	const fail = (message: string, at = pos): never => {
		throw new JsonSyntaxError(message, Math.min(at, text.length));
	};
	const skip = (): void => {
		while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t' || text[pos] === '\n' || text[pos] === '\r')) {
			pos++;
		}
	};
	const describe = (): string => (pos >= text.length ? 'the end of the file' : `'${text[pos]}'`);

	const string = (): { value: string; offset: number; length: number } => {
		const start = pos++;
		let out = '';
		for (;;) {
			if (pos >= text.length) {
				fail('Unterminated string.', start);
			}
			const c = text[pos];
			if (c === '"') {
				pos++;
				return { value: out, offset: start, length: pos - start };
			}
			if (c === '\\') {
				const e = text[pos + 1];
				const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
				if (e !== undefined && e in simple) {
					out += simple[e];
					pos += 2;
				} else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
					out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
					pos += 6;
				} else {
					fail('Invalid escape in a string.');
				}
			} else if (c.charCodeAt(0) < 0x20) {
				fail('A control character in a string (write it as an escape).');
			} else {
				out += c;
				pos++;
			}
		}
	};

	const value = (depth: number): JsonNode => {
		if (depth > JSON_LIMITS.depth) {
			fail(`Nested deeper than ${JSON_LIMITS.depth} levels.`);
		}
		if (++values > JSON_LIMITS.values) {
			fail(`More than ${JSON_LIMITS.values} values.`);
		}
		skip();
		const start = pos;
		const c = text[pos];
		if (c === '{') {
			pos++;
			const properties: JsonProperty[] = [];
			skip();
			if (text[pos] === '}') {
				pos++;
				return { type: 'object', offset: start, length: pos - start, properties };
			}
			for (;;) {
				skip();
				if (text[pos] !== '"') {
					fail(`Expected a property name in double quotes, found ${describe()}.`);
				}
				const key = string();
				skip();
				if (text[pos] !== ':') {
					fail(`Expected ':' after a property name, found ${describe()}.`);
				}
				pos++;
				properties.push({ key: key.value, keyOffset: key.offset, keyLength: key.length, value: value(depth + 1) });
				skip();
				if (text[pos] === ',') {
					pos++;
					continue;
				}
				if (text[pos] === '}') {
					pos++;
					return { type: 'object', offset: start, length: pos - start, properties };
				}
				fail(`Expected ',' or '}', found ${describe()}.`);
			}
		}
		if (c === '[') {
			pos++;
			const items: JsonNode[] = [];
			skip();
			if (text[pos] === ']') {
				pos++;
				return { type: 'array', offset: start, length: pos - start, items };
			}
			for (;;) {
				items.push(value(depth + 1));
				skip();
				if (text[pos] === ',') {
					pos++;
					continue;
				}
				if (text[pos] === ']') {
					pos++;
					return { type: 'array', offset: start, length: pos - start, items };
				}
				fail(`Expected ',' or ']', found ${describe()}.`);
			}
		}
		if (c === '"') {
			const s = string();
			return { type: 'string', ...s };
		}
		const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(pos, pos + 64));
		if (number) {
			pos += number[0].length;
			return { type: 'number', offset: start, length: number[0].length, value: Number(number[0]) };
		}
		for (const [word, node] of [
			['true', { type: 'boolean', value: true }],
			['false', { type: 'boolean', value: false }],
			['null', { type: 'null' }],
		] as const) {
			if (text.startsWith(word, pos)) {
				pos += word.length;
				return { ...node, offset: start, length: word.length };
			}
		}
		return fail(`Expected a value, found ${describe()}.`);
	};

	const root = value(0);
	skip();
	if (pos < text.length) {
		fail(`Unexpected ${describe()} after the end of the plan.`);
	}
	return root;
}
