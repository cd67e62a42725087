package io.provisioning.orchestrator.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code provisioning completion bash|zsh}: prints a completion script generated from the command tree. */
@Command(name = "completion", description = {
    "Prints a shell completion script.",
    "  bash: source <(provisioning completion bash)",
    "  zsh:  source <(provisioning completion zsh)"})
final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    private final Session session;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    Shell shell;

    CompletionCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        String script = AutoComplete.bash("provisioning", spec.root().commandLine());
        if (shell == Shell.zsh) {
            // picocli's script is bash; zsh runs it through bashcompinit
            script = "#compdef provisioning\nautoload -U +X compinit && compinit\n"
                    + "autoload -U +X bashcompinit && bashcompinit\n" + script;
        }
        session.out().print(script);
        session.out().flush();
        return ExitCodes.OK;
    }
}
