#!/usr/bin/env node
// Measures the engine host over a real WebSocket:
//   1. latency of a trivial `query` (RETURN 1): 1000 sequential requests, after a warm-up
//   2. throughput of 10,000 `CREATE task:⟨uuid⟩ CONTENT $data`, 16 requests in flight
//
// usage: node surrealdb-host/bench.mjs [mem:// | surrealkv:///dir | rocksdb:///dir] [--connections N]
// (with no path, runs all three storages in a temporary directory)

import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { Client, startServer, tempDir } from "./testing/helpers.mjs";

const args = process.argv.slice(2);
const connIdx = args.indexOf("--connections");
const connections = connIdx >= 0 ? Number(args.splice(connIdx, 2)[1]) : 1;
const LATENCY_N = 1000;
const CREATE_N = 10000;
const IN_FLIGHT = 16;

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (x) => `${x.toFixed(3)} ms`;

function taskData(i) {
	return {
		kind: "provision",
		state: "queued",
		priority: i % 5,
		attempts: 0,
		created: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
		spec: { cpu: 2 + (i % 4), memoryMb: 4096, disks: [{ sizeGb: 20, tier: "ssd" }, { sizeGb: 100, tier: "hdd" }], labels: { team: "infra", env: i % 2 ? "prod" : "dev" } },
		history: [{ at: "2024-01-01T00:00:00Z", state: "new" }],
	};
}

async function bench(path) {
	const srv = await startServer({ path });
	try {
		const clients = [];
		for (let i = 0; i < connections; i++) clients.push(await (await Client.connect(srv.url)).login("bench", "bench"));
		const c = clients[0];
		await c.call("query", ["DEFINE TABLE task SCHEMALESS"]);

		for (let i = 0; i < 200; i++) await c.call("query", ["RETURN 1"]);
		const lat = [];
		for (let i = 0; i < LATENCY_N; i++) {
			const t = process.hrtime.bigint();
			await c.call("query", ["RETURN 1"]);
			lat.push(Number(process.hrtime.bigint() - t) / 1e6);
		}
		lat.sort((a, b) => a - b);

		let next = 0;
		const createLat = [];
		const t0 = process.hrtime.bigint();
		const worker = async (w) => {
			const client = clients[w % clients.length];
			for (;;) {
				const i = next++;
				if (i >= CREATE_N) return;
				const t = process.hrtime.bigint();
				const r = await client.call("query", [`CREATE task:⟨${randomUUID()}⟩ CONTENT $data`, { data: taskData(i) }]);
				createLat.push(Number(process.hrtime.bigint() - t) / 1e6);
				if (r[0].status !== "OK") throw new Error(JSON.stringify(r));
			}
		};
		await Promise.all(Array.from({ length: IN_FLIGHT }, (_, w) => worker(w)));
		const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
		createLat.sort((a, b) => a - b);
		const count = (await c.call("query", ["RETURN count(SELECT id FROM task)"]))[0].result;
		if (count !== CREATE_N) throw new Error(`expected ${CREATE_N} tasks, found ${count}`);

		console.log(`\n${path}  (${connections} connection${connections > 1 ? "s" : ""})`);
		console.log(`  RETURN 1, ${LATENCY_N} sequential: median ${ms(pct(lat, 50))}, p90 ${ms(pct(lat, 90))}, p99 ${ms(pct(lat, 99))}, max ${ms(lat[lat.length - 1])}`);
		console.log(
			`  CREATE x ${CREATE_N}, ${IN_FLIGHT} in flight: ${seconds.toFixed(2)} s = ${Math.round(CREATE_N / seconds)} creates/s; ` +
				`latency median ${ms(pct(createLat, 50))}, p99 ${ms(pct(createLat, 99))}`,
		);
		await Promise.all(clients.map((x) => x.close()));
	} finally {
		await srv.stop();
	}
}

const tmp = tempDir("surrealdb-host-bench-");
try {
	const paths = args.length ? args : ["mem://", `surrealkv://${join(tmp.dir, "kv")}`, `rocksdb://${join(tmp.dir, "rocks")}`];
	console.log(`node ${process.version}, ${new Date().toISOString()}`);
	for (const p of paths) await bench(p);
} finally {
	tmp.remove();
}
