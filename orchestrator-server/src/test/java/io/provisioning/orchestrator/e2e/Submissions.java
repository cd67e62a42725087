package io.provisioning.orchestrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The four kinds of submission the idempotency tests send (servers, taskserv, cluster, batch),
 * each with a body, a changed body and the number of tasks one submission makes.
 */
enum Submissions {
    SERVERS("/workflows/servers/create", 1, """
            {"infra": "production", "settings": "./settings.yaml", "servers": ["%s"]}"""),
    TASKSERV("/workflows/taskserv/create", 1, """
            {"infra": "production", "settings": "./settings.yaml", "taskserv": "etcd", "servers": ["%s"]}"""),
    /** The fixture plans a cluster as one server and one taskserv: three tasks. */
    CLUSTER("/workflows/cluster/create", 3, """
            {"infra": "production", "settings": "./settings.yaml", "cluster_type": "%s"}"""),
    /** Two workflows and a cluster (three tasks) after them. */
    BATCH("/workflows/batch", 5, """
            {"tasks": [
              {"ref": "check", "workflow": "cluster", "after": ["etcd"], "infra": "production",
               "settings": "./settings.yaml", "cluster_type": "%1$s"},
              {"ref": "etcd", "workflow": "taskserv", "after": ["base"], "infra": "production",
               "settings": "./settings.yaml", "taskserv": "etcd", "servers": ["%1$s"]},
              {"ref": "base", "workflow": "servers", "infra": "production", "settings": "./settings.yaml",
               "servers": ["%1$s"]}]}""");

    final String path;
    final int tasks;
    private final String template;

    Submissions(String path, int tasks, String template) {
        this.path = path;
        this.tasks = tasks;
        this.template = template;
    }

    String body() {
        return template.formatted("web-01");
    }

    String changedBody() {
        return template.formatted("web-02");
    }

    Api.Reply post(Api api, String body, String key) throws Exception {
        return api.post(path, body, "Idempotency-Key", key);
    }

    /** How many tasks the server holds. */
    static long total(Api api) throws Exception {
        Api.Reply reply = api.get("/tasks?limit=1");
        assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(200);
        return Long.parseLong(reply.headers().get("x-total-count").get(0));
    }

    /** A first answer, then a second with the same key and body: the same data, marked replayed. */
    static void assertReplayed(Api.Reply first, Api.Reply again) {
        assertThat(first.status()).as(String.valueOf(first.body())).isEqualTo(200);
        assertThat(again.status()).as(String.valueOf(again.body())).isEqualTo(200);
        assertThat(again.data()).isEqualTo(first.data());
        assertThat(again.data().toString()).as("the same shape: keys in the same order").isEqualTo(first.data().toString());
        assertThat(again.headers().get("idempotent-replayed")).containsExactly("true");
    }

    /** {@code count} requests at once with one key and body, spread over {@code apis}; their answers. */
    List<Api.Reply> concurrently(List<Api> apis, int count, String key) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Api.Reply>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Api api = apis.get(i % apis.size());
            futures.add(pool.submit(() -> {
                go.await();
                return post(api, body(), key);
            }));
        }
        go.countDown();
        List<Api.Reply> replies = new ArrayList<>();
        for (Future<Api.Reply> future : futures) {
            replies.add(future.get());
        }
        pool.shutdown();
        return replies;
    }

    /** Every reply is 200 with the same data; exactly one was not replayed. */
    static void assertOneSubmission(List<Api.Reply> replies) {
        JsonNode first = replies.get(0).data();
        int created = 0;
        for (Api.Reply reply : replies) {
            assertThat(reply.status()).as(String.valueOf(reply.body())).isEqualTo(200);
            assertThat(reply.data()).isEqualTo(first);
            if (reply.headers().get("idempotent-replayed") == null) {
                created++;
            }
        }
        assertThat(created).as("answers that created the submission").isEqualTo(1);
    }
}
