package io.provisioning.orchestrator.storage.surrealdb;

import com.fasterxml.jackson.databind.JsonNode;
import io.provisioning.orchestrator.storage.surrealdb.rpc.LiveNotification;
import io.provisioning.orchestrator.storage.surrealdb.rpc.LiveQuery;
import io.provisioning.orchestrator.storage.surrealdb.rpc.SurrealClient;
import io.provisioning.orchestrator.task.Task;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live query on the task table that passes on what other nodes wrote (the database leaves out
 * this node's own writes and sends only the fields needed). Notifications may come
 * out of order, so each record's {@code version} is compared with the highest one seen and older
 * ones are dropped; this node's own writes are skipped, its engine has seen them already.
 */
final class TaskWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskWatch.class);
    private static final int REMEMBERED = 200_000;

    private final LiveQuery live;

    private TaskWatch(LiveQuery live) {
        this.live = live;
    }

    static TaskWatch start(SurrealClient client, String nodeId, Consumer<Task> changed) {
        Map<String, Long> versions = new ConcurrentHashMap<>();
        LiveQuery live = client.liveSelect("LIVE SELECT json, version, writer FROM task WHERE writer != $node",
                Map.of("node", nodeId), notification -> deliver(notification, nodeId, versions, changed));
        return new TaskWatch(live);
    }

    private static void deliver(LiveNotification notification, String nodeId, Map<String, Long> versions,
            Consumer<Task> changed) {
        JsonNode record = notification.result();
        if (record == null || notification.action().equals("DELETE") || !record.hasNonNull("json")) {
            return;
        }
        long version = record.path("version").asLong();
        Long seen = versions.get(notification.record());
        if (seen != null && seen >= version) {
            return;
        }
        if (versions.size() > REMEMBERED) {
            versions.clear();
        }
        versions.put(notification.record(), version);
        if (nodeId.equals(record.path("writer").asText())) {
            return;
        }
        try {
            changed.accept(TaskRecords.fromJson(record.get("json")));
        } catch (RuntimeException e) {
            LOG.warn("a change from another node could not be applied here: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        live.close();
    }
}
