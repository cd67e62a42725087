package io.provisioning.orchestrator.storage.surrealdb.rpc;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A live query's message: {@code action} is CREATE, UPDATE, DELETE (or KILLED); {@code record}
 * is the record id as SurrealQL text; {@code result} the record after the change (before it, for
 * DELETE). They may arrive out of order: treat one as "this record changed" and compare a version.
 */
public record LiveNotification(String liveId, String action, String record, JsonNode result) {}
