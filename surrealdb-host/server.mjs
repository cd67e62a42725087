#!/usr/bin/env node
// SurrealDB engine host: runs the real SurrealDB engine (the @surrealdb/node native
// addon) in this process and serves SurrealDB's WebSocket JSON-RPC protocol at /rpc.
// See README.md in this directory for the CLI, the wire format and the limits.

import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import http from "node:http";
import { WebSocketServer } from "ws";
import { decode, encode, Uuid } from "./lib/cbor.mjs";
import { loadEngine } from "./lib/engine.mjs";
import { parseJson, toJson } from "./lib/json.mjs";

const USAGE = `usage: node surrealdb-host/server.mjs [options] [path]

  --bind HOST:PORT            listen address (default 127.0.0.1:8000; port 0 = any free port)
  --path URL                  storage: mem://  surrealkv:///abs/dir  rocksdb:///abs/dir
                              (default mem://; may also be given as the last argument)
  --user NAME, --pass SECRET  root credentials checked by "signin"
  --unauthenticated           accept every connection without signin
  --query-timeout SECONDS     engine query timeout (1..255)
  --transaction-timeout SECONDS  engine transaction timeout (1..255)
  --exit-with-stdin           shut down cleanly when stdin reaches end of file
  --log LEVEL                 error | warn | info | debug (default info; logs go to stderr)

Environment fallbacks: SURREAL_BIND, SURREAL_PATH, SURREAL_USER, SURREAL_PASS.
Prints "LISTENING <host>:<port>" on stdout once the engine answers and the port is open.`;

// ---- configuration ----------------------------------------------------------------

function parseArgs(argv, env) {
	const cfg = {
		bind: env.SURREAL_BIND || "127.0.0.1:8000",
		path: env.SURREAL_PATH || "mem://",
		user: env.SURREAL_USER,
		pass: env.SURREAL_PASS,
		unauthenticated: false,
		queryTimeout: undefined,
		transactionTimeout: undefined,
		exitWithStdin: false,
		log: "info",
	};
	const positional = [];
	for (let i = 0; i < argv.length; i++) {
		let arg = argv[i];
		let value;
		const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
		if (eq > 0) {
			value = arg.slice(eq + 1);
			arg = arg.slice(0, eq);
		}
		const next = () => {
			if (value !== undefined) return value;
			if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
			return argv[++i];
		};
		switch (arg) {
			case "-b":
			case "--bind":
				cfg.bind = next();
				break;
			case "--path":
				cfg.path = next();
				break;
			case "-u":
			case "--user":
			case "--username":
				cfg.user = next();
				break;
			case "-p":
			case "--pass":
			case "--password":
				cfg.pass = next();
				break;
			case "--unauthenticated":
				cfg.unauthenticated = true;
				break;
			case "--query-timeout":
				cfg.queryTimeout = seconds(arg, next());
				break;
			case "--transaction-timeout":
				cfg.transactionTimeout = seconds(arg, next());
				break;
			case "--exit-with-stdin":
				cfg.exitWithStdin = true;
				break;
			case "--log":
				cfg.log = next();
				if (!(cfg.log in LEVELS)) throw new Error(`--log must be one of ${Object.keys(LEVELS).join(", ")}`);
				break;
			case "-h":
			case "--help":
				process.stdout.write(`${USAGE}\n`);
				process.exit(0);
				break;
			default:
				if (arg.startsWith("-")) throw new Error(`unknown option ${arg}`);
				positional.push(arg);
		}
	}
	if (positional.length > 1) throw new Error(`unexpected arguments: ${positional.join(" ")}`);
	if (positional.length === 1) cfg.path = positional[0];

	const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(cfg.bind);
	if (!m) throw new Error(`--bind must be HOST:PORT, got ${cfg.bind}`);
	cfg.host = m[1] ?? (m[2] || "0.0.0.0");
	cfg.hostLabel = m[1] ? `[${m[1]}]` : cfg.host;
	cfg.port = Number(m[3]);
	if (cfg.port > 65535) throw new Error(`bad port in --bind ${cfg.bind}`);

	const scheme = /^([a-z+]+):/.exec(cfg.path)?.[1] ?? (cfg.path === "memory" ? "memory" : undefined);
	if (!["mem", "memory", "surrealkv", "surrealkv+versioned", "rocksdb"].includes(scheme)) {
		throw new Error(`--path must start with mem://, surrealkv:// or rocksdb://, got ${cfg.path}`);
	}
	cfg.storage = scheme === "memory" ? "mem" : scheme;

	if (cfg.unauthenticated) {
		cfg.user = cfg.pass = undefined;
	} else if (!cfg.user || cfg.pass === undefined) {
		throw new Error("give --user and --pass (or SURREAL_USER/SURREAL_PASS), or --unauthenticated");
	}
	return cfg;
}

