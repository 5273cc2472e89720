package dev.svd.config;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Typesafe Config's includer for svd: {@code include "x.conf"} and {@code include file("x.conf")}
 * both name a file relative to the directory of the file that includes it (HOCON resolves
 * {@code file()} against the working directory, which for a daemon is anything), every included
 * file passes {@link ConfigText}'s checks, a missing required include is an error, a cycle of
 * includes is an error, and {@code url()} and {@code classpath()} includes are refused: svd's
 * configuration is files on this machine. One instance per including file (the nested parse
 * gets its own), sharing one {@link ConfigText}.
 */
final class FileIncluder implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
    /** How many files deep includes may nest: a guard against runaway chains, far above real use. */
    static final int MAX_DEPTH = 16;

    private final Path includingFile;
    private final List<Path> chain;
    private final ConfigText text;

    private FileIncluder(List<Path> chain, ConfigText text) {
        this.includingFile = chain.get(chain.size() - 1);
        this.chain = List.copyOf(chain);
        this.text = text;
    }

    /** The includer for the main file, {@code file} absolute. */
    static FileIncluder forMainFile(Path file, ConfigText text) {
        return new FileIncluder(List.of(file), text);
    }

    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
        return this; // no classpath or URL fallback: see the class comment
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
        return includePath(context, what, context.parseOptions().getAllowMissing());
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, File what) {
        return includePath(context, what.getPath(), context.parseOptions().getAllowMissing());
    }

    @Override
    public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
        throw refused(what.toString(), "url() includes are not read: svd reads its configuration only from files");
    }

    @Override
    public ConfigObject includeResources(ConfigIncludeContext context, String what) {
        throw refused(what, "classpath() includes are not read: svd reads its configuration only from files");
    }

    private ConfigObject includePath(ConfigIncludeContext context, String what, boolean allowMissing) {
        Path parent = includingFile.getParent();
        Path file;
        try {
            file = (parent == null ? Path.of(what) : parent.resolve(what)).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw refused(what, "not a file name: " + e.getReason());
        }
        if (!Files.exists(file)) {
            if (allowMissing) {
                // HOCON: a plain include is optional; required(...) makes it an error.
                return ConfigFactory.empty(file + " (optional include, not found)").root();
            }
            throw refused(what, "include not found: " + file);
        }
        if (chain.contains(file)) {
            List<Path> cycle = new ArrayList<>(chain.subList(chain.indexOf(file), chain.size()));
            cycle.add(file);
            throw refused(what, "include cycle: " + String.join(" -> ", cycle.stream().map(Path::toString).toList()));
        }
        if (chain.size() >= MAX_DEPTH) {
            throw refused(what, "includes nest more than " + MAX_DEPTH + " files deep");
        }
        text.check(file).ifPresent(problem -> {
            throw problem.line() > 0 ? new Refused(new Origin(file.toString(), problem.line()), problem.message())
                    : refused(what, file + ": " + problem.message());
        });
        List<Path> longer = new ArrayList<>(chain);
        longer.add(file);
        ConfigParseOptions options = context.parseOptions().setAllowMissing(false)
                .setIncluder(new FileIncluder(longer, text));
        return ConfigFactory.parseFile(file.toFile(), options).root();
    }

    private Refused refused(String what, String message) {
        return new Refused(new Origin(includingFile.toString(), lineOf(what)), message);
    }

    /** The line of the include naming {@code what}, so the problem points at it (0 when not found). */
    private int lineOf(String what) {
        try {
            List<String> lines = Files.readAllLines(includingFile);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains("include") && lines.get(i).contains(what)) {
                    return i + 1;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the file was read once already; without it the problem names the file alone
        }
        return 0;
    }

    /** An include svd does not read; carried out of Typesafe's parser to {@link HoconFile}. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Origin origin;

        Refused(Origin origin, String message) {
            super(message, null, false, false);
            this.origin = origin;
        }
    }
}
