package dev.svd.os;

/** Which of a service's two output pipes a chunk of bytes came from. */
public enum OutputKind {
    STDOUT, STDERR
}
