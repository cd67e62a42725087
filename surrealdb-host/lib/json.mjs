// JSON <-> engine values, shaped like a SurrealDB 3.x server's `json` RPC format.
//
// Output rules (mirroring the server's `Value::into_json_value`):
//   NONE, NULL            -> null
//   bool, string          -> as is
//   int                   -> JSON integer (64-bit exact; no precision loss)
//   float                 -> JSON number; integral floats keep a ".0" (2.0); NaN/Infinity -> null
//   decimal               -> string ("1.5")
//   duration              -> string in SurrealQL syntax ("1h30m", "0ns")
//   datetime              -> string, RFC 3339, UTC, "Z", fraction of 0, 3, 6 or 9 digits
//                            (chrono SecondsFormat::AutoSi): "2024-01-02T03:04:05Z",
//                            "2024-01-02T03:04:05.500Z", "...05.123456Z", "...05.123456789Z"
//   uuid                  -> string, lower-case hyphenated
//   record id             -> string, SurrealQL: table:key with backtick escaping
//                            ("task:abc", "task:`0190f7e6-...`", "task:123", "task:u'...'")
//   table                 -> its name
//   bytes                 -> array of numbers (0..255)
//   array, set            -> array
//   object                -> object
//   geometry              -> GeoJSON object
//   range, file           -> SurrealQL string

import {
	Bound,
	Datetime,
	DatetimeText,
	Decimal,
	Duration,
	DurationText,
	FileRef,
	Float,
	Future,
	Geometry,
	None,
	Range,
	RecordId,
	RecordIdText,
	SurrealSet,
	Table,
	TAG,
	Tagged,
	Uuid,
} from "./cbor.mjs";

// ---- parsing -------------------------------------------------------------

// Native JSON.parse cannot keep integers beyond 2^53 nor tell 2.0 from 2. When the
// text contains no fraction/exponent and no long digit run, it is safe and fast.
const NEEDS_EXACT = /\d[.eE]|\d{16}/;

/**
 * Parse JSON. Integers beyond +-2^53 become bigint; numbers written with a fraction or
 * exponent whose value is integral (2.0, 1e3) become `Float`, so they reach the engine
 * as floats, as they would on a real server.
 */
export function parseJson(text) {
	if (!NEEDS_EXACT.test(text) || !numbersNeedExactParsing(text)) return JSON.parse(text);
	const p = new ExactParser(text);
	p.ws();
	const v = p.value(0);
	p.ws();
	if (p.i !== text.length) p.fail("unexpected trailing characters");
	return v;
}

