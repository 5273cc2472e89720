package dev.svd.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** One line of /etc/passwd: what svd needs to run a service as that user. */
record UserAccount(String name, int uid, int gid, String home) {
    static Optional<UserAccount> lookup(String name) {
        return lookup(Path.of("/etc/passwd"), name);
    }

    static Optional<UserAccount> lookup(Path passwd, String name) {
        List<String> lines;
        try {
            lines = Files.readAllLines(passwd);
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String line : lines) {
            String[] f = line.split(":", -1);
            if (f.length >= 6 && (f[0].equals(name) || f[2].equals(name))) {
                try {
                    return Optional.of(new UserAccount(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[5]));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
