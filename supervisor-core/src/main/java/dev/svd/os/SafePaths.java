package dev.svd.os;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How svd, usually root, writes files in directories others might reach (issue 12): every
 * directory it writes into must be owned by svd's user (or root) and writable by nobody else, like
 * sshd's StrictModes and systemd's checks of its runtime directories; files are opened with
 * O_NOFOLLOW, temporary ones with O_CREAT|O_EXCL, and modes are given at creation. See
 * docs/daemon.md, "Files and directories". Stateless; any thread.
 */
public final class SafePaths {
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");
    public static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwxr-x---");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");
    public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-r-----");

    private static final int GROUP_OR_OTHER_WRITE = 0022;
    private static final int STICKY = 01000;

    private SafePaths() {}

    /** A directory another user could change, or a link where svd writes a file; the message says what to do. */
    public static final class UnsafePathException extends IOException {
        private static final long serialVersionUID = 1L;

        public UnsafePathException(String message) {
            super(message);
        }
    }

    /** svd's effective uid. */
    public static int euid() {
        return LibC.C.geteuid();
    }

    /**
     * The rule for one directory, pure: null when it is fine, else the problem in operator words.
     * The directory svd writes into ({@code leaf}) must be owned by svd's user or root and have no
     * group or other write bit, sticky or not; a directory above it may be group/other-writable only
     * with the sticky bit (like /tmp), where nobody can rename or remove what is not theirs.
     */
    static String problem(String what, Path dir, Path culprit, boolean leaf, int owner, int mode, int euid) {
        boolean ownerOk = owner == euid || owner == 0;
        boolean writable = (mode & GROUP_OR_OTHER_WRITE) != 0;
        if (ownerOk && !writable || !leaf && ownerOk && (mode & STICKY) != 0) {
            return null;
        }
        String facts = "(owner uid " + owner + ", mode " + String.format("%04o", mode & 07777) + ")";
        String whose = ownerOk ? "is writable by other users " : "belongs to another user ";
        String fix = "; make it owned by " + (euid == 0 ? "root" : "uid " + euid) + " and writable by nobody else"
                + " (chown " + euid + " " + culprit + "; chmod go-w " + culprit + ")";
        if (leaf) {
            return what + " " + dir + " " + whose + facts
                    + ": they could plant links there that make svd overwrite other files" + fix;
        }
        return what + " " + dir + " is inside " + culprit + ", which " + whose + facts
                + ": they could replace the directory svd writes into" + fix;
    }

    /**
     * Checks {@code dir} (which must exist) and every directory above it, both along the path as
     * given and along its real path (a link in the path is followed, as svd does when it writes).
     *
     * @throws UnsafePathException naming the path, its owner and mode, and what to do
     */
    public static void check(Path dir, String what) throws IOException {
        Path given = dir.toAbsolutePath().normalize();
        Path real = given.toRealPath();
        if (!Files.isDirectory(real)) {
            throw new UnsafePathException(what + " " + dir + " is not a directory");
        }
        Set<Path> above = new LinkedHashSet<>();
        for (Path p = given.getParent(); p != null; p = p.getParent()) {
            above.add(p);
        }
        for (Path p = real.getParent(); p != null; p = p.getParent()) {
            above.add(p);
        }
        above.remove(real);
        int euid = euid();
        String problem = problem(what, dir, real, true, owner(real), mode(real), euid);
        if (problem != null) {
            throw new UnsafePathException(problem);
        }
        for (Path p : above) {
            if (Files.isSymbolicLink(p)) {
                continue; // its target is on the real path; the link itself is checked through its directory
            }
            problem = problem(what, dir, p, false, owner(p), mode(p), euid);
            if (problem != null) {
                throw new UnsafePathException(problem);
            }
        }
    }

    /** Checks {@code parent} and everything above it by the rule for directories above the one svd writes into. */
    private static void checkAbove(Path parent, String what, Path dir) throws IOException {
        Set<Path> chain = new LinkedHashSet<>();
        for (Path p = parent.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            chain.add(p);
        }
        for (Path p = parent.toRealPath(); p != null; p = p.getParent()) {
            chain.add(p);
        }
        int euid = euid();
        for (Path p : chain) {
            if (!Files.isSymbolicLink(p)) {
                String problem = problem(what, dir, p, false, owner(p), mode(p), euid);
                if (problem != null) {
                    throw new UnsafePathException(problem);
                }
            }
        }
    }

    /**
     * Checks what of {@code dir} exists: the directory itself when it does, else the nearest
     * existing directory above it as the one svd would create it in. For {@code svd --check}.
     */
    public static void checkExisting(Path dir, String what) throws IOException {
        Path p = dir.toAbsolutePath().normalize();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return;
        }
        if (p.equals(dir.toAbsolutePath().normalize())) {
            check(p, what);
            return;
        }
        checkAbove(p, what, dir); // svd would create the missing part inside p
    }

    /**
     * Creates {@code dir} if missing (directories above it 0755, it {@code mode} with {@code group}
     * when not null), then {@link #check}s it. An existing directory keeps its mode and group.
     */
    public static void ensureDirectory(Path dir, String what, Set<PosixFilePermission> mode, GroupPrincipal group)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            Path parent = dir.toAbsolutePath().normalize().getParent();
            if (parent != null) {
                Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(DIRECTORY));
                checkAbove(parent, what, dir);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(mode));
                PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS);
                view.setPermissions(mode); // the umask may have taken bits away
                if (group != null) {
                    view.setGroup(group);
                }
            } catch (FileAlreadyExistsException e) {
                // made at the same moment by another thread (or a link): the check below judges it
            }
        }
        check(dir, what);
    }

    /**
     * Opens {@code file} for appending, never through a symbolic link (O_NOFOLLOW); a new file gets
     * {@code mode} (less the umask) and {@code group} when not null.
     */
    public static FileChannel openAppend(Path file, Set<PosixFilePermission> mode, GroupPrincipal group)
            throws IOException {
        FileChannel ch = open(file, mode, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (group != null) {
            try {
                PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!view.readAttributes().group().equals(group)) {
                    view.setGroup(group);
                }
            } catch (IOException e) {
                ch.close();
                throw e;
            }
        }
        return ch;
    }

    /** Opens {@code file} with {@code options} plus O_NOFOLLOW; a link there is refused with a clear message. */
    public static FileChannel open(Path file, Set<PosixFilePermission> mode, OpenOption... options) throws IOException {
        Set<OpenOption> opts = new HashSet<>(List.of(options));
        opts.add(LinkOption.NOFOLLOW_LINKS);
        try {
            return FileChannel.open(file, opts, PosixFilePermissions.asFileAttribute(mode));
        } catch (FileAlreadyExistsException | NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            if (Files.isSymbolicLink(file)) {
                throw new UnsafePathException(file + " is a symbolic link; svd does not write through links"
                        + " (remove it; svd creates the file)");
            }
            throw e;
        }
    }

    /**
     * Sets the mode (and group when not null) of {@code path} itself, never of what a link there
     * points to: the file is opened with O_PATH|O_NOFOLLOW and changed through /proc/self/fd. Works
     * for sockets, which open(2) cannot open for reading.
     */
    public static void setModeNoFollow(Path path, Set<PosixFilePermission> mode, GroupPrincipal group) throws IOException {
        int fd;
        try {
            fd = LibC.C.open(path.toString(), LibC.O_PATH | LibC.O_NOFOLLOW | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot open " + path + ": " + SpawnCalls.strerror(e.getErrorCode()));
        }
        try {
            Path self = Path.of("/proc/self/fd", Integer.toString(fd));
            BasicFileAttributes opened = Files.readAttributes(self, BasicFileAttributes.class);
            BasicFileAttributes named = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (opened.isSymbolicLink() || named.isSymbolicLink() || !opened.fileKey().equals(named.fileKey())) {
                throw new UnsafePathException(path + " is a symbolic link; svd does not change modes through links");
            }
            Files.setPosixFilePermissions(self, mode);
            if (group != null) {
                Files.getFileAttributeView(self, PosixFileAttributeView.class).setGroup(group);
            }
        } finally {
            LibC.C.close(fd);
        }
    }

    /** The group named {@code name}. */
    public static GroupPrincipal group(String name, String key) throws IOException {
        try {
            return java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
        } catch (UserPrincipalNotFoundException e) {
            throw new IOException(key + ": no such group \"" + name + "\"", e);
        }
    }

    private static int owner(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }
}
