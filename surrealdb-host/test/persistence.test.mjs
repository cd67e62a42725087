// File-backed storage: acknowledged writes survive `kill -9`, SIGTERM closes cleanly,
// and a second host cannot open a path that is in use.

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Client, sleep, startServer, tempDir } from "../testing/helpers.mjs";

for (const scheme of ["surrealkv", "rocksdb"]) {
	describe(`persistence with ${scheme}://`, () => {
		it("keeps every acknowledged write after kill -9 and a restart", async () => {
			const tmp = tempDir();
			const path = `${scheme}://${join(tmp.dir, "db")}`;
			try {
				let srv = await startServer({ path });
				let c = await Client.connect(srv.url);
				await c.login("persist", "persist");
				await c.call("query", ["DEFINE TABLE task SCHEMALESS"]);

				// Sequential acknowledged writes...
				const acked = new Map();
				for (let i = 0; i < 50; i++) {
					const id = randomUUID();
					const data = { n: i, nested: { list: [i, `x${i}`], flag: i % 2 === 0 }, at: "2024-02-03T04:05:06.789Z" };
					const r = await c.call("query", ["CREATE type::record('task', $id) CONTENT $data", { id, data }]);
					assert.equal(r[0].status, "OK");
					acked.set(id, data);
				}
				// ...then 4 concurrent writers still running when the process is killed.
				let stop = false;
				const writers = [0, 1, 2, 3].map(async (w) => {
					let i = 0;
					while (!stop) {
						const id = randomUUID();
						const data = { n: 1000 * (w + 1) + i++, nested: { list: [w], flag: true }, at: "2024-02-03T04:05:06.789Z" };
						let r;
						try {
							r = await c.call("query", ["CREATE type::record('task', $id) CONTENT $data", { id, data }]);
						} catch {
							return; // connection died with the process
						}
						if (r[0].status === "OK") acked.set(id, data);
					}
				});
				await sleep(400);
				srv.proc.kill("SIGKILL");
				const { signal } = await srv.exited;
				stop = true;
				await Promise.all(writers);
				assert.equal(signal, "SIGKILL");
				assert.ok(acked.size > 50, `writes were in flight (${acked.size} acknowledged)`);

				srv = await startServer({ path });
				c = await Client.connect(srv.url);
				await c.login("persist", "persist");
				const rows = (await c.call("query", ["SELECT * FROM task"]))[0].result;
				const byId = new Map(rows.map((r) => [r.id, r]));
				for (const [id, data] of acked) {
					const row = byId.get(`task:\`${id}\``);
					assert.ok(row, `acknowledged record ${id} survived`);
					assert.deepEqual({ n: row.n, nested: row.nested, at: row.at }, data);
				}
				await c.close();
				const { code } = await srv.stop("SIGTERM");
				assert.equal(code, 0);
			} finally {
				tmp.remove();
			}
		});

		it("shuts down cleanly on SIGTERM/SIGINT and reopens the same files", async () => {
			const tmp = tempDir();
			const path = `${scheme}://${join(tmp.dir, "db")}`;
			try {
				for (const [round, signal] of [
					[1, "SIGTERM"],
					[2, "SIGINT"],
					[3, "SIGTERM"],
				]) {
					const srv = await startServer({ path });
					const c = await Client.connect(srv.url);
					await c.login("clean", "clean");
					await c.call("query", ["CREATE type::record('round', $n) SET at = time::now()", { n: round }]);
					const count = (await c.call("query", ["RETURN count(SELECT * FROM round)"]))[0].result;
					assert.equal(count, round);
					// Leave the connection open: the host must close it itself.
					const { code } = await srv.stop(signal);
					assert.equal(code, 0, `exit code after ${signal}; stderr:\n${srv.stderr()}`);
				}
			} finally {
				tmp.remove();
			}
		});

		it("refuses to open a path that another host holds", async () => {
			const tmp = tempDir();
			const path = `${scheme}://${join(tmp.dir, "db")}`;
			try {
				const first = await startServer({ path });
				await assert.rejects(startServer({ path }), /exited early \(code 1/);
				assert.equal((await fetch(`${first.http}/health`)).status, 200);
				assert.equal((await first.stop()).code, 0);
			} finally {
				tmp.remove();
			}
		});
	});
}
