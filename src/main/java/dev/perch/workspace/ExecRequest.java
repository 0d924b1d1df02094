package dev.perch.workspace;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * A command to run.
 *
 * @param argv program and arguments, as an array; never a shell string
 * @param workingDirectory relative to the home directory
 * @param env extra environment variables
 * @param timeoutSeconds the command is killed after this; the configured default when absent
 */
public record ExecRequest(@NotEmpty @Size(max = 1000) List<@NotNull @Size(max = 65536) String> argv,
		@Nullable @Size(max = 1024) String workingDirectory,
		@Nullable @Size(max = 100) Map<@Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]{0,127}", message = "must be an environment variable name") String, @NotNull @Size(max = 32768) String> env,
		@Nullable @Positive Integer timeoutSeconds) {
}