// Strings (an unrolled loop, so long strings do not make the regexp backtrack deeply).
const STRING = /"[^"\\]*(?:\\.[^"\\]*)*"/g;
const FRACTION = /\d[.eE]/;
const LONG_INTEGER = /\d{16,}/g;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Whether a number outside the strings needs the exact parser: one with a fraction or exponent,
 * or an integer beyond 2^53. Timestamps and long digit runs inside strings (task JSON carried as a
 * string, say) do not, so large requests of such text keep the native parser.
 */
function numbersNeedExactParsing(text) {
	let outside;
	try {
		outside = text.replace(STRING, '""');
	} catch {
		return true; // the regexp gave up: stay on the safe side
	}
	if (FRACTION.test(outside)) return true;
	for (const digits of outside.match(LONG_INTEGER) ?? []) {
		if (BigInt(digits) > MAX_SAFE) return true;
	}
	return false;
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const MAX_DEPTH = 512;

class ExactParser {
	constructor(s) {
		this.s = s;
		this.i = 0;
	}
	fail(msg) {
		throw new SyntaxError(`JSON: ${msg} at position ${this.i}`);
	}
	ws() {
		const s = this.s;
		let i = this.i;
		while (i < s.length) {
			const c = s.charCodeAt(i);
			if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
			else break;
		}
		this.i = i;
	}
	value(depth) {
		if (depth > MAX_DEPTH) this.fail("nesting too deep");
		const s = this.s;
		const c = s[this.i];
		switch (c) {
			case "{": {
				this.i++;
				const out = {};
				this.ws();
				if (s[this.i] === "}") {
					this.i++;
					return out;
				}
				for (;;) {
					this.ws();
					if (s[this.i] !== '"') this.fail("expected a string key");
					const k = this.string();
					this.ws();
					if (s[this.i] !== ":") this.fail("expected ':'");
					this.i++;
					this.ws();
					const v = this.value(depth + 1);
					if (k === "__proto__") Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
					else out[k] = v;
					this.ws();
					if (s[this.i] === ",") {
						this.i++;
						continue;
					}
					if (s[this.i] === "}") {
						this.i++;
						return out;
					}
					this.fail("expected ',' or '}'");
				}
			}
			case "[": {
				this.i++;
				const out = [];
				this.ws();
				if (s[this.i] === "]") {
					this.i++;
					return out;
				}
				for (;;) {
					this.ws();
					out.push(this.value(depth + 1));
					this.ws();
					if (s[this.i] === ",") {
						this.i++;
						continue;
					}
					if (s[this.i] === "]") {
						this.i++;
						return out;
					}
					this.fail("expected ',' or ']'");
				}
			}
			case '"':
				return this.string();
			case "t":
				return this.literal("true", true);
			case "f":
				return this.literal("false", false);
			case "n":
				return this.literal("null", null);
			default:
				return this.number();
		}
	}
	literal(word, v) {
		if (this.s.startsWith(word, this.i)) {
			this.i += word.length;
			return v;
		}
		this.fail("unexpected token");
	}
	string() {
		const s = this.s;
		const start = this.i;
		let i = start + 1;
		let escaped = false;
		for (;;) {
			if (i >= s.length) this.fail("unterminated string");
			const c = s.charCodeAt(i);
			if (c === 0x22) break;
			if (c === 0x5c) {
				escaped = true;
				i += 2;
				continue;
			}
			if (c < 0x20) this.fail("control character in string");
			i++;
		}
		this.i = i + 1;
		return escaped ? JSON.parse(s.slice(start, i + 1)) : s.slice(start + 1, i);
	}
	number() {
		NUMBER.lastIndex = this.i;
		const m = NUMBER.exec(this.s);
		if (!m) this.fail("unexpected token");
		this.i = NUMBER.lastIndex;
		const text = m[0];
		if (m[1] === undefined && m[2] === undefined) {
			const n = Number(text);
			return Number.isSafeInteger(n) ? n : BigInt(text);
		}
		const n = Number(text);
		return Number.isInteger(n) ? new Float(n) : n;
	}
}

// ---- writing -------------------------------------------------------------

/** Serialize a decoded engine value to JSON text. */
export function toJson(v) {
	const out = [];
	writeJson(v, out);
	return out.join("");
}

function writeFloat(n, out) {
	if (!Number.isFinite(n)) {
		out.push("null");
		return;
	}
	const s = String(n);
	out.push(/[.eE]/.test(s) ? s : `${s}.0`);
}

function writeJson(v, out) {
	switch (typeof v) {
		case "string":
			out.push(JSON.stringify(v));
			return;
		case "number":
			if (Number.isInteger(v)) out.push(String(v));
			else writeFloat(v, out);
			return;
		case "bigint":
			out.push(v.toString());
			return;
		case "boolean":
			out.push(v ? "true" : "false");
			return;
		case "undefined":
			out.push("null");
			return;
	}
	if (v === null || v instanceof None) {
		out.push("null");
	} else if (Array.isArray(v)) {
		out.push("[");
		for (let i = 0; i < v.length; i++) {
			if (i) out.push(",");
			writeJson(v[i], out);
		}
		out.push("]");
	} else if (v instanceof Float) {
		writeFloat(v.value, out);
	} else if (v instanceof Uint8Array) {
		out.push("[", v.join(","), "]");
	} else if (v instanceof Datetime) {
		out.push(JSON.stringify(formatDatetime(v)));
	} else if (v instanceof Uuid) {
		out.push(JSON.stringify(v.text));
	} else if (v instanceof RecordId || v instanceof Range || v instanceof FileRef) {
		out.push(JSON.stringify(toSql(v)));
	} else if (v instanceof RecordIdText) {
		out.push(JSON.stringify(v.text));
	} else if (v instanceof Decimal || v instanceof DatetimeText || v instanceof DurationText) {
		out.push(JSON.stringify(v.text));
	} else if (v instanceof Duration) {
		out.push(JSON.stringify(formatDuration(v)));
	} else if (v instanceof Table) {
		out.push(JSON.stringify(v.name));
	} else if (v instanceof SurrealSet) {
		writeJson(v.items, out);
	} else if (v instanceof Geometry) {
		writeJson(geoJson(v), out);
	} else if (v instanceof Future) {
		out.push("null");
	} else if (v instanceof Tagged || v instanceof Bound) {
		writeJson(v.value, out);
	} else {
		out.push("{");
		let first = true;
		for (const k of Object.keys(v)) {
			if (!first) out.push(",");
			first = false;
			out.push(JSON.stringify(k), ":");
			writeJson(v[k], out);
		}
		out.push("}");
	}
}

function geoJson(g) {
	const coords = (v) => (v instanceof Geometry ? coords(v.value) : Array.isArray(v) ? v.map(coords) : v instanceof Float ? v : new Float(Number(v)));
	switch (g.tag) {
		case TAG.GEOMETRY_POINT:
			return { type: "Point", coordinates: coords(g.value) };
		case TAG.GEOMETRY_LINE:
			return { type: "LineString", coordinates: coords(g.value) };
		case TAG.GEOMETRY_POLYGON:
			return { type: "Polygon", coordinates: coords(g.value) };
		case TAG.GEOMETRY_MULTIPOINT:
			return { type: "MultiPoint", coordinates: coords(g.value) };
		case TAG.GEOMETRY_MULTILINE:
			return { type: "MultiLineString", coordinates: coords(g.value) };
		case TAG.GEOMETRY_MULTIPOLYGON:
			return { type: "MultiPolygon", coordinates: coords(g.value) };
		default:
			return { type: "GeometryCollection", geometries: (g.value || []).map(geoJson) };
	}
}

// ---- datetimes and durations -------------------------------------------------

function pad(n, width) {
	return String(n).padStart(width, "0");
}

/** RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits (chrono `SecondsFormat::AutoSi`). */
export function formatDatetime(d) {
	const seconds = Number(d.seconds);
	const nanos = d.nanos | 0;
	const date = new Date(seconds * 1000);
	if (Number.isNaN(date.getTime())) return `${d.seconds}s`;
	let year = date.getUTCFullYear();
	let ys;
	if (year >= 0 && year <= 9999) ys = pad(year, 4);
	else ys = (year < 0 ? "-" : "+") + pad(Math.abs(year), 4);
	let frac = "";
	if (nanos !== 0) {
		if (nanos % 1_000_000 === 0) frac = `.${pad(nanos / 1_000_000, 3)}`;
		else if (nanos % 1000 === 0) frac = `.${pad(nanos / 1000, 6)}`;
		else frac = `.${pad(nanos, 9)}`;
	}
	return (
		`${ys}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
		`T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}${frac}Z`
	);
}

const SECONDS_PER_MINUTE = 60n;
const SECONDS_PER_HOUR = 3600n;
const SECONDS_PER_DAY = 86400n;
const SECONDS_PER_WEEK = 7n * SECONDS_PER_DAY;
const SECONDS_PER_YEAR = 365n * SECONDS_PER_DAY;

/** SurrealQL duration syntax, as the server prints it ("1h30m", "0ns"). */
export function formatDuration(d) {
	let secs = BigInt(d.seconds);
	let nano = d.nanos | 0;
	if (secs === 0n && nano === 0) return "0ns";
	const parts = [];
	const unit = (n, u) => {
		if (n > 0) parts.push(`${n}${u}`);
	};
	unit(secs / SECONDS_PER_YEAR, "y");
	secs %= SECONDS_PER_YEAR;
	unit(secs / SECONDS_PER_WEEK, "w");
	secs %= SECONDS_PER_WEEK;
	unit(secs / SECONDS_PER_DAY, "d");
	secs %= SECONDS_PER_DAY;
	unit(secs / SECONDS_PER_HOUR, "h");
	secs %= SECONDS_PER_HOUR;
	unit(secs / SECONDS_PER_MINUTE, "m");
	secs %= SECONDS_PER_MINUTE;
	unit(secs, "s");
	unit(Math.floor(nano / 1_000_000), "ms");
	nano %= 1_000_000;
	unit(Math.floor(nano / 1000), "µs");
	unit(nano % 1000, "ns");
	return parts.join("");
}

// ---- SurrealQL rendering (record ids, ranges) ----------------------------------

function escapeWith(s, quote) {
	let out = "";
	for (const c of s) {
		switch (c) {
			case "\0":
				out += "\\0";
				break;
			case "\r":
				out += "\\r";
				break;
			case "\t":
				out += "\\t";
				break;
			case "\n":
				out += "\\n";
				break;
			case "\b":
				out += "\\u{8}";
				break;
			case "\f":
				out += "\\f";
				break;
			case "\\":
				out += "\\\\";
				break;
			default:
				out += c === quote ? `\\${c}` : c;
		}
	}
	return out;
}

const PLAIN = /^[A-Za-z0-9_]+$/;

/**
 * Table names and string record keys (engine 3.0.2 rule, checked against `<string>` casts):
 * backticks when empty, containing anything but [A-Za-z0-9_], or made of digits and
 * underscores only. Inside backticks, `\` and the backtick are escaped with a backslash,
 * and \0 \r \t \n \f are written as escapes.
 */
export function escapeTable(s) {
	return escapeRecordKey(s);
}

export function escapeRecordKey(s) {
	if (s === "" || !PLAIN.test(s) || !/[^0-9_]/.test(s)) return `\`${escapeWith(s, "`")}\``;
	return s;
}

function escapeObjectKey(s) {
	if (s === "" || /^[0-9]/.test(s) || !PLAIN.test(s)) return `"${escapeWith(s, '"')}"`;
	return s;
}

function quoteStr(s) {
	const q = s.includes("'") ? '"' : "'";
	return q + escapeWith(s, q) + q;
}

function floatSql(n) {
	if (Number.isNaN(n)) return "NaN";
	if (n === Infinity) return "Infinity";
	if (n === -Infinity) return "-Infinity";
	return `${n}f`;
}

function rangeSql(r) {
	let s = "";
	if (r.begin) s += toSql(r.begin.value) + (r.begin.included ? "" : ">");
	s += "..";
	if (r.end) s += (r.end.included ? "=" : "") + toSql(r.end.value);
	return s;
}

/** Render a value as SurrealQL, the way the server renders values inside record ids. */
export function toSql(v) {
	switch (typeof v) {
		case "string":
			return quoteStr(v);
		case "number":
			return Number.isInteger(v) ? String(v) : floatSql(v);
		case "bigint":
			return v.toString();
		case "boolean":
			return v ? "true" : "false";
		case "undefined":
			return "NONE";
	}
	if (v === null) return "NULL";
	if (v instanceof None) return "NONE";
	if (Array.isArray(v)) return `[${v.map(toSql).join(", ")}]`;
	if (v instanceof Float) return floatSql(v.value);
	if (v instanceof RecordId) {
		const k = v.key;
		const key = typeof k === "string" ? escapeRecordKey(k) : k instanceof Range ? rangeSql(k) : toSql(k);
		return `${escapeTable(v.table)}:${key}`;
	}
	if (v instanceof RecordIdText) return v.text;
	if (v instanceof Uuid) return `u'${v.text}'`;
	if (v instanceof Datetime) return `d'${formatDatetime(v)}'`;
	if (v instanceof DatetimeText) return `d'${v.text}'`;
	if (v instanceof Decimal) return `${v.text}dec`;
	if (v instanceof Duration) return formatDuration(v);
	if (v instanceof DurationText) return v.text;
	if (v instanceof Table) return escapeTable(v.name);
	if (v instanceof Range) return rangeSql(v);
	if (v instanceof SurrealSet) return `{${v.items.map(toSql).join(", ")}}`;
	if (v instanceof FileRef) return `f${quoteStr(`${v.bucket}:${v.key}`)}`;
	if (v instanceof Uint8Array) return `b"${Buffer.from(v).toString("hex").toUpperCase()}"`;
	if (v instanceof Geometry) return JSON.stringify(geoJsonPlain(v));
	if (v instanceof Tagged || v instanceof Bound) return toSql(v.value);
	const keys = Object.keys(v);
	if (keys.length === 0) return "{  }";
	return `{ ${keys.map((k) => `${escapeObjectKey(k)}: ${toSql(v[k])}`).join(", ")} }`;
}

function geoJsonPlain(g) {
	return JSON.parse(toJson(g));
}
