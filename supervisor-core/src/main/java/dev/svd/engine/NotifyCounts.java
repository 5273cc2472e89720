package dev.svd.engine;

/**
 * svd's notify socket and its datagrams since svd started (docs/notify.md; on the wire as
 * {@code notify} in {@code status}, docs/protocol.md). Immutable.
 *
 * @param socket   the {@code NOTIFY_SOCKET} value services get
 * @param received datagrams read
 * @param garbage  dropped whole: empty, too long, not UTF-8, no KEY=VALUE
 * @param accepted taken as a service's notification
 * @param refused  from a process of no service, of a service that does not use notify, or naming a
 *                 MAINPID= that is not the service's
 * @param ignored  assignments svd does not act on (unsupported or unknown keys, invalid values)
 */
public record NotifyCounts(String socket, long received, long garbage, long accepted, long refused, long ignored) {}