function seconds(name, text) {
	const n = Number(text);
	if (!Number.isInteger(n) || n < 1 || n > 255) throw new Error(`${name} must be a whole number of seconds in 1..255`);
	return n;
}

// ---- logging ----------------------------------------------------------------------

const LEVELS = { error: 0, warn: 1, info: 2, debug: 3 };
let logLevel = LEVELS.info;
function log(level, ...parts) {
	if (LEVELS[level] > logLevel) return;
	process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} surrealdb-host: ${parts.join(" ")}\n`);
}

// ---- RPC errors -------------------------------------------------------------------

function rpcError(code, message, kind) {
	const e = { code, message };
	if (kind) e.kind = kind;
	return e;
}
const ERR_PARSE = (detail) => rpcError(-32700, `Parse error: ${detail}`, "Serialization");
const ERR_INVALID_REQUEST = (detail) => rpcError(-32600, `Invalid request: ${detail}`, "Validation");
const ERR_INVALID_PARAMS = (detail) => rpcError(-32602, `Invalid params: ${detail}`, "Validation");
const ERR_METHOD = (method) => rpcError(-32601, `Method not found: ${method}`, "NotFound");
const ERR_AUTH = () => ({
	code: -32002,
	details: { details: { kind: "InvalidAuth" }, kind: "Auth" },
	kind: "NotAllowed",
	message: "There was a problem with authentication",
});
const ERR_NOT_ALLOWED = () => rpcError(-32002, "Not enough permissions to perform this action", "NotAllowed");

/** An RPC failure reported by the engine: a map whose only key is `error`. */
function engineError(v) {
	if (!v || typeof v !== "object" || Array.isArray(v) || v.constructor !== Object) return undefined;
	const e = v.error;
	if (!e || typeof e !== "object" || typeof e.code !== "number" || Object.keys(v).length !== 1) return undefined;
	return e;
}

class RpcFailure extends Error {
	constructor(error) {
		super(error.message);
		this.error = error;
	}
}

// ---- engine -----------------------------------------------------------------------

class Engine {
	constructor(native) {
		this.native = native;
		this.seq = 0;
		this.inflight = 0;
		this.idle = [];
		this.closed = false;
	}

	/** Run one RPC request. Returns the decoded result or throws RpcFailure. */
	async call(method, params, session, txn) {
		if (this.closed) throw new RpcFailure(rpcError(-32000, "The engine is shutting down", "Internal"));
		const req = { id: ++this.seq, method };
		if (params !== undefined) req.params = params;
		if (session) req.session = session;
		if (txn) req.txn = txn;
		let bytes;
		try {
			bytes = encode(req);
		} catch (err) {
			throw new RpcFailure(ERR_INVALID_PARAMS(err.message));
		}
		this.inflight++;
		let out;
		try {
			out = decode(await this.native.execute(bytes));
		} catch (err) {
			throw new RpcFailure(rpcError(-32000, String(err?.message ?? err), "Internal"));
		} finally {
			if (--this.inflight === 0) for (const resolve of this.idle.splice(0)) resolve();
		}
		const error = engineError(out);
		if (error) throw new RpcFailure(error);
		return out;
	}

	drained() {
		return this.inflight === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
	}

	async close() {
		this.closed = true;
		await this.drained();
		await this.native.free();
	}
}

// ---- tokens (host-side root authentication) -----------------------------------------

const TOKEN_SECRET = randomBytes(64);
const TOKEN_TTL_SECONDS = 3600;
const b64url = (buf) => Buffer.from(buf).toString("base64url");

function issueToken(user) {
	const now = Math.floor(Date.now() / 1000);
	const header = b64url(JSON.stringify({ typ: "JWT", alg: "HS512" }));
	const payload = b64url(JSON.stringify({ iat: now, nbf: now, exp: now + TOKEN_TTL_SECONDS, iss: "SurrealDB", jti: randomUUID(), ID: user }));
	const sig = b64url(createHmac("sha512", TOKEN_SECRET).update(`${header}.${payload}`).digest());
	return `${header}.${payload}.${sig}`;
}

function verifyToken(token, user) {
	if (typeof token !== "string") return false;
	const parts = token.split(".");
	if (parts.length !== 3) return false;
	const expected = createHmac("sha512", TOKEN_SECRET).update(`${parts[0]}.${parts[1]}`).digest();
	const got = Buffer.from(parts[2], "base64url");
	if (got.length !== expected.length || !timingSafeEqual(got, expected)) return false;
	try {
		const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf-8"));
		const now = Math.floor(Date.now() / 1000);
		return claims.ID === user && typeof claims.exp === "number" && claims.exp > now;
	} catch {
		return false;
	}
}

function sameSecret(a, b) {
	const x = createHmac("sha256", TOKEN_SECRET).update(String(a)).digest();
	const y = createHmac("sha256", TOKEN_SECRET).update(String(b)).digest();
	return timingSafeEqual(x, y);
}

// ---- WebSocket connections ------------------------------------------------------------

// Methods that change the session: they wait for earlier requests of the connection and
// later requests wait for them. Everything else on a connection runs concurrently.
const SESSION_METHODS = new Set(["signin", "signup", "authenticate", "invalidate", "reset", "use", "let", "set", "unset", "begin", "commit", "cancel"]);
// At most this many requests of one connection run in the engine at once; more wait.
const MAX_CONCURRENT_PER_CONNECTION = 64;
// Methods allowed before signin when credentials are configured.
const ANONYMOUS_METHODS = new Set(["ping", "version", "signin", "signup", "authenticate", "invalidate", "reset", "use"]);
// Session management belongs to the host: one engine session per WebSocket connection.
const HOST_MANAGED = new Set(["attach", "detach", "sessions"]);

const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const asUuid = (v) => (typeof v === "string" && UUID_TEXT.test(v) ? new Uuid(v.toLowerCase()) : v);

class Host {
	constructor(cfg, engine) {
		this.cfg = cfg;
		this.engine = engine;
		this.bySession = new Map(); // session uuid text -> Connection
		this.liveOwners = new Map(); // live query uuid text -> Connection
		this.connections = new Set();
		this.shuttingDown = false;
	}

	async pumpNotifications(receiver) {
		for (;;) {
			let bytes;
			try {
				bytes = await receiver.recv();
			} catch (err) {
				if (!this.engine.closed) log("error", "notification stream failed:", err?.message ?? err);
				return;
			}
			if (bytes === null || bytes === undefined) return;
			try {
				this.route(decode(bytes));
			} catch (err) {
				log("warn", "dropping an undecodable notification:", err?.message ?? err);
			}
		}
	}

	route(n) {
		if (!n || typeof n !== "object") return;
		const lq = n.id instanceof Uuid ? n.id.text : String(n.id);
		let conn = n.session instanceof Uuid ? this.bySession.get(n.session.text) : undefined;
		conn ??= this.liveOwners.get(lq);
		if (!conn || conn.closing) return;
		if (n.action === "KILLED") {
			this.liveOwners.delete(lq);
			conn.lives.delete(lq);
		} else if (!conn.lives.has(lq)) {
			conn.trackLive(lq);
		}
		// A server sends the engine's notification without the session of the multi-session
		// API (clients here use the connection's own session).
		const { session: _session, ...notification } = n;
		conn.send(`{"result":${toJson(notification)}}`);
	}
}

class Connection {
	constructor(host, ws, remote) {
		this.host = host;
		this.ws = ws;
		this.remote = remote;
		this.sessionText = randomUUID();
		this.session = new Uuid(this.sessionText);
		this.authed = host.cfg.user === undefined;
		this.closing = false;
		this.lives = new Set();
		this.inflight = new Set();
		this.running = 0;
		this.waiting = [];
		host.bySession.set(this.sessionText, this);
		host.connections.add(this);
		// The first barrier: the engine session exists before any request runs.
		this.barrier = host.engine.call("attach", undefined, this.session).then(
			() => undefined,
			(err) => {
				log("error", "cannot attach an engine session:", err.message);
				ws.close(1011, "cannot create a session");
			},
		);
		ws.on("message", (data) => this.onMessage(data.toString("utf-8")));
		ws.on("close", () => this.onClose());
		ws.on("error", (err) => log("debug", `connection ${remote}:`, err.message));
	}

	send(text) {
		if (this.ws.readyState === this.ws.OPEN) this.ws.send(text);
	}

	reply(id, result, error) {
		const idPart = id === undefined ? "" : `"id":${toJson(id)},`;
		this.send(error ? `{${idPart}"error":${toJson(error)}}` : `{${idPart}"result":${toJson(result)}}`);
	}

	schedule(fn, barrier) {
		let p;
		if (barrier) {
			p = Promise.allSettled([this.barrier, ...this.inflight]).then(fn);
			this.barrier = p.then(
				() => undefined,
				() => undefined,
			);
		} else {
			p = this.barrier.then(async () => {
				await this.acquire();
				try {
					return await fn();
				} finally {
					this.release();
				}
			});
			this.inflight.add(p);
			const done = () => this.inflight.delete(p);
			p.then(done, done);
		}
		return p;
	}

	acquire() {
		if (this.running < MAX_CONCURRENT_PER_CONNECTION) {
			this.running++;
			return undefined;
		}
		return new Promise((resolve) => this.waiting.push(resolve));
	}

	release() {
		const next = this.waiting.shift();
		if (next) next();
		else this.running--;
	}

	onMessage(text) {
		let req;
		try {
			req = parseJson(text);
		} catch (err) {
			this.reply(undefined, undefined, ERR_PARSE(err.message));
			return;
		}
		if (!req || typeof req !== "object" || Array.isArray(req)) {
			this.reply(undefined, undefined, ERR_INVALID_REQUEST("expected an object {id, method, params}"));
			return;
		}
		const { id, method } = req;
		if (typeof method !== "string") {
			this.reply(id, undefined, ERR_INVALID_REQUEST("'method' must be a string"));
			return;
		}
		if (req.params !== undefined && req.params !== null && !Array.isArray(req.params)) {
			this.reply(id, undefined, ERR_INVALID_PARAMS("'params' must be an array"));
			return;
		}
		if (req.session !== undefined && req.session !== null) {
			this.reply(id, undefined, ERR_INVALID_REQUEST("'session' is not supported: each WebSocket connection has its own session"));
			return;
		}
		this.schedule(() => this.handle(method, req.params ?? undefined, req.txn), SESSION_METHODS.has(method)).then(
			(result) => this.reply(id, result),
			(err) => this.reply(id, undefined, err instanceof RpcFailure ? err.error : rpcError(-32000, String(err?.message ?? err), "Internal")),
		);
	}

	async handle(method, params, txn) {
		const { cfg, engine } = this.host;
		if (this.closing) throw new RpcFailure(rpcError(-32000, "The connection is closing", "Internal"));
		if (HOST_MANAGED.has(method)) throw new RpcFailure(ERR_METHOD(method));
		if (!this.authed && !ANONYMOUS_METHODS.has(method)) throw new RpcFailure(ERR_NOT_ALLOWED());

		switch (method) {
			case "signin": {
				const auth = params?.[0];
				if (!auth || typeof auth !== "object") throw new RpcFailure(ERR_INVALID_PARAMS("expected [{user, pass}]"));
				const user = auth.user ?? auth.username;
				const pass = auth.pass ?? auth.password;
				const scoped = auth.ns ?? auth.namespace ?? auth.db ?? auth.database ?? auth.ac ?? auth.access;
				if (cfg.user === undefined) {
					this.authed = true;
					return issueToken(String(user ?? "root"));
				}
				if (scoped !== undefined || typeof user !== "string" || pass === undefined || !sameSecret(user, cfg.user) || !sameSecret(pass, cfg.pass)) {
					throw new RpcFailure(ERR_AUTH());
				}
				this.authed = true;
				return issueToken(cfg.user);
			}
			case "signup":
				throw new RpcFailure(rpcError(-32000, "signup is not supported by this host (root users only)", "NotAllowed"));
			case "authenticate": {
				if (cfg.user !== undefined && !verifyToken(params?.[0], cfg.user)) throw new RpcFailure(ERR_AUTH());
				this.authed = true;
				return null;
			}
			case "invalidate":
				this.authed = cfg.user === undefined;
				return engine.call(method, params, this.session);
			case "reset": {
				this.authed = cfg.user === undefined;
				const out = await engine.call(method, params, this.session);
				this.forgetLives();
				return out;
			}
			case "kill":
				if (params) params = [asUuid(params[0]), ...params.slice(1)];
				break;
			case "commit":
			case "cancel":
				if (params) params = [asUuid(params[0]), ...params.slice(1)];
				break;
		}

		const result = await engine.call(method, params, this.session, txn === undefined || txn === null ? undefined : asUuid(txn));
		if (method === "live" && result instanceof Uuid) this.trackLive(result);
		else if (method === "query" && Array.isArray(result)) {
			for (const r of result) if (r && r.type === "live" && r.status === "OK" && r.result instanceof Uuid) this.trackLive(r.result);
		}
		return result;
	}

	trackLive(lq) {
		const text = lq instanceof Uuid ? lq.text : String(lq);
		this.lives.add(text);
		this.host.liveOwners.set(text, this);
	}

	forgetLives() {
		for (const lq of this.lives) if (this.host.liveOwners.get(lq) === this) this.host.liveOwners.delete(lq);
		this.lives.clear();
	}

	onClose() {
		if (this.closing) return;
		this.closing = true;
		this.closed = this.cleanup();
	}

	async cleanup() {
		const { engine } = this.host;
		await Promise.allSettled([this.barrier, ...this.inflight]);
		// `reset` kills the session's live queries; `detach` drops the session.
		for (const method of ["reset", "detach"]) {
			try {
				await engine.call(method, undefined, this.session);
			} catch (err) {
				if (!engine.closed) log("debug", `${method} on close failed:`, err.message);
			}
		}
		this.forgetLives();
		this.host.bySession.delete(this.sessionText);
		this.host.connections.delete(this);
		log("debug", `connection ${this.remote} closed`);
	}
}

// ---- HTTP + WebSocket server ---------------------------------------------------------------

async function main() {
	let cfg;
	try {
		cfg = parseArgs(process.argv.slice(2), process.env);
	} catch (err) {
		process.stderr.write(`surrealdb-host: ${err.message}\n${USAGE}\n`);
		process.exit(2);
	}
	logLevel = LEVELS[cfg.log];

	const { SurrealNodeEngine, packageVersion } = loadEngine();
	const engineVersion = SurrealNodeEngine.version();
	const options = {};
	if (cfg.queryTimeout) options.query_timeout = cfg.queryTimeout;
	if (cfg.transactionTimeout) options.transaction_timeout = cfg.transactionTimeout;
	let native;
	try {
		native = await SurrealNodeEngine.connect(cfg.path, Object.keys(options).length ? options : undefined);
	} catch (err) {
		log("error", `cannot open ${cfg.path}:`, err?.message ?? err);
		process.exit(1);
	}
	const engine = new Engine(native);
	const host = new Host(cfg, engine);
	host.pumpNotifications(await native.notifications());
	try {
		await engine.call("query", ["RETURN 1", {}]);
	} catch (err) {
		log("error", "the engine does not answer:", err.message);
		process.exit(1);
	}

	const health = async () => {
		if (host.shuttingDown) return false;
		try {
			const r = await Promise.race([engine.call("query", ["RETURN 1", {}]), new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 5000).unref())]);
			return Array.isArray(r) && r[0]?.status === "OK";
		} catch {
			return false;
		}
	};

	const server = http.createServer(async (req, res) => {
		const path = (req.url || "/").split("?")[0];
		if (req.method === "GET" || req.method === "HEAD") {
			if (path === "/health") {
				const ok = await health();
				res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" });
				res.end(ok ? "OK\n" : "Service Unavailable\n");
				return;
			}
			if (path === "/status") {
				res.writeHead(host.shuttingDown ? 503 : 200, { "content-type": "text/plain" });
				res.end();
				return;
			}
			if (path === "/version") {
				res.writeHead(200, { "content-type": "text/plain" });
				res.end(`surrealdb-${engineVersion}`);
				return;
			}
		}
		res.writeHead(404, { "content-type": "text/plain" });
		res.end("Not Found\n");
	});

	const wss = new WebSocketServer({
		noServer: true,
		handleProtocols: (protocols) => (protocols.has("json") ? "json" : false),
	});
	server.on("upgrade", (req, socket, head) => {
		const path = (req.url || "/").split("?")[0];
		const offered = String(req.headers["sec-websocket-protocol"] ?? "")
			.split(",")
			.map((s) => s.trim())
			.filter(Boolean);
		let refusal;
		if (host.shuttingDown) refusal = "503 Service Unavailable";
		else if (path !== "/rpc") refusal = "404 Not Found";
		else if (offered.length && !offered.includes("json")) refusal = "400 Bad Request";
		if (refusal) {
			socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
			return;
		}
		wss.handleUpgrade(req, socket, head, (ws) => {
			const remote = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
			log("debug", `connection ${remote} opened`);
			new Connection(host, ws, remote);
		});
	});

	await new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(cfg.port, cfg.host, resolve);
	}).catch((err) => {
		log("error", `cannot listen on ${cfg.bind}:`, err.message);
		process.exit(1);
	});
	const port = server.address().port;
	log("info", `SurrealDB engine ${engineVersion} (@surrealdb/node ${packageVersion}, node ${process.version}) storage ${cfg.path}; auth ${cfg.user === undefined ? "off" : "on"}`);
	process.stdout.write(`LISTENING ${cfg.hostLabel}:${port}\n`);

	const shutdown = async (why) => {
		if (host.shuttingDown) return;
		host.shuttingDown = true;
		log("info", `shutting down (${why})`);
		const force = setTimeout(() => {
			log("error", "shutdown took too long; exiting");
			process.exit(1);
		}, 20000);
		force.unref();
		server.close();
		for (const conn of host.connections) conn.ws.close(1001, "server shutting down");
		// Give clients a moment to answer the close handshake, then cut the rest.
		if (host.connections.size) await new Promise((resolve) => setTimeout(resolve, 500));
		for (const conn of host.connections) conn.ws.terminate();
		try {
			await engine.close();
		} catch (err) {
			log("error", "closing the engine failed:", err?.message ?? err);
			process.exit(1);
		}
		log("info", "engine closed");
		process.exit(0);
	};
	process.on("SIGTERM", () => shutdown("SIGTERM"));
	process.on("SIGINT", () => shutdown("SIGINT"));
	if (cfg.exitWithStdin) {
		process.stdin.on("end", () => shutdown("stdin closed"));
		process.stdin.on("error", () => shutdown("stdin error"));
		process.stdin.resume();
	}
}

main().catch((err) => {
	log("error", err?.stack ?? String(err));
	process.exit(1);
});
