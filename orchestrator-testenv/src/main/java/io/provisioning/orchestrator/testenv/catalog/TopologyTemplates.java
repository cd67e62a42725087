package io.provisioning.orchestrator.testenv.catalog;

import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.workflow.Printable;
import java.util.LinkedHashMap;
import java.util.Map;

/** The topology templates file (docker/topologies.yaml): topologies by name. */
public record TopologyTemplates(Integer version, Map<String, Topology> templates) {
    public TopologyTemplates {
        templates = templates == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(templates));
    }

    public Topology require(String name) {
        Topology topology = templates.get(name);
        if (topology == null) {
            throw new TemplateNotFoundException("no topology template named " + Printable.quote(name)
                    + "; there are " + String.join(", ", templates.keySet()));
        }
        return topology;
    }
}
