// WebSocket JSON-RPC behaviour of server.mjs, against the real engine (in memory).

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { Client, PASS, USER, sleep, startServer } from "../testing/helpers.mjs";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("engine host: WebSocket JSON-RPC", () => {
	let srv;
	const clients = [];
	const connect = async () => {
		const c = await Client.connect(srv.url);
		clients.push(c);
		return c;
	};

	before(async () => {
		srv = await startServer();
	});
	after(async () => {
		await Promise.all(clients.map((c) => c.close()));
		const { code } = await srv.stop();
		assert.equal(code, 0, `server exit code; stderr:\n${srv.stderr()}`);
	});

	it("prints LISTENING host:port and answers version/ping without signin", async () => {
		assert.match(srv.hostPort, /^127\.0\.0\.1:\d+$/);
		const c = await connect();
		assert.equal(await c.call("version"), "surrealdb-3.0.2");
		assert.equal(await c.call("ping"), null);
	});

	it("refuses queries before signin and rejects a wrong password", async () => {
		const c = await connect();
		const denied = await c.send("query", ["RETURN 1"]);
		assert.equal(denied.error.code, -32002);
		const bad = await c.send("signin", [{ user: USER, pass: "wrong" }]);
		assert.deepEqual(bad.error, {
			code: -32002,
			details: { details: { kind: "InvalidAuth" }, kind: "Auth" },
			kind: "NotAllowed",
			message: "There was a problem with authentication",
		});
		const stillDenied = await c.send("query", ["RETURN 1"]);
		assert.equal(stillDenied.error.code, -32002);
	});

	it("signin + use + query with vars round-trips values", async () => {
		const c = await connect();
		const token = await c.call("signin", [{ user: USER, pass: PASS }]);
		assert.equal(typeof token, "string");
		assert.equal(token.split(".").length, 3);
		assert.deepEqual(await c.call("use", ["rt", "rt"]), { namespace: "rt", database: "rt" });

		// Raw JSON so that 64-bit integers and 2.0 travel exactly as written.
		const raw =
			'{"id":"q1","method":"query","params":["RETURN [$s, $i, $f, $whole, $big, $neg, $nested, $arr, $nil, type::is_float($whole), type::is_int($big)]",' +
			'{"s":"héllo \\"quoted\\" ⟨x⟩ \\u2028","i":42,"f":2.5,"whole":2.0,"big":9223372036854775807,"neg":-9223372036854775808,' +
			'"nested":{"a":{"b":[1,{"c":"d"}]}},"arr":[1,"two",true,null],"nil":null}]}';
		const res = await c.sendRaw(raw, "q1");
		assert.equal(res.id, "q1");
		assert.equal(res.result.length, 1);
		assert.equal(res.result[0].status, "OK");
		assert.match(res.result[0].time, /^[\d.]+(ns|µs|ms|s)$/);
		const text = c.raw.find((t) => t.startsWith('{"id":"q1"'));
		assert.ok(text.includes("9223372036854775807,-9223372036854775808"), "64-bit integers are exact");
		assert.ok(text.includes('2.5,2.0,'), "floats keep their float form");
		const [s, i, f, , , , nested, arr, nil, isFloat, isInt] = res.result[0].result;
		assert.equal(s, 'héllo "quoted" ⟨x⟩ \u2028');
		assert.equal(i, 42);
		assert.equal(f, 2.5);
		assert.deepEqual(nested, { a: { b: [1, { c: "d" }] } });
		assert.deepEqual(arr, [1, "two", true, null]);
		assert.equal(nil, null);
		assert.equal(isFloat, true);
		assert.equal(isInt, true);

		await c.call("let", ["greeting", "hi"]);
		assert.equal((await c.call("query", ["RETURN $greeting"]))[0].result, "hi");
		await c.call("unset", ["greeting"]);
		assert.equal((await c.call("query", ["RETURN $greeting"]))[0].result, null);
	});

	it("CREATE/SELECT records with nested objects, datetimes, arrays; ids and datetimes as strings", async () => {
		const c = await (await connect()).login("rec", "rec");
		const id = "0190f7e6-1234-7000-8000-00000000abcd";
		const data = {
			name: "provision vm",
			spec: { cpu: 4, disks: [{ size: 10, tags: ["a", "b"] }, { size: 20, tags: [] }] },
			attempts: [1, 2, 3],
			at: "2024-05-06T07:08:09.123Z",
		};
		const created = await c.call("query", [
			"CREATE type::record('task', $id) CONTENT $data; UPDATE type::record('task', $id) SET at = <datetime>at, seen = d'2024-05-06T07:08:09.5Z', nanos = d'2024-05-06T07:08:09.123456789Z', owner = user:alice, dur = 90m, ref = u'0190f7e6-0000-7000-8000-000000000001', price = 12.50dec; SELECT * FROM task WHERE id = type::record('task', $id); SELECT * FROM ONLY type::record('task', $id)",
			{ id, data },
		]);
		assert.deepEqual(
			created.map((r) => r.status),
			["OK", "OK", "OK", "OK"],
		);
		const rec = created[3].result;
		assert.equal(rec.id, `task:\`${id}\``, "string key with dashes is written in backticks");
		assert.deepEqual(rec.spec, data.spec);
		assert.deepEqual(rec.attempts, [1, 2, 3]);
		assert.equal(rec.name, "provision vm");
		assert.equal(rec.at, "2024-05-06T07:08:09.123Z");
		assert.equal(rec.seen, "2024-05-06T07:08:09.500Z");
		assert.equal(rec.nanos, "2024-05-06T07:08:09.123456789Z");
		assert.equal(rec.owner, "user:alice");
		assert.equal(rec.dur, "1h30m");
		assert.equal(rec.ref, "0190f7e6-0000-7000-8000-000000000001");
		assert.equal(rec.price, "12.5", "decimals are strings (normalised by the engine)");
		assert.deepEqual(created[2].result, [rec]);

		// The datetime is a real datetime in the engine (comparisons work).
		const cmp = await c.call("query", ["SELECT VALUE id FROM task WHERE at > d'2024-01-01T00:00:00Z' AND at < time::now()"]);
		assert.deepEqual(cmp[0].result, [rec.id]);
	});

	it("writes record ids exactly like the engine's own <string> rendering", async () => {
		const c = await (await connect()).login("ids", "ids");
		const ids = [
			"t:abc",
			"t:⟨a-b⟩",
			"t:123",
			"t:⟨123⟩",
			"t:u'0190f7e6-0000-7000-8000-000000000001'",
			"t:[1, 'a', d'2024-01-01T00:00:00Z']",
			"t:{ a: 1, b: 'x' }",
			"⟨my-table⟩:x",
			"t:⟨a`b⟩",
			"t:⟨a\\\\b⟩",
			"t:⟨é⟩",
			"t:⟨⟩",
			"t:-5",
			"t:1..5",
		];
		const sql = ids.map((x) => `RETURN [<string> ${x}, ${x}]`).join("; ");
		const out = await c.call("query", [sql]);
		for (const [i, r] of out.entries()) {
			assert.equal(r.status, "OK", ids[i]);
			assert.equal(r.result[1], r.result[0], `JSON of ${ids[i]}`);
		}
	});

	it("reports statement errors as status ERR and syntax errors as RPC errors", async () => {
		const c = await (await connect()).login("err", "err");
		const res = await c.call("query", ["CREATE dup:1; CREATE dup:1; THROW 'boom'; RETURN 7"]);
		assert.deepEqual(
			res.map((r) => r.status),
			["OK", "ERR", "ERR", "OK"],
		);
		assert.equal(res[1].result, "Database record `dup:1` already exists");
		assert.equal(res[1].kind, "AlreadyExists");
		assert.equal(res[2].result, "An error occurred: boom");
		assert.equal(res[3].result, 7);

		const syntax = await c.send("query", ["SELEC * FROM nowhere"]);
		assert.equal(syntax.result, undefined);
		assert.equal(syntax.error.code, -32000);
		assert.match(syntax.error.message, /^Parse error/);

		const unknown = await c.send("nosuchmethod", []);
		assert.equal(unknown.error.code, -32601);
		const managed = await c.send("attach", []);
		assert.equal(managed.error.code, -32601);

		// Malformed frames are answered, not fatal.
		c.ws.send("this is not json");
		c.ws.send('{"id":99}');
		await sleep(200);
		assert.ok(c.raw.some((t) => t.startsWith('{"error":{"code":-32700')));
		assert.ok(c.raw.some((t) => t.startsWith('{"id":99,"error":{"code":-32600')));
		assert.equal(await c.call("ping"), null);
	});

	it("pushes live notifications (CREATE/UPDATE/DELETE) to the connection that started them", async () => {
		const owner = await (await connect()).login("live", "live");
		const writer = await (await connect()).login("live", "live");
		const bystander = await (await connect()).login("live", "live");
		await owner.call("query", ["DEFINE TABLE job SCHEMALESS"]);

		const lqId = await owner.call("live", ["job"]);
		assert.match(lqId, UUID_RE);
		const viaQuery = await owner.call("query", ["LIVE SELECT * FROM job WHERE state = 'done'"]);
		assert.equal(viaQuery[0].type, "live");
		const lqFiltered = viaQuery[0].result;
		assert.match(lqFiltered, UUID_RE);

		await writer.call("query", ["CREATE job:1 SET state = 'new', spec = { n: [1, 2] }, at = d'2024-01-01T00:00:00Z'"]);
		await writer.call("query", ["UPDATE job:1 SET state = 'done'"]);
		await writer.call("query", ["DELETE job:1"]);
		const got = await owner.waitNotifications(5);
		await sleep(200);
		// The engine sends notifications asynchronously after commit: under load their order
		// can differ from the commit order, so only the set is checked here.
		const forMain = got.filter((n) => n.result.id === lqId).map((n) => n.result);
		const byAction = Object.fromEntries(forMain.map((n) => [n.action, n]));
		assert.deepEqual(forMain.map((n) => n.action).sort(), ["CREATE", "DELETE", "UPDATE"]);
		assert.deepEqual(byAction.CREATE, {
			action: "CREATE",
			id: lqId,
			record: "job:1",
			result: { at: "2024-01-01T00:00:00Z", id: "job:1", spec: { n: [1, 2] }, state: "new" },
		});
		assert.equal(byAction.UPDATE.result.state, "done");
		assert.equal(byAction.DELETE.result.id, "job:1");
		const forFiltered = got.filter((n) => n.result.id === lqFiltered).map((n) => n.result.action);
		assert.deepEqual(forFiltered.sort(), ["DELETE", "UPDATE"]);
		for (const n of got) {
			assert.equal(n.id, undefined, "notifications carry no id");
			assert.deepEqual(Object.keys(n), ["result"]);
		}
		// The wire text is exactly {"result":{...}}.
		assert.ok(owner.raw.some((t) => t.startsWith('{"result":{"action":"CREATE","id":"')));
		assert.equal(writer.notifications.length, 0);
		assert.equal(bystander.notifications.length, 0);

		// kill stops the stream (the engine reports KILLED to the owner).
		assert.equal(await owner.call("kill", [lqId]), null);
		await owner.call("kill", [lqFiltered]);
		const before = owner.notifications.filter((n) => n.result.action !== "KILLED").length;
		await writer.call("query", ["CREATE job:2 SET state = 'done'"]);
		await sleep(300);
		assert.equal(owner.notifications.filter((n) => n.result.action !== "KILLED").length, before);
		assert.ok(owner.notifications.some((n) => n.result.action === "KILLED" && n.result.id === lqId));
	});

	it("kills a connection's live queries when it closes", async () => {
		const a = await (await connect()).login("close", "close");
		const b = await (await connect()).login("close", "close");
		await a.call("query", ["DEFINE TABLE thing SCHEMALESS"]);
		const lq = await a.call("live", ["thing"]);
		await a.close();
		await sleep(1000); // the host cleans up (reset + detach) asynchronously after the close
		// Killing it again fails because the host already did on close.
		const again = await b.send("kill", [lq]);
		assert.ok(again.error, JSON.stringify(again));
		await b.call("query", ["CREATE thing:1"]);
	});

	it("gives every connection its own session (namespace, database, variables, auth)", async () => {
		const a = await (await connect()).login("nsA", "dbA");
		const b = await (await connect()).login("nsB", "dbB");
		const anon = await connect();
		await a.call("query", ["CREATE item:1 SET owner = 'a'"]);
		await b.call("query", ["CREATE item:1 SET owner = 'b'"]);
		await a.call("let", ["who", "a"]);
		await b.call("let", ["who", "b"]);
		const [ra, rb] = await Promise.all([
			a.call("query", ["SELECT * FROM item; RETURN $who; RETURN [session::ns(), session::db()]"]),
			b.call("query", ["SELECT * FROM item; RETURN $who; RETURN [session::ns(), session::db()]"]),
		]);
		assert.deepEqual(ra[0].result, [{ id: "item:1", owner: "a" }]);
		assert.deepEqual(rb[0].result, [{ id: "item:1", owner: "b" }]);
		assert.equal(ra[1].result, "a");
		assert.equal(rb[1].result, "b");
		assert.deepEqual(ra[2].result, ["nsA", "dbA"]);
		assert.deepEqual(rb[2].result, ["nsB", "dbB"]);
		assert.equal((await anon.send("query", ["RETURN 1"])).error.code, -32002, "signin is per connection");
	});

	it("accepts the signin token on another connection via authenticate", async () => {
		const a = await connect();
		const token = await a.call("signin", [{ username: USER, password: PASS }]);
		const b = await connect();
		assert.equal((await b.send("authenticate", ["not.a.token"])).error.code, -32002);
		assert.equal(await b.call("authenticate", [token]), null);
		await b.call("use", ["tok", "tok"]);
		assert.equal((await b.call("query", ["RETURN 5"]))[0].result, 5);
		await b.call("invalidate");
		assert.equal((await b.send("query", ["RETURN 5"])).error.code, -32002);
	});

	it("runs transactions with begin/commit", async () => {
		const c = await (await connect()).login("txn", "txn");
		const txn = await c.call("begin");
		assert.match(txn, UUID_RE);
		const msg = await c.sendRaw(JSON.stringify({ id: 501, method: "query", params: ["CREATE tx:1"], txn }), 501);
		assert.equal(msg.result[0].status, "OK");
		await c.call("commit", [txn]);
		assert.deepEqual((await c.call("query", ["SELECT * FROM tx"]))[0].result, [{ id: "tx:1" }]);
	});

	it("serves /health, /status and /version over HTTP and refuses other subprotocols", async () => {
		const health = await fetch(`${srv.http}/health`);
		assert.equal(health.status, 200);
		assert.equal((await fetch(`${srv.http}/status`)).status, 200);
		assert.equal(await (await fetch(`${srv.http}/version`)).text(), "surrealdb-3.0.2");
		assert.equal((await fetch(`${srv.http}/nope`)).status, 404);
		await assert.rejects(Client.connect(srv.url, "cbor"));
		await assert.rejects(Client.connect(srv.url.replace("/rpc", "/other")));
		// No subprotocol at all is accepted (JSON).
		const ws = new WebSocket(srv.url);
		await new Promise((resolve, reject) => {
			ws.once("open", resolve);
			ws.once("error", reject);
		});
		ws.close();
	});
});
