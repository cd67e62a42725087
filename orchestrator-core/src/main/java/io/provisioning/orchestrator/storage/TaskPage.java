package io.provisioning.orchestrator.storage;

import io.provisioning.orchestrator.task.Task;
import java.util.List;

public record TaskPage(List<Task> tasks, long total) {}
