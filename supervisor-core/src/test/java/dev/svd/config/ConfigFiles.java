package dev.svd.config;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes small config files and fake programs into a test's directory and loads them. */
final class ConfigFiles {
    static final Set<String> USERS = Set.of("root", "www-data");

    private final Path dir;
    private final Path bin;

    ConfigFiles(Path dir) {
        this.dir = dir;
        this.bin = dir.resolve("bin");
        program("nginx");
        program("gunicorn");
    }

    /** A PATH holding only this test's programs, so results do not depend on the machine. */
    Map<String, String> environment() {
        return Map.of("PATH", bin.toString());
    }

    Path bin() {
        return bin;
    }

    Path write(String name, String text) {
        try {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path program(String name) {
        Path file = write("bin/" + name, "#!/bin/sh\n");
        try {
            return Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SupervisorSpec load(Path file, Map<String, String> environment) throws ConfigException {
        return new ConfigLoader(environment, USERS::contains).read(file);
    }

    SupervisorSpec load(String text) throws ConfigException {
        return load(write("svd.conf", text), environment());
    }

    /** The problem lines operators would see, for a config that must fail. */
    List<String> problems(String text) {
        Path file = write("svd.conf", text);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(file, environment()));
        if (e == null) {
            throw new AssertionError("expected configuration problems in:\n" + text);
        }
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    /** {@code file:line: } of the test's svd.conf, the prefix of each problem line. */
    String at(int line) {
        return dir.resolve("svd.conf") + ":" + line + ": ";
    }
}
