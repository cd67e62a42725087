// Minimal CBOR (RFC 8949) encoder/decoder for the SurrealDB engine host.
//
// The engine's RPC dispatcher (`SurrealNodeEngine.execute`) takes and returns
// CBOR using SurrealDB's custom tags. We keep our own small codec instead of
// the `surrealdb` SDK's CborCodec because we need two things the SDK's codec
// loses: (1) whether a number was a float (`2.0`) or an integer (`2`), and
// (2) 64-bit integers beyond 2^53. Decoded SurrealDB types become the small
// classes below; `json.mjs` turns them into the JSON a SurrealDB server sends.

// ---- SurrealDB CBOR tags (same numbers as the `surrealdb` SDK and the server)
export const TAG = Object.freeze({
	SPEC_DATETIME: 0, // RFC 3339 string
	NONE: 6,
	TABLE: 7,
	RECORDID: 8,
	STRING_UUID: 9,
	STRING_DECIMAL: 10,
	CUSTOM_DATETIME: 12, // [seconds, nanoseconds]
	STRING_DURATION: 13,
	CUSTOM_DURATION: 14, // [seconds, nanoseconds]
	FUTURE: 15,
	SPEC_UUID: 37, // 16 bytes
	RANGE: 49,
	BOUND_INCLUDED: 50,
	BOUND_EXCLUDED: 51,
	FILE_POINTER: 55,
	SET: 56,
	GEOMETRY_POINT: 88,
	GEOMETRY_LINE: 89,
	GEOMETRY_POLYGON: 90,
	GEOMETRY_MULTIPOINT: 91,
	GEOMETRY_MULTILINE: 92,
	GEOMETRY_MULTIPOLYGON: 93,
	GEOMETRY_COLLECTION: 94,
});

// ---- value classes ---------------------------------------------------------

/** A float whose value is integral (e.g. 2.0); plain JS numbers with a fraction are floats too. */
export class Float {
	constructor(value) {
		this.value = value;
	}
}

/** SurrealDB NONE (CBOR tag 6). */
export class None {}
export const NONE = new None();

