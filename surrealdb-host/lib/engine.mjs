// Loads the native SurrealDB engine shipped in @surrealdb/node.
//
// `@surrealdb/node` only exports an SDK adapter (NodeEngine) on top of the napi-rs
// addon. The adapter hides the parts we need (the per-request `session` field and the
// raw notification stream), so we load the addon's `SurrealNodeEngine` directly:
//
//   SurrealNodeEngine.connect(url, options) -> engine      (url: mem://, surrealkv://dir, rocksdb://dir)
//   engine.execute(cborRequest) -> cborResponse            (the engine's RPC dispatcher)
//   engine.notifications() -> receiver; receiver.recv() -> cbor | null
//   engine.free()                                          (drops the datastore: closes files, releases the lock)
//   SurrealNodeEngine.version() -> "3.0.2"
//
// The request is a CBOR map {id, method, params, session?, txn?}; the response is the
// method's result, or a map {error: {code, message, kind, details}} for an RPC error.

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

function isMusl() {
	if (process.platform !== "linux") return false;
	try {
		if (readFileSync("/usr/bin/ldd", "utf-8").includes("musl")) return true;
	} catch {
		// fall through
	}
	const report = typeof process.report?.getReport === "function" ? process.report.getReport() : null;
	return !(report?.header?.glibcVersionRuntime);
}

function bindingFileName() {
	const { platform, arch } = process;
	if (platform === "linux") return `surrealdb-node.linux-${arch}-${isMusl() ? "musl" : "gnu"}.node`;
	if (platform === "win32") return `surrealdb-node.win32-${arch}-msvc.node`;
	if (platform === "darwin") return `surrealdb-node.darwin-${arch}.node`;
	return `surrealdb-node.${platform}-${arch}.node`;
}

function packageDir(name) {
	// The package's "exports" hide its files, so resolve the entry point and walk up.
	const entry = fileURLToPath(import.meta.resolve(name));
	let dir = dirname(entry);
	while (!existsSync(join(dir, "package.json"))) {
		const up = dirname(dir);
		if (up === dir) throw new Error(`cannot find the package directory of ${name}`);
		dir = up;
	}
	return dir;
}

let cached;

/** @returns {{SurrealNodeEngine: any, bindingPath: string, packageVersion: string}} */
export function loadEngine() {
	if (cached) return cached;
	let bindingPath = process.env.SURREALDB_NODE_BINDING;
	let packageVersion = "unknown";
	if (!bindingPath) {
		const dir = packageDir("@surrealdb/node");
		packageVersion = JSON.parse(readFileSync(join(dir, "package.json"), "utf-8")).version;
		bindingPath = join(dir, "dist", bindingFileName());
		if (!existsSync(bindingPath)) {
			// napi-rs also publishes per-platform packages, e.g. @surrealdb/node-linux-x64-gnu
			const alt = `@surrealdb/node-${bindingFileName().replace(/^surrealdb-node\.|\.node$/g, "")}`;
			try {
				bindingPath = require.resolve(alt);
			} catch {
				throw new Error(`the SurrealDB engine has no native build for ${process.platform}-${process.arch} (looked for ${bindingPath} and ${alt})`);
			}
		}
	}
	const binding = require(bindingPath);
	if (!binding?.SurrealNodeEngine) throw new Error(`${bindingPath} does not export SurrealNodeEngine`);
	cached = { SurrealNodeEngine: binding.SurrealNodeEngine, bindingPath, packageVersion };
	return cached;
}
