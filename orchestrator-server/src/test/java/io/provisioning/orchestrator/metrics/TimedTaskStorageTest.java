package io.provisioning.orchestrator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.provisioning.orchestrator.storage.TaskStorage;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimedTaskStorageTest {
    /**
     * A decorator that leaves a default method of the SPI to the interface silently turns off what
     * the backend does there (compare-and-set claims, leases, bulk import), so it must override all.
     */
    @Test
    void passes_every_storage_method_to_the_backend_including_the_default_ones() {
        List<String> missing = Arrays.stream(TaskStorage.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()))
                .filter(m -> !declares(TimedTaskStorage.class, m))
                .map(Method::getName).toList();
        assertThat(missing).isEmpty();
    }

    private static boolean declares(Class<?> type, Method method) {
        try {
            type.getDeclaredMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
