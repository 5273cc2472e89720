package dev.svd.config;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks a service's command, directory and user against this machine at load time, so that a typo
 * is a config problem rather than a spawn failure later. Each check answers the problem, if any.
 */
final class HostChecks {
    /**
     * The JDK searches {@code :/bin:/usr/bin} when PATH is unset (ProcessImpl, childproc.c); we
     * name the same directories without the current one.
     */
    static final String DEFAULT_PATH = "/bin:/usr/bin";

    /** Whether a user name (or numeric uid) is known to this machine. */
    interface UserLookup {
        boolean exists(String user) throws IOException;
    }

    private final String searchPath;
    private final UserLookup users;

    /**
     * @param searchPath svd's own PATH: the JDK resolves a bare program name on the parent's PATH,
     *                   not on the PATH given to the child
     */
    HostChecks(String searchPath, UserLookup users) {
        this.searchPath = searchPath;
        this.users = users;
    }

    /**
     * Whether /etc/passwd has a line for {@code user}, by name or by numeric uid: the same lookup
     * the spawner makes (os.UserAccount), so that what passes {@code --check} can be started. The
     * JDK's getpwnam(3) path took any number ("-1", "99999") as a uid, and the start failed later
     * (issue 12).
     */
    static boolean systemUserExists(String user) throws IOException {
        return passwdHas(Path.of("/etc/passwd"), user);
    }

    static boolean passwdHas(Path passwd, String user) throws IOException {
        if (user.isEmpty() || user.contains(":") || user.contains("\n")) {
            return false;
        }
        for (String line : Files.readAllLines(passwd)) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 6 && (fields[0].equals(user) || fields[2].equals(user))) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code command[0]}: a name with a slash is taken as a path (relative to the service's
     * directory, where the child is started), a bare name is searched on PATH like execvp(3).
     */
    Optional<String> executableProblem(String program, Optional<Path> directory) {
        if (program.isEmpty()) {
            return Optional.of("the program, command[0], must not be empty");
        }
        if (FileNames.path(program).isEmpty()) {
            return Optional.of("the program, command[0], " + FileNames.unusable(program));
        }
        if (program.contains("/")) {
            Path path = Path.of(program);
            if (!path.isAbsolute() && directory.isPresent()) {
                path = directory.get().resolve(path);
            }
            return fileProblem(path);
        }
        for (String dir : searchPath.split(File.pathSeparator, -1)) {
            Optional<Path> candidate = FileNames.path(dir.isEmpty() ? "." : dir).map(d -> d.resolve(program));
            if (candidate.isPresent() && fileProblem(candidate.get()).isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.of("\"" + program + "\" is not an executable file on PATH (searched " + searchPath + ")");
    }

    Optional<String> directoryProblem(Path directory) {
        if (!Files.exists(directory)) {
            return Optional.of(directory + " does not exist");
        }
        return Files.isDirectory(directory) ? Optional.empty() : Optional.of(directory + " is not a directory");
    }

    Optional<String> userProblem(String user) {
        try {
            return users.exists(user) ? Optional.empty() : Optional.of("no such user \"" + user
                    + "\" in /etc/passwd (a service runs as a user listed there, by name or uid)");
        } catch (IOException e) {
            return Optional.of("cannot look up user \"" + user + "\": " + e.getMessage());
        }
    }

    private static Optional<String> fileProblem(Path path) {
        if (!Files.exists(path)) {
            return Optional.of(path + " does not exist");
        }
        if (!Files.isRegularFile(path)) {
            return Optional.of(path + " is not a regular file");
        }
        return Files.isExecutable(path) ? Optional.empty() : Optional.of(path + " is not executable");
    }
}
