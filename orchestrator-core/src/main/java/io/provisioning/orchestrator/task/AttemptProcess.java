package io.provisioning.orchestrator.task;

import java.time.Instant;

/**
 * The process tree that runs (or ran) one attempt, as stored with the claim before the script may
 * start: the session leader's {@code pid}, its process group {@code pgid} (the whole tree), the
 * leader's start time in clock ticks since boot ({@code /proc/<pid>/stat} field 22, so a reused pid
 * is never mistaken for it), the {@code node} that started it, and the {@code host}: boot id and pid
 * namespace, the only place where that pid means that process.
 */
public record AttemptProcess(long pid, long pgid, long startTicks, String node, String host, Instant startedAt) {}