export class Uuid {
	/** @param {string} text lower-case hyphenated */
	constructor(text) {
		this.text = text;
	}
	static fromBytes(bytes) {
		const h = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
		return new Uuid(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`);
	}
	toBytes() {
		return Buffer.from(this.text.replace(/-/g, ""), "hex");
	}
	toString() {
		return this.text;
	}
}

export class Datetime {
	/** @param {number|bigint} seconds since the Unix epoch @param {number} nanos 0..1e9-1 */
	constructor(seconds, nanos) {
		this.seconds = seconds;
		this.nanos = nanos;
	}
}

/** A datetime that arrived as an RFC 3339 string (tag 0). */
export class DatetimeText {
	constructor(text) {
		this.text = text;
	}
}

export class Duration {
	constructor(seconds, nanos) {
		this.seconds = seconds;
		this.nanos = nanos;
	}
}

export class DurationText {
	constructor(text) {
		this.text = text;
	}
}

export class Decimal {
	constructor(text) {
		this.text = text;
	}
}

export class Table {
	constructor(name) {
		this.name = name;
	}
}

export class RecordId {
	/** @param {string} table @param {*} key string | number | bigint | Uuid | array | object | Range */
	constructor(table, key) {
		this.table = table;
		this.key = key;
	}
}

/** A record id that arrived as a single string (tag 8 with a text payload). */
export class RecordIdText {
	constructor(text) {
		this.text = text;
	}
}

export class Bound {
	constructor(included, value) {
		this.included = included;
		this.value = value;
	}
}

export class Range {
	/** @param {Bound|null} begin @param {Bound|null} end (null = unbounded) */
	constructor(begin, end) {
		this.begin = begin;
		this.end = end;
	}
}

export class SurrealSet {
	constructor(items) {
		this.items = items;
	}
}

export class Geometry {
	constructor(tag, value) {
		this.tag = tag;
		this.value = value;
	}
}

export class FileRef {
	constructor(bucket, key) {
		this.bucket = bucket;
		this.key = key;
	}
}

export class Future {
	constructor(body) {
		this.body = body;
	}
}

/** Any other tag: kept as is. */
export class Tagged {
	constructor(tag, value) {
		this.tag = tag;
		this.value = value;
	}
}

// ---- encoder -----------------------------------------------------------------

const MAX_U64 = (1n << 64n) - 1n;
const textEncoder = new TextEncoder();

class Writer {
	constructor(size = 256) {
		this.buf = Buffer.allocUnsafe(size);
		this.pos = 0;
	}
	ensure(n) {
		if (this.pos + n <= this.buf.length) return;
		let size = this.buf.length * 2;
		while (size < this.pos + n) size *= 2;
		const next = Buffer.allocUnsafe(size);
		this.buf.copy(next, 0, 0, this.pos);
		this.buf = next;
	}
	u8(v) {
		this.ensure(1);
		this.buf[this.pos++] = v;
	}
	head(major, len) {
		const m = major << 5;
		if (typeof len === "bigint") {
			if (len <= 0xffffffffn) return this.head(major, Number(len));
			this.ensure(9);
			this.buf[this.pos++] = m | 27;
			this.buf.writeBigUInt64BE(len, this.pos);
			this.pos += 8;
			return;
		}
		if (len < 24) {
			this.u8(m | len);
		} else if (len < 0x100) {
			this.ensure(2);
			this.buf[this.pos++] = m | 24;
			this.buf[this.pos++] = len;
		} else if (len < 0x10000) {
			this.ensure(3);
			this.buf[this.pos++] = m | 25;
			this.buf.writeUInt16BE(len, this.pos);
			this.pos += 2;
		} else if (len < 0x100000000) {
			this.ensure(5);
			this.buf[this.pos++] = m | 26;
			this.buf.writeUInt32BE(len, this.pos);
			this.pos += 4;
		} else {
			this.head(major, BigInt(len));
		}
	}
	f64(v) {
		this.ensure(9);
		this.buf[this.pos++] = 0xfb;
		this.buf.writeDoubleBE(v, this.pos);
		this.pos += 8;
	}
	bytes(b) {
		this.ensure(b.length);
		if (b instanceof Buffer) b.copy(this.buf, this.pos);
		else this.buf.set(b, this.pos);
		this.pos += b.length;
	}
}

function encodeInto(w, v) {
	switch (typeof v) {
		case "string": {
			const b = textEncoder.encode(v);
			w.head(3, b.length);
			w.bytes(b);
			return;
		}
		case "number":
			if (Number.isSafeInteger(v)) {
				if (v >= 0) w.head(0, v);
				else w.head(1, -1 - v);
			} else {
				w.f64(v);
			}
			return;
		case "bigint":
			if (v >= 0n && v <= MAX_U64) w.head(0, v);
			else if (v < 0n && -1n - v <= MAX_U64) w.head(1, -1n - v);
			else w.f64(Number(v));
			return;
		case "boolean":
			w.u8(v ? 0xf5 : 0xf4);
			return;
		case "undefined":
			w.head(6, TAG.NONE);
			w.u8(0xf6);
			return;
		case "object":
			break;
		default:
			throw new TypeError(`cannot encode ${typeof v} as CBOR`);
	}
	if (v === null) {
		w.u8(0xf6);
	} else if (Array.isArray(v)) {
		w.head(4, v.length);
		for (const item of v) encodeInto(w, item);
	} else if (v instanceof Float) {
		w.f64(v.value);
	} else if (v instanceof Uuid) {
		w.head(6, TAG.SPEC_UUID);
		const b = v.toBytes();
		w.head(2, b.length);
		w.bytes(b);
	} else if (v instanceof None) {
		w.head(6, TAG.NONE);
		w.u8(0xf6);
	} else if (v instanceof Uint8Array) {
		w.head(2, v.length);
		w.bytes(v);
	} else if (v instanceof Tagged) {
		w.head(6, v.tag);
		encodeInto(w, v.value);
	} else {
		const keys = Object.keys(v);
		w.head(5, keys.length);
		for (const k of keys) {
			encodeInto(w, k);
			encodeInto(w, v[k]);
		}
	}
}

/**
 * Encode plain JSON-like values (plus Float, Uuid, None, Tagged, Uint8Array, bigint).
 * @returns {Uint8Array}
 */
export function encode(value) {
	const w = new Writer();
	encodeInto(w, value);
	return new Uint8Array(w.buf.buffer, w.buf.byteOffset, w.pos);
}

// ---- decoder -----------------------------------------------------------------

const textDecoder = new TextDecoder("utf-8", { fatal: true });
const BREAK = Symbol("break");

class Reader {
	constructor(bytes) {
		this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		this.pos = 0;
	}
	need(n) {
		if (this.pos + n > this.buf.length) throw new Error("CBOR: unexpected end of input");
	}
	/** @returns {number|bigint|null} null = indefinite length */
	arg(info) {
		if (info < 24) return info;
		switch (info) {
			case 24:
				this.need(1);
				return this.buf[this.pos++];
			case 25: {
				this.need(2);
				const v = this.buf.readUInt16BE(this.pos);
				this.pos += 2;
				return v;
			}
			case 26: {
				this.need(4);
				const v = this.buf.readUInt32BE(this.pos);
				this.pos += 4;
				return v;
			}
			case 27: {
				this.need(8);
				const v = this.buf.readBigUInt64BE(this.pos);
				this.pos += 8;
				return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
			}
			case 31:
				return null;
			default:
				throw new Error(`CBOR: invalid additional info ${info}`);
		}
	}
	len(info) {
		const n = this.arg(info);
		if (typeof n === "bigint") throw new Error("CBOR: length too large");
		return n;
	}
	chunks(major, info) {
		// byte or text string, possibly indefinite
		const n = this.len(info);
		if (n !== null) {
			this.need(n);
			const slice = this.buf.subarray(this.pos, this.pos + n);
			this.pos += n;
			return slice;
		}
		const parts = [];
		for (;;) {
			this.need(1);
			const ib = this.buf[this.pos++];
			if (ib === 0xff) break;
			if (ib >> 5 !== major) throw new Error("CBOR: bad indefinite string chunk");
			parts.push(this.chunks(major, ib & 31));
		}
		return Buffer.concat(parts);
	}
	value() {
		this.need(1);
		const ib = this.buf[this.pos++];
		const major = ib >> 5;
		const info = ib & 31;
		switch (major) {
			case 0:
				return this.arg(info);
			case 1: {
				const n = this.arg(info);
				if (typeof n === "bigint") return -1n - n;
				const v = -1 - n;
				return Number.isSafeInteger(v) ? v : -1n - BigInt(n);
			}
			case 2:
				return new Uint8Array(this.chunks(2, info));
			case 3:
				return textDecoder.decode(this.chunks(3, info));
			case 4: {
				const n = this.len(info);
				const out = [];
				if (n === null) {
					for (;;) {
						const v = this.value();
						if (v === BREAK) break;
						out.push(v);
					}
				} else {
					for (let i = 0; i < n; i++) out.push(this.value());
				}
				return out;
			}
			case 5: {
				const n = this.len(info);
				const out = {};
				const put = (k, v) => {
					const key = typeof k === "string" ? k : String(k);
					if (key === "__proto__") Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
					else out[key] = v;
				};
				if (n === null) {
					for (;;) {
						const k = this.value();
						if (k === BREAK) break;
						put(k, this.value());
					}
				} else {
					for (let i = 0; i < n; i++) {
						const k = this.value();
						put(k, this.value());
					}
				}
				return out;
			}
			case 6: {
				const tag = this.arg(info);
				return resolveTag(Number(tag), this.value());
			}
			case 7:
				switch (info) {
					case 20:
						return false;
					case 21:
						return true;
					case 22:
						return null;
					case 23:
						return NONE; // CBOR undefined
					case 25: {
						this.need(2);
						const v = halfToFloat(this.buf.readUInt16BE(this.pos));
						this.pos += 2;
						return asFloat(v);
					}
					case 26: {
						this.need(4);
						const v = this.buf.readFloatBE(this.pos);
						this.pos += 4;
						return asFloat(v);
					}
					case 27: {
						this.need(8);
						const v = this.buf.readDoubleBE(this.pos);
						this.pos += 8;
						return asFloat(v);
					}
					case 31:
						return BREAK;
					default:
						if (info < 24) return new Tagged(-1, info); // unassigned simple value
						this.need(1);
						return new Tagged(-1, this.buf[this.pos++]);
				}
		}
		throw new Error("CBOR: unreachable");
	}
}

function asFloat(v) {
	return Number.isInteger(v) ? new Float(v) : v;
}

function halfToFloat(h) {
	const s = h & 0x8000 ? -1 : 1;
	const e = (h >> 10) & 0x1f;
	const f = h & 0x3ff;
	if (e === 0) return s * 2 ** -14 * (f / 1024);
	if (e === 31) return f ? NaN : s * Infinity;
	return s * 2 ** (e - 15) * (1 + f / 1024);
}

function num(v) {
	if (v instanceof Float) return v.value;
	return v;
}

function toBound(v) {
	if (v instanceof Bound) return v;
	if (v === null || v === undefined || v instanceof None) return null;
	return new Bound(true, v);
}

function resolveTag(tag, v) {
	switch (tag) {
		case TAG.SPEC_DATETIME:
			return new DatetimeText(String(v));
		case TAG.CUSTOM_DATETIME: {
			const a = Array.isArray(v) ? v : [];
			return new Datetime(num(a[0] ?? 0), Number(num(a[1] ?? 0)));
		}
		case TAG.NONE:
			return NONE;
		case TAG.TABLE:
			return new Table(String(v));
		case TAG.RECORDID:
			if (typeof v === "string") return new RecordIdText(v);
			if (Array.isArray(v) && v.length === 2) return new RecordId(String(v[0]), v[1]);
			return new Tagged(tag, v);
		case TAG.STRING_UUID:
			return new Uuid(String(v).toLowerCase());
		case TAG.SPEC_UUID:
			return v instanceof Uint8Array && v.length === 16 ? Uuid.fromBytes(v) : new Tagged(tag, v);
		case TAG.STRING_DECIMAL:
			return new Decimal(String(v));
		case TAG.STRING_DURATION:
			return new DurationText(String(v));
		case TAG.CUSTOM_DURATION: {
			const a = Array.isArray(v) ? v : [];
			return new Duration(num(a[0] ?? 0), Number(num(a[1] ?? 0)));
		}
		case TAG.FUTURE:
			return new Future(v);
		case TAG.RANGE: {
			const a = Array.isArray(v) ? v : [null, null];
			return new Range(toBound(a[0]), toBound(a[1]));
		}
		case TAG.BOUND_INCLUDED:
			return new Bound(true, v);
		case TAG.BOUND_EXCLUDED:
			return new Bound(false, v);
		case TAG.FILE_POINTER: {
			const a = Array.isArray(v) ? v : [];
			return new FileRef(String(a[0] ?? ""), String(a[1] ?? ""));
		}
		case TAG.SET:
			return new SurrealSet(Array.isArray(v) ? v : [v]);
		case TAG.GEOMETRY_POINT:
		case TAG.GEOMETRY_LINE:
		case TAG.GEOMETRY_POLYGON:
		case TAG.GEOMETRY_MULTIPOINT:
		case TAG.GEOMETRY_MULTILINE:
		case TAG.GEOMETRY_MULTIPOLYGON:
		case TAG.GEOMETRY_COLLECTION:
			return new Geometry(tag, v);
		default:
			return new Tagged(tag, v);
	}
}

/** Decode one CBOR item. */
export function decode(bytes) {
	const r = new Reader(bytes);
	const v = r.value();
	if (v === BREAK) throw new Error("CBOR: unexpected break");
	return v;
}
