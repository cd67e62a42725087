// Test helpers: spawn server.mjs as a child process and talk to it with a real
// WebSocket client (`ws`), exactly as a remote client would.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";

export const SERVER = join(dirname(fileURLToPath(import.meta.url)), "..", "server.mjs");
export const USER = "root";
export const PASS = "s3cret-pass";

export function tempDir(prefix = "surrealdb-host-") {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Start the server; resolves once it printed "LISTENING host:port". */
export function startServer({ path = "mem://", user = USER, pass = PASS, extra = [] } = {}) {
	const args = [SERVER, "--bind", "127.0.0.1:0", "--path", path, "--log", "warn", ...extra];
	if (user !== undefined) args.push("--user", user, "--pass", pass);
	else args.push("--unauthenticated");
	const proc = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "pipe"] });
	let stderr = "";
	proc.stderr.on("data", (d) => {
		stderr += d;
	});
	const exited = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
	return new Promise((resolve, reject) => {
		let out = "";
		const timer = setTimeout(() => reject(new Error(`server did not start in time; stderr:\n${stderr}`)), 30000);
		proc.stdout.on("data", (d) => {
			out += d;
			const m = /LISTENING (\S+):(\d+)\n/.exec(out);
			if (m) {
				clearTimeout(timer);
				const port = Number(m[2]);
				resolve({
					proc,
					port,
					hostPort: `${m[1]}:${port}`,
					url: `ws://127.0.0.1:${port}/rpc`,
					http: `http://127.0.0.1:${port}`,
					exited,
					stderr: () => stderr,
					stop: async (signal = "SIGTERM") => {
						if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
						return exited;
					},
				});
			}
		});
		exited.then(({ code, signal }) => {
			clearTimeout(timer);
			reject(new Error(`server exited early (code ${code}, signal ${signal}); stderr:\n${stderr}`));
		});
	});
}

/** A JSON-RPC client over one WebSocket connection. */
export class Client {
	static async connect(url, protocol = "json") {
		const ws = new WebSocket(url, protocol);
		const client = new Client(ws);
		await new Promise((resolve, reject) => {
			ws.once("open", resolve);
			ws.once("error", reject);
		});
		return client;
	}

	constructor(ws) {
		this.ws = ws;
		this.seq = 0;
		this.pending = new Map();
		this.notifications = [];
		this.waiters = [];
		this.raw = [];
		ws.on("message", (data) => {
			const text = data.toString();
			this.raw.push(text);
			const msg = JSON.parse(text);
			if (msg.id !== undefined && this.pending.has(msg.id)) {
				const { resolve } = this.pending.get(msg.id);
				this.pending.delete(msg.id);
				resolve({ msg, text });
			} else if (msg.id === undefined && msg.result && msg.result.action) {
				this.notifications.push(msg);
				for (const w of this.waiters.splice(0)) w();
			} else {
				this.raw.push(`unmatched: ${text}`);
			}
		});
		ws.on("close", () => {
			for (const { reject } of this.pending.values()) reject(new Error("connection closed"));
			this.pending.clear();
		});
	}

	/** Send a request; resolves to the whole response message ({id, result} or {id, error}). */
	send(method, params) {
		const id = ++this.seq;
		const msg = params === undefined ? { id, method } : { id, method, params };
		return this.sendRaw(JSON.stringify(msg), id);
	}

	sendRaw(text, id) {
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve: ({ msg }) => resolve(msg), reject });
			this.ws.send(text);
		});
	}

	/** Like send, but returns `result` and throws on `error`. */
	async call(method, params) {
		const msg = await this.send(method, params);
		if (msg.error) {
			const err = new Error(`${method} failed: ${JSON.stringify(msg.error)}`);
			err.rpc = msg.error;
			throw err;
		}
		return msg.result;
	}

	async login(ns = "test", db = "test") {
		await this.call("signin", [{ user: USER, pass: PASS }]);
		await this.call("use", [ns, db]);
		return this;
	}

	/** Wait until `count` notifications arrived (or fail after `ms`). */
	async waitNotifications(count, ms = 5000) {
		const deadline = Date.now() + ms;
		while (this.notifications.length < count) {
			const left = deadline - Date.now();
			if (left <= 0) throw new Error(`expected ${count} notifications, got ${this.notifications.length}: ${JSON.stringify(this.notifications)}`);
			await new Promise((resolve) => {
				const t = setTimeout(resolve, left);
				this.waiters.push(() => {
					clearTimeout(t);
					resolve();
				});
			});
		}
		return this.notifications;
	}

	close() {
		return new Promise((resolve) => {
			if (this.ws.readyState === WebSocket.CLOSED) return resolve();
			this.ws.once("close", resolve);
			this.ws.close();
		});
	}
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
