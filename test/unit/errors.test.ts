import * as assert from 'node:assert/strict';
import { redactSecrets } from '../../src/core/redact';
import { SdrsError, categorize, isExpiredCredentials, parseErrorResponse } from '../../src/core/errors';
import { explainCode } from '../../src/core/explanations';
import { explainZh } from '../support/explainZh';

describe('error parsing', () => {
	const cases: [string, number, string, string | undefined, RegExp][] = [
		['SDRS {"error":{...}}', 400, '{"error":{"message":"Protection group not found.","code":"SDRS.1013"}}', 'SDRS.1013', /not found/],
		['badrequest wrapper', 400, '{"badrequest":{"message":"Current DR site server is not stopped.","code":"SDRS.1342"}}', 'SDRS.1342', /not stopped/],
		['itemNotFound wrapper', 404, '{"itemNotFound":{"message":"gone","code":"SDRS.1320"}}', 'SDRS.1320', /gone/],
		['gateway error_code/error_msg', 401, '{"error_msg":"Incorrect IAM authentication information","error_code":"APIGW.0301","request_id":"r1"}', 'APIGW.0301', /Incorrect IAM/],
		['top-level code/message', 429, '{"code":"APIGW.0308","message":"throttled"}', 'APIGW.0308', /throttled/],
		['deeply nested', 500, '{"a":{"b":{"error":{"code":"SDRS.0016","message":"internal"}}}}', 'SDRS.0016', /internal/],
		['HTML page', 502, '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>', undefined, /HTML page \(“502 Bad Gateway”\)/],
		['empty body', 503, '', undefined, /empty body/],
		['truncated JSON', 500, '{"error":{"code":"SDRS.00', undefined, /HTTP 500: \{"error"/],
		['plain text', 500, 'upstream connect error', undefined, /upstream connect error/],
		['JSON without a code', 400, '{"foo":1}', undefined, /HTTP 400/],
	];
	for (const [name, status, body, code, message] of cases) {
		it(`parses ${name}`, () => {
			const e = parseErrorResponse(status, body, 'req-1');
			assert.ok(e instanceof SdrsError);
			assert.equal(e.status, status);
			assert.equal(e.code, code);
			assert.match(e.message, message);
			assert.equal(e.requestId, 'req-1');
		});
	}

	it('takes the request id from the gateway body when there is no header', () => {
		assert.equal(parseErrorResponse(401, '{"error_code":"APIGW.0301","error_msg":"x","request_id":"abc"}').requestId, 'abc');
	});

	it('cleans the code and the request id too: no control or bidi character, a bounded length', () => {
		const e = parseErrorResponse(400, JSON.stringify({ error_code: 'SDRS.\u202e1002\u0007' + 'x'.repeat(500), error_msg: 'm', request_id: 'r\u2066-1\u001b' + 'y'.repeat(500) }));
		// eslint-disable-next-line no-control-regex
		assert.doesNotMatch(`${e.code}${e.requestId}`, /[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
		assert.ok(e.code!.startsWith('SDRS.1002') && e.code!.length <= 65, e.code);
		assert.ok(e.requestId!.startsWith('r-1') && e.requestId!.length <= 129, e.requestId);
	});

	it('strips control characters and caps long messages', () => {
		const e = parseErrorResponse(400, JSON.stringify({ error: { code: 'SDRS.0201', message: 'bad\u0007\u001b[31m' + 'x'.repeat(2000) } }));
		// eslint-disable-next-line no-control-regex
		assert.doesNotMatch(e.message, /[\u0007\u001b]/);
		assert.ok(e.message.length <= 501);
	});

	it('marks throttling, 5xx, network and timeouts as transient; 4xx not', () => {
		assert.equal(new SdrsError('x', 'http', 429).transient, true);
		assert.equal(new SdrsError('x', 'http', 400, 'APIGW.0308').transient, true);
		assert.equal(new SdrsError('x', 'http', 503).transient, true);
		assert.equal(new SdrsError('x', 'network').transient, true);
		assert.equal(new SdrsError('x', 'timeout').transient, true);
		assert.equal(new SdrsError('x', 'http', 400, 'SDRS.1002').transient, false);
		assert.equal(new SdrsError('x', 'http', 401).transient, false);
		assert.equal(new SdrsError('x', 'config').transient, false);
	});

	it('explains the codes in §8.2 in English and Chinese', () => {
		assert.match(explainCode('SDRS.1342')?.fix ?? '', /Stop the DR-site servers/);
		assert.match(explainZh('SDRS.1342')?.fix ?? '', /关闭容灾端服务器/);
		for (const code of ['SDRS.1002', 'SDRS.1013', 'SDRS.1027', 'SDRS.1032', 'SDRS.1316', 'SDRS.1830', 'APIGW.0301', 'APIGW.0308', 'SDRS.0010', 'SDRS.0405']) {
			assert.ok(explainCode(code), code);
			assert.ok(explainZh(code), code);
		}
		assert.equal(explainCode('SDRS.9999'), undefined);
	});

	it('categorises errors for the tree', () => {
		assert.equal(categorize(new SdrsError('x', 'http', 401, 'APIGW.0301')), 'auth');
		assert.equal(categorize(new SdrsError('x', 'http', 403, 'SDRS.0004')), 'forbidden');
		assert.equal(categorize(new SdrsError('x', 'http', 429)), 'throttled');
		assert.equal(categorize(new SdrsError('x', 'network', undefined, undefined, undefined, { code: 'ECONNREFUSED' })), 'network');
		assert.equal(categorize(new SdrsError('x', 'network', undefined, undefined, undefined, { code: 'ENOTFOUND' })), 'not-offered');
		assert.equal(categorize(new SdrsError('x', 'http', 404)), 'not-offered');
		assert.equal(categorize(new SdrsError('x', 'http', 500)), 'server');
		assert.equal(categorize(new Error('x')), 'other');
	});
	it('takes any quoted token value out, whoever’s, and leaves words after “token:” alone', () => {
		const token = 'MIIEdzCCA9-abc_DEF.0123456789';
		for (const quoted of [`token=${token}`, `X-Security-Token: ${token}`, `"security_token":"${token}"`, `x-auth-token=${token}&next=1`]) {
			const out = redactSecrets(`refused: ${quoted}`);
			assert.ok(!out.includes(token.slice(0, 12)), out);
			assert.match(out, /<redacted>/);
		}
		assert.equal(redactSecrets('the security token: expired'), 'the security token: expired');
		assert.ok(isExpiredCredentials(parseErrorResponse(401, redactSecrets('{"error_code":"APIGW.0301","error_msg":"token: expired"}'))));
	});
});
