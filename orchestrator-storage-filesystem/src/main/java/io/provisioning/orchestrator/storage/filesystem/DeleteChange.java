package io.provisioning.orchestrator.storage.filesystem;

/** One durable change that deletes a task: its record, its file and its queue entry. */
record DeleteChange(String taskId) {}
