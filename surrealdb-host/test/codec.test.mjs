// Unit tests of the JSON <-> CBOR translation (no engine involved).

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Datetime, decode, Duration, encode, Float, RecordId, Uuid } from "../lib/cbor.mjs";
import { formatDatetime, formatDuration, parseJson, toJson } from "../lib/json.mjs";

describe("JSON parsing of requests", () => {
	it("keeps 64-bit integers exact and whole floats as floats", () => {
		const v = parseJson('{"a":9223372036854775807,"b":-9223372036854775808,"c":2.0,"d":1e3,"e":2.5,"f":7,"s":"1.0 in a string"}');
		assert.equal(v.a, 9223372036854775807n);
		assert.equal(v.b, -9223372036854775808n);
		assert.ok(v.c instanceof Float && v.c.value === 2);
		assert.ok(v.d instanceof Float && v.d.value === 1000);
		assert.equal(v.e, 2.5);
		assert.equal(v.f, 7);
		assert.equal(v.s, "1.0 in a string");
	});

	it("treats timestamps and long digit runs inside strings as text, and numbers outside them exactly", () => {
		const text = '{"rows":[{"json":"{\\"updated_at\\":\\"2026-06-01T00:00:00.123Z\\",\\"sequence\\":17963911885532161234}","seq":1796391188553216,"n":7}]}';
		const v = parseJson(text);
		assert.equal(v.rows[0].json, '{"updated_at":"2026-06-01T00:00:00.123Z","sequence":17963911885532161234}');
		assert.equal(v.rows[0].seq, 1796391188553216);
		assert.equal(v.rows[0].n, 7);
		assert.equal(parseJson('{"s":"2.0","big":9007199254740993}').big, 9007199254740993n);
		assert.ok(parseJson('{"s":"x","f":3.0}').f instanceof Float);
		assert.equal(parseJson('{"s":"a\\"1.5\\"b","max":9007199254740991}').max, 9007199254740991);
	});

	it("parses escapes, nesting and rejects garbage", () => {
		assert.deepEqual(parseJson('{"x":["a\\"b\\u00e9\\n",{"y":null,"z":true}],"n":1.5}'), { x: ['a"bé\n', { y: null, z: true }], n: 1.5 });
		assert.throws(() => parseJson('{"x":1.5,}'));
		assert.throws(() => parseJson('{"x":1.5} trailing'));
		const proto = parseJson('{"__proto__":{"polluted":1.5}}');
		assert.equal(Object.getPrototypeOf(proto), Object.prototype);
		assert.deepEqual(Object.keys(proto), ["__proto__"]);
	});
});

describe("CBOR", () => {
	it("round-trips JSON-like values exactly", () => {
		const value = { s: "héllo", i: -42, big: 18446744073709551615n, neg: -9223372036854775808n, f: 2.5, w: new Float(3), a: [true, false, null], o: { n: {} } };
		const back = decode(encode(value));
		assert.equal(back.s, "héllo");
		assert.equal(back.i, -42);
		assert.equal(back.big, 18446744073709551615n);
		assert.equal(back.neg, -9223372036854775808n);
		assert.equal(back.f, 2.5);
		assert.ok(back.w instanceof Float && back.w.value === 3);
		assert.deepEqual(back.a, [true, false, null]);
		assert.deepEqual(back.o, { n: {} });
	});

	it("encodes uuids as tag 37 and decodes SurrealDB tags", () => {
		const u = new Uuid("0190f7e6-0000-7000-8000-000000000001");
		const bytes = encode(u);
		assert.equal(bytes[0], 0xd8);
		assert.equal(bytes[1], 37);
		assert.equal(decode(bytes).text, u.text);
		// tag 8 [table, key] and tag 12 [secs, nanos]
		const rid = decode(Uint8Array.from([0xc8, 0x82, 0x61, 0x74, 0x63, 0x61, 0x2d, 0x62]));
		assert.ok(rid instanceof RecordId);
		assert.equal(toJson(rid), '"t:`a-b`"');
		const dt = decode(Uint8Array.from([0xcc, 0x82, 0x1a, 0x65, 0x92, 0x00, 0x80, 0x1a, 0x1d, 0xcd, 0x65, 0x00]));
		assert.ok(dt instanceof Datetime);
		assert.equal(toJson(dt), '"2024-01-01T00:00:00.500Z"');
	});
});

describe("server-style formatting", () => {
	it("formats datetimes like chrono AutoSi", () => {
		const at = (nanos) => formatDatetime(new Datetime(1714979289, nanos));
		assert.equal(at(0), "2024-05-06T07:08:09Z");
		assert.equal(at(500_000_000), "2024-05-06T07:08:09.500Z");
		assert.equal(at(123_456_000), "2024-05-06T07:08:09.123456Z");
		assert.equal(at(123_456_789), "2024-05-06T07:08:09.123456789Z");
		assert.equal(formatDatetime(new Datetime(-1, 0)), "1969-12-31T23:59:59Z");
	});

	it("formats durations like SurrealQL", () => {
		assert.equal(formatDuration(new Duration(0, 0)), "0ns");
		assert.equal(formatDuration(new Duration(5400, 0)), "1h30m");
		assert.equal(formatDuration(new Duration(365 * 86400 + 2 * 7 * 86400 + 3 * 86400 + 4 * 3600 + 5 * 60 + 6, 7_008_009)), "1y2w3d4h5m6s7ms8µs9ns");
	});

	it("writes whole floats with .0 and non-finite floats as null", () => {
		assert.equal(toJson([new Float(2), 2, 2.5, NaN, Infinity, 10n ** 20n]), "[2.0,2,2.5,null,null,100000000000000000000]");
	});
});
