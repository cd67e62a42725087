package io.provisioning.orchestrator.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a class's {@code main} in its own JVM, as a CLI would, and collects exit code and output. */
final class JavaCommand {
    record Result(int exit, String stdout, String stderr) {}

    private JavaCommand() {}

    static Result run(Path workingDir, Class<?> mainClass, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                mainClass.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(workingDir.toFile()).start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(mainClass.getSimpleName() + " did not finish");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8).strip(),
                new String(err, StandardCharsets.UTF_8).strip());
    }
}
