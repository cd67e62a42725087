package io.provisioning.orchestrator.cli.workflow;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets the Nushell list syntax of the original work in any shell: the words
 * {@code [containerd kubernetes cilium]} or {@code [a, b]} become the names a, b, c.
 */
public final class Words {
    private Words() {}

    public static List<String> unbracket(List<String> words) {
        List<String> names = new ArrayList<>();
        if (words == null) {
            return names;
        }
        for (String word : words) {
            for (String part : word.split(",")) {
                String name = part.strip();
                if (name.startsWith("[")) {
                    name = name.substring(1);
                }
                if (name.endsWith("]")) {
                    name = name.substring(0, name.length() - 1);
                }
                name = name.strip();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
