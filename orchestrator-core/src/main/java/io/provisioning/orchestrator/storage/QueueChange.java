package io.provisioning.orchestrator.storage;

/** What a task write does to its queue entry. */
public enum QueueChange { ADD, REMOVE, KEEP }
