package dev.svd.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigResolver;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Parses one HOCON file with its includes and resolves its substitutions, {@code ${?ENV}} from a
 * given environment rather than the JVM's, so tests need not change the process environment.
 * A file that cannot be read or parsed is a single problem: Typesafe stops at the first one.
 */
final class HoconFile {
    private HoconFile() {
    }

    static ConfigObject parse(Path given, Map<String, String> environment) throws ConfigException {
        // Absolute, so that includes resolve next to it whatever the working directory (issue 12:
        // `svd --check loop1.conf` from its own directory did not find loop1's includes).
        Path file = given.toAbsolutePath().normalize();
        Origin whole = new Origin(given.toString(), 0);
        if (!Files.exists(file)) {
            throw single(whole, "file not found");
        }
        if (!Files.isReadable(file)) {
            throw single(whole, "file not readable");
        }
        ConfigText text = new ConfigText();
        var problem = text.check(file);
        if (problem.isPresent()) {
            throw single(new Origin(given.toString(), problem.get().line()), problem.get().message());
        }
        try {
            Config parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)
                    .setSyntax(ConfigSyntax.CONF).setIncluder(FileIncluder.forMainFile(file, text)));
            ConfigResolveOptions options = ConfigResolveOptions.defaults()
                    .setUseSystemEnvironment(false)
                    .appendResolver(new EnvironmentResolver(environment));
            return parsed.resolve(options).root();
        } catch (FileIncluder.Refused e) {
            throw single(e.origin, e.getMessage());
        } catch (StackOverflowError e) {
            // What the bracket scan cannot see (a key path of thousands of dotted parts) still ends here.
            throw single(whole, "the configuration nests too deeply to be read");
        } catch (com.typesafe.config.ConfigException.UnresolvedSubstitution e) {
            throw single(Origins.of(e.origin()), withoutOrigin(e)
                    + " (set that environment variable, or write ${?NAME} where it may be unset)");
        } catch (com.typesafe.config.ConfigException e) {
            throw single(Origins.of(e.origin()), withoutOrigin(e));
        }
    }

    private static ConfigException single(Origin origin, String message) {
        return new ConfigException(List.of(new ConfigProblem(origin, "", message)));
    }

    /** Typesafe prefixes its messages with the origin's description, which our problem already shows. */
    private static String withoutOrigin(com.typesafe.config.ConfigException e) {
        String message = e.getMessage();
        if (e.origin() != null && message.startsWith(e.origin().description() + ": ")) {
            return message.substring(e.origin().description().length() + 2);
        }
        return message;
    }

    /** Answers {@code ${NAME}} and {@code ${?NAME}} that the file itself does not define. */
    private record EnvironmentResolver(Map<String, String> environment) implements ConfigResolver {
        @Override
        public ConfigValue lookup(String path) {
            String value = environment.get(path);
            return value == null ? null : ConfigValueFactory.fromAnyRef(value, "environment variable " + path);
        }

        /** Never called: this resolver is appended to Typesafe's empty default, and nothing after it. */
        @Override
        public ConfigResolver withFallback(ConfigResolver fallback) {
            throw new UnsupportedOperationException("the environment is the last resolver");
        }
    }
}
